"""Facet counting over whole result sets, from per-generation column arrays.

When an index generation is opened, :class:`FacetTable` takes the
generation's document columns (:mod:`indexer.writing.document_columns`,
gathered by its writer from the compact ``facet_data`` column) and keeps
every facet as NumPy arrays indexed by document number: a code per document
for single-valued facets (section, source, year, month) and CSR arrays for
the multi-valued entity facets.
Counting a result set of any size is then a ``bincount`` over the matching
document numbers, instead of a walk over stored documents in Python.
Deleted documents (until a merge drops them) get no facet values at all.
:class:`NameIndex` finds the values of an entity facet by the start of any of
their words, for autocompletion.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from indexer.writing import document_columns

#: Facets in the order a page shows them.
FACET_FIELDS = ("persons", "places", "orgs", "section", "source", "year", "month")
ENTITY_FACETS = document_columns.ENTITY_FACETS
SCALAR_FACETS = document_columns.SCALAR_FACETS
#: Result sets under one in this many documents count their own entity entries; larger
#: ones mark their documents and walk every entry.
FEW_DOCUMENTS = 8


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with its count in the current result set."""

    value: str
    count: int
    selected: bool = False

    def to_dict(self) -> dict:
        return {"value": self.value, "count": self.count, "selected": self.selected}


class FacetTable:
    """Facet columns of one index generation."""

    def __init__(self, doc_count: int, days: np.ndarray, scalars: dict, entities: dict,
                 clusters: np.ndarray | None = None, indexed: np.ndarray | None = None) -> None:
        self.doc_count = doc_count
        self.days = days  # yyyymmdd per document, 0 if undated
        #: Unix seconds when each document was first indexed in its current form
        self.indexed = indexed if indexed is not None else np.zeros(doc_count, dtype=np.int64)
        #: near-duplicate cluster code per document (equal codes: one cluster)
        self.clusters = clusters if clusters is not None else np.arange(doc_count)
        self._scalars = scalars  # field -> (codes array, values list)
        self._entities = entities  # field -> (entry_doc, entry_code, values list), by document
        self._starts: dict[str, np.ndarray] = {}  # field -> where each document's entries start
        self._lookup = {
            field: {v.casefold(): i for i, v in enumerate(values)}
            for field, (_, values) in scalars.items()
        }
        self._lookup.update({
            field: {v.casefold(): i for i, v in enumerate(values)}
            for field, (_, _, values) in entities.items()
        })
        self._totals: dict[str, np.ndarray] = {}
        self._names: dict[str, NameIndex] = {}
        self._ranked: dict[str, np.ndarray] = {}

    @classmethod
    def from_reader(cls, reader) -> "FacetTable":
        """The facets of every document of ``reader``, read from its stored columns."""
        return cls.of(document_columns.gather(reader))

    @classmethod
    def of(cls, columns: document_columns.DocumentColumns) -> "FacetTable":
        return cls(columns.doc_count, columns.days, columns.scalars, columns.entities,
                   columns.clusters, columns.indexed)

    # -- counting ---------------------------------------------------------

    def counts(self, field: str, docnums: np.ndarray) -> np.ndarray:
        """Count per value code of ``field`` over the given documents."""
        if field in self._scalars:
            codes, values = self._scalars[field]
            return np.bincount(codes[docnums], minlength=len(values))
        entry_doc, entry_code, values = self._entities[field]
        if docnums.size * FEW_DOCUMENTS < self.doc_count:  # their entries, not every entry
            starts = self.entry_starts(field)
            first, lengths = starts[docnums], starts[docnums + 1] - starts[docnums]
            ends = np.cumsum(lengths)
            entries = np.arange(int(ends[-1]) if ends.size else 0) + np.repeat(
                first - ends + lengths, lengths)
            return np.bincount(entry_code[entries], minlength=len(values))
        member = np.zeros(self.doc_count, dtype=bool)
        member[docnums] = True
        return np.bincount(entry_code[member[entry_doc]], minlength=len(values))

    def entry_starts(self, field: str) -> np.ndarray:
        """Where the entries of each document of entity facet ``field`` start (one more
        for the end); the entries are in document order."""
        found = self._starts.get(field)
        if found is None:
            entry_doc = self._entities[field][0]
            if entry_doc.size and np.any(entry_doc[1:] < entry_doc[:-1]):
                raise ValueError(f"the entries of {field} are not in document order")
            found = self._starts[field] = np.searchsorted(
                entry_doc, np.arange(self.doc_count + 1, dtype=entry_doc.dtype))
        return found

    def facet(self, field: str, docnums: np.ndarray, selected: tuple[str, ...] = (),
              limit: int = 10) -> list[FacetValue]:
        """The top ``limit`` values by count, selected values always included."""
        counts = self.counts(field, docnums)
        counts[0] = 0  # "no value" is not a facet value
        values = self.values(field)
        if field in ("year", "month"):
            order = [i for i in np.flatnonzero(counts)]
            order.sort(key=lambda i: values[i], reverse=True)
        else:
            nonzero = np.flatnonzero(counts)
            order = nonzero[np.lexsort((nonzero, -counts[nonzero]))].tolist()
        wanted = {s.casefold() for s in selected}
        top = order[:limit] if limit else order
        result = [FacetValue(values[i], int(counts[i]), values[i].casefold() in wanted)
                  for i in top]
        shown = {v.value.casefold() for v in result}
        for name in selected:
            if name.casefold() not in shown:
                code = self._lookup[field].get(name.casefold())
                count = int(counts[code]) if code is not None else 0
                result.insert(0, FacetValue(self.canonical(field, name), count, True))
        return result

    def values(self, field: str) -> list[str]:
        if field in self._scalars:
            return self._scalars[field][1]
        return self._entities[field][2]

    def canonical(self, field: str, value: str) -> str:
        """The stored spelling of a facet value typed in any case."""
        code = self._lookup.get(field, {}).get(value.casefold())
        return self.values(field)[code] if code else value

    def value_count(self, field: str) -> int:
        return len(self.values(field)) - 1

    def find(self, field: str, value: str) -> str | None:
        """The stored spelling of ``value`` (any case), or None if no article has it."""
        code = self._lookup.get(field, {}).get(value.casefold())
        if not code or not self.totals(field)[code]:
            return None
        return self.values(field)[code]

    def totals(self, field: str) -> np.ndarray:
        """Articles per value code of entity facet ``field`` over the whole archive."""
        found = self._totals.get(field)
        if found is None:
            _, entry_code, values = self._entities[field]
            found = self._totals[field] = np.bincount(entry_code, minlength=len(values))
        return found

    def names(self, field: str) -> NameIndex:
        """The word-start index of entity facet ``field`` (built once)."""
        found = self._names.get(field)
        if found is None:
            found = self._names[field] = NameIndex(self.values(field))
        return found

    def most_named(self, field: str) -> np.ndarray:
        """Codes of the values of entity facet ``field``, most often named first."""
        found = self._ranked.get(field)
        if found is None:
            totals = self.totals(field)
            codes = np.flatnonzero(totals)
            found = self._ranked[field] = codes[np.lexsort((codes, -totals[codes]))]
        return found

    def starting_with(self, field: str, prefix: str, limit: int) -> list[FacetValue]:
        """Values of entity facet ``field`` with a word starting with ``prefix``
        (every value for an empty prefix), most often named first."""
        totals, values = self.totals(field), self.values(field)
        if not prefix.strip():
            return [FacetValue(values[code], int(totals[code]))
                    for code in self.most_named(field)[:limit].tolist()]
        codes = self.names(field).codes(prefix)
        counts = totals[codes]
        if codes.size > limit:  # sort only the candidates for the top places
            threshold = max(1, np.partition(counts, codes.size - limit)[codes.size - limit])
        else:
            threshold = 1
        keep = counts >= threshold
        codes, counts = codes[keep], counts[keep]
        return [FacetValue(values[code], int(totals[code]))
                for code in codes[np.lexsort((codes, -counts))][:limit].tolist()]


WORD_START = re.compile(r"(?<!\w)\w")


class NameIndex:
    """Every value of one facet, findable by the start of any of its words.

    The keys are the casefolded value from each word start on (``angela
    merkel``, ``merkel``), sorted, so the values with a word starting with a
    prefix are one :func:`bisect` range of the key list.
    """

    def __init__(self, values: list[str]) -> None:
        keys, codes = [], []
        for code, value in enumerate(values):
            folded = value.casefold()
            for match in WORD_START.finditer(folded) if code else ():
                keys.append(folded[match.start():])
                codes.append(code)
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self._keys = [keys[i] for i in order]
        self._codes = np.asarray(codes, dtype=np.int64)[np.asarray(order, dtype=np.int64)]
        self._all = np.arange(1, len(values), dtype=np.int64)

    def codes(self, prefix: str) -> np.ndarray:
        """Value codes with a word starting with ``prefix`` (all for an empty one)."""
        folded = " ".join(prefix.casefold().split())
        if not folded:
            return self._all
        first = bisect_left(self._keys, folded)
        last = bisect_left(self._keys, folded + "\U0010ffff", first)
        found = self._codes[first:last]
        if found.size * 64 < self._all.size:
            return np.unique(found)
        seen = np.zeros(self._all.size + 1, dtype=bool)  # a sort costs more for many
        seen[found] = True
        return np.flatnonzero(seen)
