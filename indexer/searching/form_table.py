"""Every written form of an index generation, and in how many articles each stands.

The word-form lists (:mod:`indexer.searching.expansions`) look for the forms
of a query word by substring search over all forms of the archive, and
check and list the most frequent first.  This table holds both: the forms
of ``title_forms`` and ``body_forms`` sorted, one per line in one string,
and beside them as an array the number of articles holding each (the
larger of its title and body counts, deleted articles included, exactly
``reader.doc_frequency``), gathered once per generation by its writer
(:mod:`indexer.writing.written_forms`), so a search never asks every
segment for the frequency of hundreds of candidate forms: at a million
articles (200 segments) that took seconds.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

import numpy as np

from indexer.searching.budget import check_budget
from indexer.searching.matching import distinct
from indexer.writing import written_forms

_LAST_CHARACTER = chr(0x10FFFF)  # sorts after every character a form can hold


class FormTable:
    """Sorted distinct forms with their article frequencies, addressed by position.

    ``segments`` (optional): for each form, the segments holding it (their
    indices in the reader's order), so counting a rare form asks a few
    segments instead of every one.
    """

    def __init__(self, forms: list[str], frequencies: Iterable[int],
                 segments: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.text = "\n" + "\n".join(forms) + "\n" if forms else "\n"
        lengths = np.fromiter(map(len, forms), dtype=np.int64, count=len(forms))
        self.starts = np.ones(len(forms), dtype=np.int64)
        self.starts[1:] += np.cumsum(lengths + 1)[:-1]
        self.ends = self.starts + lengths
        self.frequencies = np.fromiter(frequencies, dtype=np.int64, count=len(forms))
        self._segment_ends, self._segments = segments if segments is not None else (None, None)

    @classmethod
    def read(cls, reader, fieldnames: Iterable[str] = written_forms.FIELDS) -> FormTable:
        """The forms of ``fieldnames`` in every segment of ``reader`` (a whoosh reader)."""
        return cls.of(written_forms.gather(reader, fieldnames))

    @classmethod
    def of(cls, written: written_forms.WrittenForms) -> FormTable:
        return cls(written.forms, written.frequencies, (written.segment_ends, written.segments))

    def segments(self, form: str) -> np.ndarray | None:
        """Indices of the segments holding ``form`` (None: not recorded; empty: no such form)."""
        if self._segments is None:
            return None
        at = self.position(form)
        if at is None:
            return np.zeros(0, dtype=np.int32)
        return self._segments[self._segment_ends[at - 1] if at else 0:self._segment_ends[at]]

    def __len__(self) -> int:
        return self.starts.size

    def form(self, position: int) -> str:
        return self.text[self.starts[position]:self.ends[position]]

    def position(self, form: str) -> int | None:
        """Where ``form`` stands in the table, or None."""
        at = bisect_left(range(len(self)), form, key=self.form)
        return at if at < len(self) and self.form(at) == form else None

    def frequency(self, form: str) -> int:
        """Articles holding ``form`` in their title or body (the larger count); 0 if none."""
        at = self.position(form)
        return 0 if at is None else int(self.frequencies[at])

    def containing(self, piece: str) -> np.ndarray:
        """Positions of the forms with ``piece`` anywhere in them, in table order."""
        if not piece or "\n" in piece:
            return np.zeros(0, dtype=np.int64)
        found = []
        for count, match in enumerate(re.finditer(re.escape(piece), self.text)):
            if not count % 4096:
                check_budget()
            found.append(match.start())
        at = np.searchsorted(self.starts, np.array(found, dtype=np.int64), side="right") - 1
        return distinct(at)

    def starting_with(self, prefix: str) -> np.ndarray:
        """Positions of the forms beginning with ``prefix``, in table order."""
        start = bisect_left(range(len(self)), prefix, key=self.form)
        end = bisect_left(range(len(self)), prefix + _LAST_CHARACTER, start, key=self.form)
        return np.arange(start, end, dtype=np.int64)

    def most_frequent_first(self, positions: np.ndarray) -> np.ndarray:
        """``positions`` ordered by frequency, highest first, then by form."""
        return positions[np.lexsort((positions, -self.frequencies[positions]))]
