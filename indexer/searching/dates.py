"""Dates in the query language: ``date:2005-03``, ``date:[2020 to 2021-06]``, ``year:2024``.

A date value names whole days in Europe/Berlin: a year, a month or a day
(``2024``, ``2024-11``, ``2024-11-05``, also ``5.11.2024``).  A range runs
from the first day of its start to the last day of its end, either end may
be left open (``date:[2020 to]``), and ``{…}`` leaves its end out.  Each
becomes a :class:`DayRange`, the same test as the request's ``from``/``to``:
the search reads it from the per-document day column (``yyyymmdd`` in Berlin
time), and whoosh, where it runs a query itself, from the ``date`` field.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from whoosh import query as wq
from whoosh.qparser import syntax
from whoosh.qparser.plugins import Plugin
from whoosh.qparser.syntax import attach

from indexer.reading.corpus import BERLIN

#: Fields whose values are dates, and what each accepts.
DATE_FIELDS = ("date", "year")
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_GERMAN = re.compile(r"(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4})")
EXAMPLES = "2024, 2024-11, 2024-11-05 or a range like date:[2020 to 2021-06]"


class DateValueError(ValueError):
    """A date value that names no period; the message says what to type instead."""


def day_number(day: date) -> int:
    """``day`` as the day column holds it: ``yyyymmdd``."""
    return day.year * 10000 + day.month * 100 + day.day


def period(text: str, fieldname: str = "date") -> tuple[date, date]:
    """The first and last day named by a date value such as ``2024-11``."""
    text = text.strip()
    iso, german = _ISO.fullmatch(text), _GERMAN.fullmatch(text)
    if fieldname == "year":
        if not (iso and iso.group(2) is None):
            raise DateValueError(f"year: needs a year like 2024, not {text!r}.")
    elif not (iso or german):
        raise DateValueError(f"date: needs a value like {EXAMPLES}, not {text!r}.")
    if iso:
        year, month, day = (int(g) if g else None for g in iso.groups())
    else:
        day, month, year = (int(g) if g else None for g in german.groups())
    try:
        if day is not None:
            first = last = date(year, month, day)
        elif month is not None:
            first = date(year, month, 1)
            last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        else:
            first, last = date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        raise DateValueError(f"{text!r} is not a date in the calendar.") from None
    return first, last


def _berlin_midnight_utc(day: date) -> datetime:
    """The start of ``day`` in Berlin, as the naive UTC time the ``date`` field holds."""
    local = datetime.combine(day, time(0), tzinfo=BERLIN)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


class DayRange(wq.DateRange):
    """Articles dated from ``first`` to ``last`` (inclusive, Berlin days; None: open).

    The search evaluates it on the day column (``first_day``/``last_day``);
    as a whoosh ``DateRange`` over the same instants it gives the same set
    wherever whoosh runs it.  Undated articles never match.
    """

    def __init__(self, first: date | None, last: date | None, boost: float = 1.0) -> None:
        self.first_day = day_number(first) if first else 1
        self.last_day = day_number(last) if last else 99_991_231
        start = _berlin_midnight_utc(first) if first else None
        end = _berlin_midnight_utc(last + timedelta(days=1)) - timedelta(microseconds=1) \
            if last else None
        super().__init__("date", start, end, boost=boost)

    def has_terms(self) -> bool:
        return False  # nothing to highlight

    def __repr__(self) -> str:
        return f"DayRange({self.first_day}, {self.last_day})"


class DayNode(syntax.SyntaxNode):
    """A date value or range of the query text, or the reason it is not one."""

    has_fieldname = True
    has_boost = True

    def __init__(self, fieldname: str, first: date | None = None, last: date | None = None,
                 error: DateValueError | None = None) -> None:
        self.fieldname = fieldname
        self.first, self.last, self.error = first, last, error
        self.boost = 1.0

    def r(self) -> str:
        return f"Days {self.first}..{self.last}" if not self.error else f"ERR {self.error}"

    def query(self, parser):
        if self.error:
            return attach(wq.error_query(self.error), self)
        return attach(DayRange(self.first, self.last, boost=self.boost), self)


class DayRangePlugin(Plugin):
    """Turns ``date:`` and ``year:`` values and ranges into :class:`DayNode` (whoosh plugin)."""

    def filters(self, parser):
        return [(self.do_dates, 110)]  # after field names and their aliases are known

    def do_dates(self, parser, group):
        for i, node in enumerate(group):
            fieldname = node.fieldname if node.has_fieldname else None
            if isinstance(node, syntax.GroupNode):
                group[i] = self.do_dates(parser, node)
            elif getattr(node, "text", None) == "*":
                continue  # date:* is every dated article, refused as a whole-field walk
            elif fieldname in DATE_FIELDS and (node.has_text or isinstance(node, syntax.RangeNode)):
                day_node = _day_node(node, fieldname)
                day_node.startchar, day_node.endchar = node.startchar, node.endchar
                group[i] = day_node
        return group


def _day_node(node, fieldname: str) -> DayNode:
    try:
        if not isinstance(node, syntax.RangeNode):
            return DayNode(fieldname, *period(node.text, fieldname))
        first = last = None
        if node.start and node.start.strip():
            start = period(node.start, fieldname)
            first = start[1] + timedelta(days=1) if node.startexcl else start[0]
        if node.end and node.end.strip():
            end = period(node.end, fieldname)
            last = end[0] - timedelta(days=1) if node.endexcl else end[1]
        if first is None and last is None:
            raise DateValueError(f"A {fieldname}: range needs a start or an end, "
                                 f"like {EXAMPLES}.")
        if first and last and first > last:
            raise DateValueError(f"The {fieldname}: range ends before it starts.")
        return DayNode(fieldname, first, last)
    except DateValueError as error:
        return DayNode(fieldname, error=error)
