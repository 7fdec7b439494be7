"""Every written form of an index generation, and in how many articles each stands.

The word-form lists (:mod:`indexer.searching.expansions`) look for the forms
of a query word by substring search over all forms of the archive, and
check and list the most frequent first.  This table holds both: the forms
of ``title_forms`` and ``body_forms`` sorted, one per line in one string,
and beside them as an array the number of articles holding each (the
larger of its title and body counts, deleted articles included, exactly
``reader.doc_frequency``).  It is read in one pass over each segment's term
table, so a search never asks every segment for the frequency of hundreds
of candidate forms: at a million articles (200 segments) that took seconds.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

import numpy as np

from indexer.searching.budget import check_budget
from indexer.whoosh_compat import field_terms

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
    def read(cls, reader, fieldnames: Iterable[str]) -> FormTable:
        """The forms of ``fieldnames`` in every segment of ``reader`` (a whoosh reader)."""
        numbers: dict[bytes, int] = {}  # form → number in the order first met
        counts: list[np.ndarray] = []  # per field, articles per form number
        held: list[np.ndarray] = []  # per segment and field, the form numbers it holds
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        for fieldname in fieldnames:
            in_field = np.zeros(0, dtype=np.int64)
            for leaf in leaves:
                check_budget()
                terms, frequencies = field_terms(leaf, fieldname)
                here = np.array([numbers.setdefault(t, len(numbers)) for t in terms],
                                dtype=np.int64)
                if len(numbers) > in_field.size:
                    in_field = np.concatenate([in_field, np.zeros(len(numbers) - in_field.size,
                                                                  dtype=np.int64)])
                in_field[here] += frequencies  # a segment holds a term once
                held.append(here)
            counts.append(in_field)
        ordered = sorted(numbers)  # UTF-8 byte order is code point order
        order = np.fromiter(map(numbers.__getitem__, ordered), dtype=np.int64,
                            count=len(ordered))
        frequency = np.zeros(len(numbers), dtype=np.int64)
        for in_field in counts:
            frequency[:in_field.size] = np.maximum(frequency[:in_field.size], in_field)
        position = np.empty(len(numbers), dtype=np.int64)
        position[order] = np.arange(len(numbers))
        width = max(len(leaves), 1)  # (form, segment) pairs as form * width + segment
        segment_of = np.concatenate([np.full(h.size, i % width, dtype=np.int64)
                                     for i, h in enumerate(held)] or [np.zeros(0, np.int64)])
        form_of = position[np.concatenate(held or [np.zeros(0, np.int64)])]
        pairs = np.unique(form_of * width + segment_of)  # a form in both fields: once
        ends = np.searchsorted(pairs // width, np.arange(len(numbers)), "right")
        segments = (pairs % width).astype(np.int32)
        return cls([b.decode("utf-8") for b in ordered], frequency[order], (ends, segments))

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
        return np.unique(at)

    def starting_with(self, prefix: str) -> np.ndarray:
        """Positions of the forms beginning with ``prefix``, in table order."""
        start = bisect_left(range(len(self)), prefix, key=self.form)
        end = bisect_left(range(len(self)), prefix + _LAST_CHARACTER, start, key=self.form)
        return np.arange(start, end, dtype=np.int64)

    def most_frequent_first(self, positions: np.ndarray) -> np.ndarray:
        """``positions`` ordered by frequency, highest first, then by form."""
        return positions[np.lexsort((positions, -self.frequencies[positions]))]
