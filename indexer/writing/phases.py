"""Where a build's CPU time goes: seconds of processor time by phase, summed over processes.

A :class:`PhaseClock` charges the CPU time of its process to the phase on
top of a stack: entering a phase inside another (a reading generator
consumed by the clustering one, analysis inside writing) charges the inner
one only, so the phases of one process add up to the time it ran.  Time
outside every named phase goes to :data:`OTHER`.  Writer processes send
their clock's totals back with their segments, and the build adds them to
its own (:class:`~indexer.writing.build.BuildReport`, ``phases``).
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from typing import Iterable, Iterator, TypeVar

#: The phases of a build, in the order the work passes through them.
READ = "read"  # files, JSON, content hashes
CLUSTER = "cluster"  # near-duplicate signatures and clustering
ENTITIES = "entities"  # entity cache look-ups, extraction of new articles
HAND_OFF = "hand-off"  # batches to and from the writer processes
ANALYSE = "analyse"  # text fields into token streams, vocabulary and entity form counts
WRITE = "write"  # postings, stored fields, compound files
MERGE = "merge"  # the build's segments merged into few large ones
COMMIT = "commit"  # table of contents, side files, the check that the index opens, caches
OTHER = "other"
PHASES = (READ, CLUSTER, ENTITIES, HAND_OFF, ANALYSE, WRITE, MERGE, COMMIT, OTHER)

Item = TypeVar("Item")


class PhaseClock:
    """CPU seconds of this process by phase, from the moment the clock is made."""

    def __init__(self) -> None:
        self.seconds: Counter = Counter()
        self._stack = [OTHER]
        self._mark = time.process_time()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Charge the time inside the ``with`` block to ``name``."""
        self._charge()
        self._stack.append(name)
        try:
            yield
        finally:
            self._charge()
            self._stack.pop()

    def timed(self, items: Iterable[Item], name: str) -> Iterator[Item]:
        """``items``, with the time spent making each one charged to ``name``."""
        iterator = iter(items)
        while True:
            with self.phase(name):
                try:
                    item = next(iterator)
                except StopIteration:
                    return
            yield item

    def totals(self) -> Counter:
        """Seconds by phase so far (the current phase included)."""
        self._charge()
        return Counter(self.seconds)

    def _charge(self) -> None:
        now = time.process_time()
        self.seconds[self._stack[-1]] += now - self._mark
        self._mark = now
