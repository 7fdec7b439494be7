"""Time budgets: a deadline for one search that its expensive loops check.

Python threads cannot be stopped from outside, so a search that runs too
long must stop itself.  :func:`time_budget` sets a deadline for the code
running inside it (per thread, through a context variable); the loops that
can grow with the index or the query (segments, posting lists, prefix
expansions, phrase candidates, whoosh's own matchers, hits, export rows)
call :func:`check_budget`, which raises :class:`BudgetExceeded` once the
deadline has passed.  Outside any budget, the checks cost a lookup and do
nothing.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")

#: (deadline on the monotonic clock, the budget in seconds) of the running search.
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("search_deadline", default=None)
#: Items a loop handles between two looks at the clock.
CHECK_EVERY = 256


class BudgetExceeded(RuntimeError):
    """The search ran past its time budget and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The search took longer than {seconds:g} s and was stopped. Narrow it down: "
            "more specific words, a longer prefix before '*', a filter or a date range.")
        self.seconds = seconds


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Run the enclosed code with a deadline ``seconds`` from now (``None``: no limit)."""
    token = _DEADLINE.set((time.monotonic() + seconds, seconds) if seconds else None)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_budget() -> None:
    """Raise :class:`BudgetExceeded` if the running search is past its deadline."""
    budget = _DEADLINE.get()
    if budget is not None and time.monotonic() > budget[0]:
        raise BudgetExceeded(budget[1])


def within_budget(items: Iterable[T], every: int = CHECK_EVERY) -> Iterator[T]:
    """``items``, checking the budget before the first and after every ``every`` items."""
    check_budget()
    for count, item in enumerate(items, start=1):
        yield item
        if count % every == 0:
            check_budget()
