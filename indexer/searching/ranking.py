"""The first results of a search, ranked with NumPy over the known matches.

:mod:`indexer.searching.matching` already gives every matching document as an array;
ranking them again with whoosh's matchers walks the same posting lists one
document at a time, which costs more than everything else in a request.
Here the top ``k`` come from arrays instead:

* by relevance: whoosh's BM25F (same idf, average field lengths, ``B``,
  ``K1``, boosts and sums over the query's terms, same scores) computed from
  posting blocks and per-generation field-length arrays, for queries built
  from terms, prefixes, ``AND``/``OR``/``NOT``/``ANDNOT``, zero-score filters and day
  ranges (which score nothing: a date is no reason to rank higher);
* by date: an argsort over the date column, undated articles last.

A prefix (``Klima*``) scores each word it expands to like a typed word
(whoosh would drop its boost when it expands to one word); ``*`` and
``title:*`` give their boost to every document they match, as whoosh does.
Queries with other scoring parts (proximity, ranges in the query text)
return ``None``, so that the caller lets whoosh rank them.
"""

from __future__ import annotations

import threading

import numpy as np
from whoosh import query as wq
from whoosh.util.numeric import byte_to_length

from indexer.searching.budget import check_budget, within_budget
from indexer.searching.dates import DayRange
from indexer.searching.matching import matching_docs, posting_arrays
from indexer.whoosh_compat import length_bytes
from indexer.writing import document_columns

#: Field length for each length byte whoosh stores (0: field empty).
_LENGTHS = np.array([byte_to_length(b) if b else 0 for b in range(256)], dtype=np.float64)
_UNDATED = document_columns.UNDATED


class RankingColumns:
    """Per-generation arrays ranking needs: field lengths and dates (loaded lazily).

    Each method takes the calling thread's searcher of the same generation:
    whoosh readers keep file positions and are not shared between threads.
    ``days`` is the day column (``yyyymmdd`` in Berlin time) for day ranges
    inside a query, or None.
    """

    def __init__(self, days: np.ndarray | None = None, dates: np.ndarray | None = None) -> None:
        self.days = days
        self._lengths: dict[str, np.ndarray] = {}
        self._dates = dates  # read from the segments on first use if not given
        self._lock = threading.Lock()

    def lengths(self, searcher, fieldname: str) -> np.ndarray:
        """Each document's length of ``fieldname`` in words, as whoosh scores it."""
        with self._lock:
            if fieldname not in self._lengths:
                self._lengths[fieldname] = _LENGTHS[_length_bytes(searcher, fieldname)]
            return self._lengths[fieldname]

    def dates(self, searcher) -> np.ndarray:
        """The sortable date value of every document (``_UNDATED`` if none)."""
        with self._lock:
            if self._dates is None:
                self._dates = document_columns.dates(searcher.reader())
            return self._dates


def _length_bytes(searcher, fieldname: str) -> np.ndarray:
    parts = []
    for subsearcher, _ in searcher.leaf_searchers():
        reader = subsearcher.reader()
        size = reader.doc_count_all()
        codes = np.zeros(size, dtype=np.uint8)
        raw = length_bytes(reader._perdoc, fieldname)
        if raw is not None:
            raw = np.frombuffer(raw, dtype=np.uint8)
            codes[:raw.size] = raw[:size]
        parts.append(codes)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)


def date_keys(searcher, columns: RankingColumns, docnums: np.ndarray,
              newest_first: bool) -> np.ndarray:
    """A sort key per document of ``docnums``: smaller comes first, undated last."""
    dates = columns.dates(searcher)[docnums]
    key = _UNDATED - dates if newest_first else dates.copy()
    key[dates == _UNDATED] = _UNDATED
    return key


def by_date(searcher, columns: RankingColumns, docnums: np.ndarray, limit: int,
            newest_first: bool) -> list[tuple[int, None]]:
    """The first ``limit`` of ``docnums`` by date (ties by document number), undated last."""
    order = _first(date_keys(searcher, columns, docnums, newest_first), docnums, limit)
    return [(int(d), None) for d in docnums[order]]


def relevance_scores(searcher, columns: RankingColumns, q: wq.Query, docnums: np.ndarray,
                     weighting) -> np.ndarray | None:
    """The BM25F score of every document of ``docnums`` (all matching ``q``), or None.

    None when ``q`` has parts whose scores only whoosh's matchers know.
    """
    scored = _Scorer(searcher, columns, docnums, weighting).node(q, 1.0, everywhere=True)
    return None if scored is None else scored[0]


def by_relevance(searcher, columns: RankingColumns, q: wq.Query, docnums: np.ndarray,
                 limit: int, weighting) -> list[tuple[int, float]] | None:
    """The ``limit`` best of ``docnums`` (all matching ``q``) by BM25F, or None."""
    scores = relevance_scores(searcher, columns, q, docnums, weighting)
    if scores is None:
        return None
    order = _first(-scores, docnums, limit)
    return [(int(d), float(s)) for d, s in zip(docnums[order], scores[order])]


class _Scorer:
    """Scores of every match for each node of a query, as whoosh's matchers add them up."""

    def __init__(self, searcher, columns: RankingColumns, docnums: np.ndarray, weighting):
        self.searcher = searcher
        self.columns = columns
        self.docnums = docnums
        self.weighting = weighting

    def node(self, q: wq.Query, boost: float, everywhere: bool
             ) -> tuple[np.ndarray, np.ndarray] | None:
        """(score, matched) per document of ``docnums``, or None if not covered here.

        ``everywhere``: every document in ``docnums`` is known to match ``q``
        (the whole query, and the clauses of an ``AND`` at the top).
        """
        size = self.docnums.size
        if type(q) is wq.Term:
            return self.term(q.fieldname, q.text, boost * q.boost)
        if type(q) in (wq.Prefix, wq.Wildcard):  # each expansion scored as a word
            scores, matched = np.zeros(size), np.zeros(size, dtype=bool)
            for btext in within_budget(q._btexts(self.searcher.reader()), every=16):
                term_scores, term_matched = self.term(q.fieldname, btext, boost * q.boost)
                scores += term_scores
                matched |= term_matched
            return scores, matched
        if type(q) is wq.Every:
            matched = self.with_field(q.fieldname)
            if matched is None:
                return None
            return np.where(matched, boost * q.boost, 0.0), matched
        if everywhere and isinstance(q, wq.ConstantScoreQuery) and q.score == 0:
            return np.zeros(size), np.ones(size, dtype=bool)
        if type(q) is DayRange:
            return self.day_range(q, everywhere)
        if everywhere and type(q) is wq.Not:  # whoosh scores a NOT clause with its boost
            return np.full(size, boost * q.boost), np.ones(size, dtype=bool)
        if type(q) is wq.AndNot:
            return self.and_not(q, boost, everywhere)
        if type(q) not in (wq.And, wq.Or) or q.boost != 1.0 or getattr(q, "minmatch", 0):
            return None
        children = [self.node(child, boost, everywhere and type(q) is wq.And)
                    for child in q.subqueries]
        if any(child is None for child in children):
            return None
        scores = np.zeros(size)
        if type(q) is wq.And:
            matched = np.logical_and.reduce([m for _, m in children])
        else:
            matched = np.logical_or.reduce([m for _, m in children])
        for child_scores, child_matched in children:
            scores += np.where(child_matched, child_scores, 0.0)
        return np.where(matched, scores, 0.0), matched

    def and_not(self, q: wq.AndNot, boost: float, everywhere: bool
                ) -> tuple[np.ndarray, np.ndarray] | None:
        """Scored as its positive part, without the documents of its negative part."""
        found = self.node(q.a, boost, everywhere)
        if found is None or everywhere:
            return found
        scores, matched = found
        left_out = np.isin(self.docnums, matching_docs(q.b, self.searcher), assume_unique=True)
        return np.where(left_out, 0.0, scores), matched & ~left_out

    def day_range(self, q: DayRange, everywhere: bool) -> tuple[np.ndarray, np.ndarray] | None:
        """A date scores nothing; the day column says which documents it matches."""
        size = self.docnums.size
        if everywhere:
            return np.zeros(size), np.ones(size, dtype=bool)
        if self.columns.days is None:
            return None
        days = self.columns.days[self.docnums]
        return np.zeros(size), (days >= q.first_day) & (days <= q.last_day)

    def with_field(self, fieldname: str | None) -> np.ndarray | None:
        """Whether each document has something in ``fieldname`` (``None``: any field).

        None for a field without lengths.
        """
        if not fieldname:
            return np.ones(self.docnums.size, dtype=bool)
        if fieldname not in self.searcher.schema or not self.searcher.schema[fieldname].scorable:
            return None
        return self.columns.lengths(self.searcher, fieldname)[self.docnums] > 0

    def term(self, fieldname: str, text, boost: float) -> tuple[np.ndarray, np.ndarray]:
        check_budget()
        size = self.docnums.size
        scores, matched = np.zeros(size), np.zeros(size, dtype=bool)
        if fieldname not in self.searcher.schema:
            return scores, matched
        ids, weights = _postings(self.searcher, fieldname, text)
        if not ids.size or not size:
            return scores, matched
        at = np.searchsorted(self.docnums, ids)
        at[at == size] = 0
        hit = self.docnums[at] == ids
        ids, weights, at = ids[hit], weights[hit], at[hit]
        if self.searcher.schema[fieldname].scorable:
            idf = self.searcher.idf(fieldname, text)
            avgfl = self.searcher.avg_field_length(fieldname) or 1
            lengths = self.columns.lengths(self.searcher, fieldname)[ids]
            b, k1 = _parameters(self.weighting, fieldname)
            weights = idf * (weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl))
        scores[at] = weights * boost
        matched[at] = True
        return scores, matched


def _first(key: np.ndarray, docnums: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the ``limit`` smallest keys, ties by document number."""
    if key.size > limit * 4:
        cut = np.partition(key, limit - 1)[limit - 1]
        candidates = np.flatnonzero(key <= cut)
    else:
        candidates = np.arange(key.size)
    order = np.lexsort((docnums[candidates], key[candidates]))
    return candidates[order[:limit]]


def _postings(searcher, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    for subsearcher, offset in searcher.leaf_searchers():
        found, found_weights = posting_arrays(subsearcher.reader(), fieldname, text)
        if found.size:
            ids.append(found + offset)
            weights.append(found_weights)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(ids), np.concatenate(weights)


def _parameters(weighting, fieldname: str) -> tuple[float, float]:
    return weighting._field_B.get(fieldname, weighting.B), weighting.K1
