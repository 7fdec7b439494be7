"""All documents matching a query, as a NumPy array, without per-document Python.

Totals, facets and timelines need every match, not only the top ten.  whoosh
yields matches one document at a time; here posting lists are read block by
block into arrays and combined with set operations following the query tree
(``Term``, ``Or``, ``And``, ``Not``, ``AndNot``, prefixes, constant-score
wrappers, ``Every``, day ranges read from the day column, and exact phrases
through the word-pair fields: a phrase such as ``"vor allem"`` is one pair
term; for others, the rarest of their pair and word terms give candidates
whose positions are checked).  Any other node (proximity phrases, other
ranges) is handed to whoosh for its subtree.  The result
is the set of documents the query describes; it also avoids a whoosh 2.7.5
defect where ``AndNot`` over unions of terms lets an excluded document
through.

``title:*`` (whoosh's ``Every`` with a field) comes from the field-length
column, where whoosh would read the posting list of every word in the field.
Every loop that grows with the index or the query checks the search's time
budget (:mod:`indexer.searching.budget`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import reduce

import numpy as np
import numpy.ma  # noqa: F401  (np.unique imports it on first use, 0.1 s: at start, not in a request)
from whoosh import query as wq

from indexer.searching.budget import check_budget, within_budget
from indexer.searching.dates import DayRange
from indexer.searching.query import phrase_terms
from indexer.whoosh_compat import deleted_numbers, length_bytes, read_postings
from indexer.writing.posting_arrays import SegmentArrays

EMPTY = np.zeros(0, dtype=np.int64)
EMPTY.setflags(write=False)


def matching_docs(q: wq.Query, searcher, days: np.ndarray | None = None) -> np.ndarray:
    """Sorted global document numbers of every live document matching ``q``.

    ``days``: the day column (``yyyymmdd`` per global document number), for
    :class:`~indexer.searching.dates.DayRange`; without it whoosh reads them.
    """
    parts = []
    for subsearcher, offset in searcher.leaf_searchers():
        check_budget()
        reader = subsearcher.reader()
        segment = _Segment(subsearcher, reader,
                           None if days is None else days[offset:offset + reader.doc_count_all()])
        parts.append(_live(reader, _evaluate(q, segment)) + offset)
    return np.concatenate(parts) if parts else EMPTY


def any_matching(q: wq.Query, searcher) -> bool:
    """Whether :func:`matching_docs` would find anything: segments are asked largest
    first, and the first live match ends the search (a word that occurs at all is
    nearly always found in the first segment asked)."""
    leaves = sorted(searcher.leaf_searchers(), key=lambda leaf: -leaf[0].reader().doc_count())
    for subsearcher, _ in leaves:
        check_budget()
        reader = subsearcher.reader()
        if _live(reader, _evaluate(q, _Segment(subsearcher, reader, None))).size:
            return True
    return False


def docs_with_terms(searcher, fieldnames: tuple[str, ...], texts: list[str],
                    segments: list[np.ndarray | None] | None = None) -> list[np.ndarray]:
    """For each of ``texts``, the sorted global numbers of the live documents holding it in
    any of ``fieldnames``: ``Or([Term(f, text) for f in fieldnames])`` for many texts at once.

    Each segment's posting arrays are searched once for all of them.
    ``segments``: per text, the indices of the only segments holding it (None: any).
    """
    encoded = [text.encode("utf-8") for text in texts]
    leaves = searcher.leaf_searchers()
    asked_in: list[list[int]] = [[] for _ in leaves]
    for number, holding in enumerate(segments or [None] * len(texts)):
        for index in range(len(leaves)) if holding is None else holding.tolist():
            asked_in[index].append(number)
    parts: list[list[np.ndarray]] = [[] for _ in texts]
    for (subsearcher, offset), asked in zip(leaves, asked_in):
        if not asked:
            continue
        check_budget()
        reader = subsearcher.reader()
        arrays = getattr(reader, "frequent_postings", None)
        found = [[] for _ in asked]
        for fieldname in fieldnames:
            batch = [encoded[n] for n in asked]
            stored = arrays.ids_of(fieldname, batch) if arrays is not None else [None] * len(batch)
            for ids, btext, into in zip(stored, batch, found):
                if ids is None:
                    if arrays is not None and arrays.holds_every_term(fieldname, btext):
                        continue  # in no document of this segment
                    ids = _term_ids(reader, fieldname, btext)
                else:
                    ids = _live(reader, ids)
                if ids.size:
                    into.append(ids)
        for number, pieces in zip(asked, found):
            if pieces:
                ids = pieces[0] if len(pieces) == 1 else distinct(np.concatenate(pieces))
                parts[number].append(ids.astype(np.int64) + offset)
    return [np.concatenate(pieces) if pieces else EMPTY for pieces in parts]


class _Segment:
    """One segment's searcher, reader and slice of the day column (or None)."""

    def __init__(self, searcher, reader, days: np.ndarray | None) -> None:
        self.searcher, self.reader, self.days = searcher, reader, days

    def every(self) -> np.ndarray:
        return np.arange(self.reader.doc_count_all(), dtype=np.int64)


def _evaluate(q: wq.Query, segment: _Segment) -> np.ndarray:
    reader = segment.reader
    if isinstance(q, wq.Term) and type(q) is wq.Term:
        return _term_ids(reader, q.fieldname, q.text)
    if isinstance(q, wq.ConstantScoreQuery):
        return _evaluate(q.child, segment)
    if type(q) is wq.Every:
        ids = _with_field(reader, q.fieldname)
        if ids is not None:
            return ids
    if type(q) is wq.Or and not getattr(q, "minmatch", 0):
        return _union([_evaluate(c, segment) for c in q.subqueries], reader.doc_count_all())
    if type(q) is wq.And:
        positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        negative = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        if positive:
            ids = reduce(_intersect, (_evaluate(c, segment) for c in positive))
        else:
            ids = segment.every()
        for child in negative:
            ids = np.setdiff1d(ids, _evaluate(child, segment), assume_unique=True)
        return ids
    if type(q) is wq.Not:
        return np.setdiff1d(segment.every(), _evaluate(q.query, segment), assume_unique=True)
    if type(q) is wq.AndNot:
        return np.setdiff1d(_evaluate(q.a, segment), _evaluate(q.b, segment),
                            assume_unique=True)
    if type(q) in (wq.Prefix, wq.Wildcard):
        field = q.fieldname
        return _union([_term_ids(reader, field, text)
                       for text in within_budget(q._btexts(reader), every=16)],
                      reader.doc_count_all())
    if type(q) is DayRange and segment.days is not None:
        days = segment.days
        return np.flatnonzero((days >= q.first_day) & (days <= q.last_day)).astype(np.int64)
    if type(q) is wq.Phrase:
        ids = _phrase_ids(q, reader)
        if ids is not None:
            return ids
    # Anything else (other ranges, proximity): whoosh decides, for this subtree.
    return np.fromiter(within_budget(q.docs(segment.searcher)), dtype=np.int64)


def _with_field(reader, fieldname: str | None) -> np.ndarray | None:
    """Documents with something in ``fieldname`` (all for ``None``), from its lengths.

    None for a field without lengths (not scorable), which only whoosh's
    walk over every word of the field can answer.
    """
    if not fieldname:
        return np.arange(reader.doc_count_all(), dtype=np.int64)
    if fieldname not in reader.schema or not reader.schema[fieldname].scorable:
        return None
    lengths = length_bytes(reader._perdoc, fieldname)
    if lengths is None:
        return EMPTY
    return np.flatnonzero(np.frombuffer(lengths, dtype=np.uint8)[:reader.doc_count_all()])


def _term_ids(reader, fieldname: str, text) -> np.ndarray:
    return posting_arrays(reader, fieldname, text)[0]


class _PostingCache:
    """Recently read posting lists, by segment, bounded in bytes.

    A request reads the same lists to find every match and again to rank
    them, and people refine a query word by word.  Segments never change
    once written and entries keep their deleted documents (which
    generations sharing the segment may delete differently), so an entry
    stays valid for every index generation that shares the segment.  The
    word-form lists keep the articles of each form they counted here too,
    under keys of their own generation.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0

    def put(self, key, value: tuple[np.ndarray, ...]) -> None:
        nbytes = sum(array.nbytes for array in value)
        if nbytes > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self.size += nbytes
            while self.size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self.size -= sum(array.nbytes for array in dropped)


POSTING_CACHE = _PostingCache(max_bytes=128 * 1024 * 1024)


def use_posting_arrays(searcher, arrays: dict[str, SegmentArrays]) -> None:
    """Let :func:`posting_arrays` read frequent terms of ``searcher``'s segments from
    ``arrays`` (by segment id), without decoding whoosh's posting blocks."""
    for subsearcher, _ in searcher.leaf_searchers():
        reader = subsearcher.reader()
        reader.frequent_postings = arrays.get(reader._segid)


def posting_arrays(reader, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and term frequencies of one term in one segment reader.

    From the segment's posting arrays if the term is frequent and the reader
    has them (:func:`use_posting_arrays`), else from whoosh's posting blocks;
    deleted documents are left out either way, as whoosh's postings leave them out.
    """
    if isinstance(text, str) and fieldname in reader.schema:
        try:
            text = reader.schema[fieldname].to_bytes(text)
        except ValueError:
            return EMPTY, np.zeros(0)
    segment = getattr(reader, "_segid", None)
    key = (segment, fieldname, text)
    found = POSTING_CACHE.get(key) if segment is not None else None
    if found is None:
        frequent = getattr(reader, "frequent_postings", None)
        found = None if frequent is None else frequent.get(fieldname, text)
        if found is None:
            if frequent is not None and frequent.holds_every_term(fieldname, text) \
                    or (fieldname, text) not in reader:
                return EMPTY, np.zeros(0)
            check_budget()
            found = read_postings(reader, fieldname, text)
        for array in found:  # shared through the cache: nobody may change them
            array.setflags(write=False)
        if segment is not None:
            POSTING_CACHE.put(key, found)
    return _without_deleted(reader, *found)


def _without_deleted(reader, ids: np.ndarray, weights: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The postings of the documents ``reader`` has not deleted (generations differ in that)."""
    if not reader.has_deletions():
        return ids, weights
    live = ~np.isin(ids, deleted_numbers(reader))
    return ids[live], weights[live]


def _live(reader, ids: np.ndarray) -> np.ndarray:
    """``ids`` without the documents ``reader`` has deleted."""
    if not reader.has_deletions() or not ids.size:
        return ids
    return ids[~np.isin(ids, deleted_numbers(reader))]


#: Candidates of a phrase few enough to check their word positions one by one.
FEW_CANDIDATES = 1000


def _phrase_ids(q: wq.Phrase, reader) -> np.ndarray | None:
    """Documents with the exact phrase, or None if the pair fields cannot tell."""
    found = phrase_terms(q, reader.schema)
    if found is None:
        return None
    terms, exact = found
    if exact:
        return _term_ids(reader, terms[0].fieldname, terms[0].text)
    # Rarest terms first; stop reading posting lists once few candidates are left.
    terms.sort(key=lambda t: reader.doc_frequency(t.fieldname, t.text))
    ids = None
    for term in terms:
        found_ids = _term_ids(reader, term.fieldname, term.text)
        ids = found_ids if ids is None else _intersect(ids, found_ids)
        if ids.size <= FEW_CANDIDATES:
            break
    return _with_words_in_sequence(reader, q.fieldname, q.words, ids) if ids.size else ids


def _with_words_in_sequence(reader, fieldname: str, words, candidates: np.ndarray) -> np.ndarray:
    """The candidates in which ``words`` occur one right after the other.

    Each distinct word's postings are read once per candidate, however often
    the phrase repeats it (``"in der in der …"``).
    """
    if any((fieldname, word) not in reader for word in words):
        return EMPTY
    matchers = {word: reader.postings(fieldname, word) for word in dict.fromkeys(words)}
    keep = []
    for doc in within_budget(candidates.tolist(), every=64):
        positions = _positions_in(matchers, doc)
        if positions and _in_sequence(words, positions):
            keep.append(doc)
    return np.array(keep, dtype=np.int64)


def _positions_in(matchers: dict, doc: int) -> dict | None:
    """Each word's positions in ``doc``, or None if a word is not in it."""
    positions = {}
    for word, matcher in matchers.items():
        if matcher.is_active():
            matcher.skip_to(doc)
        if not matcher.is_active() or matcher.id() != doc:
            return None
        positions[word] = matcher.value_as("positions")
    return positions


def _in_sequence(words, positions: dict) -> bool:
    starts = None
    for offset, word in enumerate(words):
        shifted = {p - offset for p in positions[word]}
        starts = shifted if starts is None else starts & shifted
        if not starts:
            return False
    return True


def _union(arrays: list[np.ndarray], doc_count: int) -> np.ndarray:
    """The sorted union of document numbers below ``doc_count``.

    Large unions (``*``, common words joined by OR) are marked in an array
    of flags, which is linear, where sorting them all would not be.
    """
    arrays = [a for a in arrays if a.size]
    if not arrays:
        return EMPTY
    if len(arrays) == 1:
        return arrays[0]
    if sum(a.size for a in arrays) < doc_count // 16:
        return distinct(np.concatenate(arrays))
    flags = np.zeros(doc_count, dtype=bool)
    for ids in arrays:
        flags[ids] = True
    return np.flatnonzero(flags)


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct ``values``, sorted: a sort and a look at each value's neighbour.

    (``np.unique`` hashes the values before it sorts them, since NumPy 2.3:
    twenty times slower on the tens of thousands of document numbers a query
    unites here.)
    """
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.intersect1d(a, b, assume_unique=True)
