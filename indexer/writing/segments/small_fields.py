"""Postings of the non-text fields (ids, keywords, numbers, dates), without whoosh's per-call cost.

whoosh's ``FieldType.index(value)`` costs 7-60 µs per field and document
(analyzer objects, generators, for a date eight ``to_bytes`` calls with
parsing): about 170 µs per article for the project's ten small fields.  An
:class:`Indexer` gives exactly what ``index()`` gives, faster:

* ``ID``/``KEYWORD``-like fields whose analyzer is an ``IDTokenizer`` (with an
  optional ``LowercaseFilter``): the value itself is the term;
* comma-separated ``KEYWORD`` fields (``RegexTokenizer("[^,]+") | StripFilter
  | LowercaseFilter``): split, strip, lower, count;
* ``NUMERIC``/``DATETIME`` with ``shift_step``: whoosh encodes the first tier,
  the other tiers are shifts of the same number;
* anything else, and any value of another type: whoosh's ``index()``.

Values that repeat (sections, sources, months, years) are looked up in a
per-field memo.  The parity tests compare every posting with whoosh's.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from typing import Any, Callable

from whoosh import analysis, fields, formats
from whoosh.system import pack_uint

Item = tuple[bytes, int, float, bytes]  # (term bytes, frequency, weight, value bytes)
MEMO_SIZE = 50_000


def _id_analyzer(field: fields.FieldType) -> bool | None:
    """True: IDTokenizer | LowercaseFilter; False: IDTokenizer alone; None: other."""
    ana = field.analyzer
    if type(ana) is analysis.IDTokenizer:
        return False
    if isinstance(ana, analysis.CompositeAnalyzer) and len(ana.items) == 2 and \
            type(ana.items[0]) is analysis.IDTokenizer and \
            type(ana.items[1]) is analysis.LowercaseFilter:
        return True
    return None


def _comma_keyword(field: fields.FieldType) -> bool:
    ana = field.analyzer
    return (isinstance(ana, analysis.CompositeAnalyzer) and len(ana.items) == 3
            and type(ana.items[0]) is analysis.RegexTokenizer
            and ana.items[0].expression.pattern == "[^,]+" and not ana.items[0].gaps
            and type(ana.items[1]) is analysis.StripFilter
            and type(ana.items[2]) is analysis.LowercaseFilter)


class Indexer:
    """``list(field.index(value))`` for one field, computed the short way where it is safe."""

    def __init__(self, field: fields.FieldType) -> None:
        self.field = field
        self.memo: dict[Any, list[Item]] | None = None if field.unique else {}
        self._fast, self._types = self._choose()

    def _choose(self) -> tuple[Callable[[Any], list[Item]] | None, tuple[type, ...]]:
        """The short way for this field, and the value types it is exact for."""
        f = self.field
        fmt = type(f.format)
        boost = float(f.format.field_boost)
        if type(f) in (fields.ID, fields.KEYWORD, fields.FieldType) and \
                fmt is formats.Existence:
            lower = _id_analyzer(f)
            if lower is not None:
                if lower:
                    return (lambda v: [(v.lower().encode("utf-8"), 1, boost, b"")]), (str,)
                return (lambda v: [(v.encode("utf-8"), 1, boost, b"")]), (str,)
        if type(f) is fields.KEYWORD and fmt is formats.Frequency \
                and _comma_keyword(f):
            find = re.compile("[^,]+").findall
            one = pack_uint(1)

            def keywords(v: str) -> list[Item]:
                words = [t.strip().lower() for t in find(v)]
                if len(set(words)) == len(words):
                    return [(t.encode("utf-8"), 1, boost, one) for t in words]
                counts = Counter(words)
                return [(t.encode("utf-8"), n, n * boost, pack_uint(n))
                        for t, n in counts.items()]
            return keywords, (str,)
        if type(f) in (fields.NUMERIC, fields.DATETIME) and f.shift_step and \
                fmt is formats.Existence:
            shifts = range(0, f.bits, f.shift_step)
            pack = f._struct.pack
            unpack = f._struct.unpack

            def tiers(v) -> list[Item]:
                first = f.to_bytes(v, 0)
                x = unpack(first[1:])[0]
                return [(bytes((s,)) + pack(x >> s), 1, 1.0, b"") for s in shifts]
            kinds = (datetime.datetime,) if type(f) is fields.DATETIME else (int,)
            return tiers, kinds
        return None, ()

    def __call__(self, value: Any) -> list[Item]:
        if type(value) not in self._types:
            return list(self.field.index(value))
        memo = self.memo
        if memo is not None:
            found = memo.get(value)
            if found is not None:
                return found
        items = self._fast(value)
        if memo is not None:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[value] = items
        return items


__all__ = ["Indexer"]
