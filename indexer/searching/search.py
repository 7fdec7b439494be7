"""Searching the archive: one function used by the web app, the API and the CLI.

:class:`Archive` follows an index directory and hands out :class:`Snapshot`
objects, each bound to one index generation, so a request sees one
consistent index even while a new generation is being published.  A
generation is served only once it has opened, answered a search and loaded
its columns; a server's archive that cannot open the newest one keeps
serving the last good one and says so (:meth:`Archive.health`).
:func:`search` runs a :class:`SearchRequest` against a snapshot and returns a
:class:`SearchResult` with ranked hits, highlighted snippets, facet counts
over the whole result set and a spelling suggestion.

``*`` and ``title:*`` browse the archive like an empty query: every article
(with something in that field), newest first.  Work that grows with the
index stops at the time budget of :mod:`indexer.searching.budget`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from html import escape
from typing import Iterator

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.collectors import WrappingCollector

from indexer.analysis.folding import fold_word
from indexer.analysis.german import STOPWORD_TERMS
from indexer.analysis.sentences import lead_sentence
from indexer.searching.budget import check_budget, within_budget
from indexer.searching.collapse import representatives
from indexer.searching.dates import DayRange
from indexer.searching.expansions import (
    MAX_EXCLUDED,
    Expansion,
    WordForms,
    expansions,
    query_words,
    without_forms,
)
from indexer.searching.facets import ENTITY_FACETS, FACET_FIELDS, FacetTable, FacetValue
from indexer.searching.matching import matching_docs, posting_arrays, use_posting_arrays
from indexer.searching.query import (
    QueryError,
    QueryParser,
    check_expansions,
    for_ranking,
    forms_field,
    wanted_leaves,
)
from indexer.searching.ranking import (
    RankingColumns,
    by_date,
    by_relevance,
    date_keys,
    relevance_scores,
)
from indexer.searching.snippets import contains, fragments, mark, match_spans, segment_of
from indexer.searching.spelling import Correction, Speller, corrected, corrections, suggest
from indexer.searching.weights import DEFAULT_RANKING, RankingParameters
from indexer.whoosh_compat import read_each_segment
from indexer.writing import document_columns, written_forms
from indexer.writing.entity_forms import EntityForms
from indexer.writing.posting_arrays import load_generation
from indexer.writing.store import (
    Generation,
    GenerationNotKeptError,
    GenerationUnknownError,
    IndexDamagedError,
    IndexStore,
    StoreError,
    first_problems,
)
from indexer.writing.vocabulary import Vocabulary

SORTS = ("relevance", "date", "-date")
MAX_PAGE_SIZE = 100
MAX_DEPTH = 10_000  # page × size
FACET_LIMIT = 10
#: Filters a request can carry, by the index field they restrict.
FILTER_FIELDS = {
    "person": "persons",
    "place": "places",
    "org": "orgs",
    "section": "section",
    "source": "source",
    "year": "year",
    "month": "month",
    "cluster": "cluster",
}
REFRESH_SECONDS = 2.0
#: Older generations a server keeps open for searches pinned to them.
PINNED_SNAPSHOTS = 2
LOG = logging.getLogger("newsindex")
#: The stored fields a search marks, with the index fields whose matches point into them.
MARKED_FIELDS = {"title": ("title", "title_parts"), "body": ("body", "body_parts")}


@dataclass(frozen=True)
class SearchRequest:
    """Everything that defines one result page."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # FILTER_FIELDS keys
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)  # values to leave out
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    size: int = 10
    facet_limit: int = FACET_LIMIT  # 0: every value
    facet_more: str = ""  # one facet shown in full (the others keep facet_limit)
    snippets: bool = True
    correct: bool = True  # also search words that occur nowhere as their nearest spelling
    collapse: bool = False  # one article per near-duplicate cluster
    since: datetime | None = None  # only articles indexed after this moment (aware)
    not_forms: tuple[str, ...] = ()  # written forms (folded) that no query word matches by
    expansions: bool = True  # list the forms each query word matched

    def validate(self) -> None:
        if self.sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {self.sort!r}.",
                             "sort")
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise QueryError(f"size must be between 1 and {MAX_PAGE_SIZE}.", "size")
        if self.page < 1:
            raise QueryError("page must be 1 or more.", "page")
        if self.page * self.size > MAX_DEPTH:
            raise QueryError(f"Results are available up to position {MAX_DEPTH:,} "
                             "(page × size); narrow the search with filters instead.", "page")
        unknown = (set(self.filters) | set(self.exclude)) - set(FILTER_FIELDS)
        if unknown:
            raise QueryError(f"Unknown filter {sorted(unknown)[0]!r}; filters are "
                             f"{', '.join(FILTER_FIELDS)}.", sorted(unknown)[0])
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QueryError("The start date is after the end date.", "from")
        if len(self.not_forms) > MAX_EXCLUDED:
            raise QueryError(f"At most {MAX_EXCLUDED} word forms can be left out "
                             "('not_form').", "not_form")


@dataclass
class Hit:
    """One result: stored fields, highlighted title and snippets, entities."""

    id: str
    title: str
    title_html: str  # escaped, matches in <mark>
    date: str | None  # ISO 8601 in Europe/Berlin
    source: str
    section: str
    url: str | None  # http(s) only
    score: float | None  # None unless sorted by relevance
    snippets: list[str]  # 1-3 escaped fragments, matches in <mark>
    entities: dict[str, list[str]]  # persons, places, orgs (canonical names)
    cluster: str = ""  # near-duplicate cluster: the id of its first article
    indexed: str | None = None  # ISO 8601 (UTC): when this version was first indexed
    duplicates: int | None = None  # other matching articles of the cluster (collapsed lists)
    title_derived: bool = False  # the article has no title: this one is its first sentence

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "title_derived": self.title_derived,
            "title_html": self.title_html,
            "date": self.date,
            "source": self.source,
            "section": self.section,
            "url": self.url,
            "score": self.score,
            "snippet": " ".join(self.snippets),
            "snippets": self.snippets,
            "entities": self.entities,
            "cluster": self.cluster,
            "duplicates": self.duplicates,
            "indexed": self.indexed,
        }


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None
    took_ms: float
    generation: str
    corrections: list[Correction] = field(default_factory=list)
    expansions: list[Expansion] = field(default_factory=list)

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_DEPTH)
        return max(1, -(-reachable // self.request.size))

    def to_dict(self) -> dict:
        """The JSON shape of a result (the API schema, documented in docs/api.md)."""
        req = self.request
        return {
            "query": {
                "q": req.q,
                "filters": {k: list(v) for k, v in req.filters.items() if v},
                "exclude": {k: list(v) for k, v in req.exclude.items() if v},
                "from": req.date_from.isoformat() if req.date_from else None,
                "to": req.date_to.isoformat() if req.date_to else None,
                "sort": req.sort,
                "collapse": req.collapse,
                "since": req.since.isoformat() if req.since else None,
                "not_form": list(req.not_forms),
            },
            "total": self.total,
            "counting": "clusters" if req.collapse else "articles",
            "page": req.page,
            "size": req.size,
            "pages": self.pages,
            "took_ms": self.took_ms,
            "generation": self.generation,
            "suggestion": self.suggestion,
            "corrections": [c.to_dict() for c in self.corrections],
            "expansions": [e.to_dict() for e in self.expansions],
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {name: [v.to_dict() for v in values]
                       for name, values in self.facets.items()},
        }


class Snapshot:
    """One open index generation: searcher, parser and facet columns."""

    def __init__(self, generation: Generation, posting_arrays: bool = True) -> None:
        self.generation = generation
        self.index = whoosh_index.open_dir(generation.path)
        #: Each segment's arrays of frequent terms, by segment id (none without ``posting_arrays``).
        self.posting_arrays = (load_generation(generation.path,
                                               generation.manifest().get("files", {}),
                                               ((s.segment_id(), s.doc_count_all())
                                                for s in self.index._segments()))
                               if posting_arrays else {})
        self.parser = QueryParser(self.index.schema)
        self._parsers = {DEFAULT_RANKING: self.parser}
        self._local = threading.local()

    @classmethod
    def open(cls, generation: Generation) -> "Snapshot":
        """Open ``generation`` ready to serve, or raise :class:`IndexDamagedError`.

        Its files must all be there with their published sizes; then it is
        opened, the first stored article of each segment is read and its
        columns are loaded, so that whatever whoosh raises on a damaged file
        is raised here, naming the file.
        """
        problems = generation.check_files(times=False, derived=False)
        if problems:
            raise IndexDamagedError(generation.path, first_problems(problems))
        try:
            snapshot = cls(generation)
            read_each_segment(snapshot.searcher.reader())
            snapshot.warm()
        except Exception as exc:  # whatever whoosh raises on a damaged file
            raise IndexDamagedError(generation.path, f"{type(exc).__name__}: {exc}") from exc
        return snapshot

    @property
    def searcher(self):
        """This thread's searcher: whoosh readers keep file positions, so
        threads must not share one."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = self.index.searcher(
                weighting=DEFAULT_RANKING.weighting())
            use_posting_arrays(searcher, self.posting_arrays)
        return searcher

    def parser_for(self, weights: RankingParameters) -> QueryParser:
        """The query parser weighting matches by ``weights``."""
        parser = self._parsers.get(weights)
        if parser is None:
            parser = self._parsers[weights] = QueryParser(self.index.schema, weights)
        return parser

    @cached_property
    def columns(self) -> document_columns.DocumentColumns:
        """Per-document columns: as the generation's writer kept them, or gathered here."""
        reader = self.searcher.reader()
        published = self.generation.published(document_columns.FILENAME)
        kept = document_columns.load(self.generation.path, published, reader)
        return kept if kept is not None else document_columns.gather(reader)

    @cached_property
    def facets(self) -> FacetTable:
        return FacetTable.of(self.columns)

    @cached_property
    def ranking(self) -> RankingColumns:
        return RankingColumns(self.columns.days, self.columns.dates)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary.load(self.generation.path)

    @cached_property
    def speller(self) -> Speller:
        return Speller(self.vocabulary)

    @cached_property
    def word_forms(self) -> WordForms:
        published = self.generation.published(written_forms.FILENAME)
        return WordForms(self.index.schema, lambda: self.vocabulary.counts,
                         lambda reader: written_forms.load(self.generation.path, published,
                                                           reader))

    @cached_property
    def entity_forms(self) -> EntityForms:
        return EntityForms.load(self.generation.path)

    def warm(self) -> None:
        """Load the per-generation columns before the first request needs them."""
        for name in ENTITY_FACETS:
            self.facets.names(name)
            self.facets.most_named(name)
            self.facets.entry_starts(name)
        self.ranking.dates(self.searcher)
        for fieldname, _ in self.parser.parse("Archiv").iter_all_terms():
            self.ranking.lengths(self.searcher, fieldname)  # the fields a word is ranked in
        _ = self.entity_forms
        threading.Thread(target=self._read_word_forms, args=(self.word_forms,),
                         name="word-forms", daemon=True).start()

    def _read_word_forms(self, word_forms: WordForms) -> None:
        try:
            word_forms.read(self.searcher)  # this thread's own searcher
        except Exception:  # a generation that cannot be read fails its requests, not here
            LOG.exception("reading the word forms of %s failed", self.generation.name)

    @property
    def doc_count(self) -> int:
        return self.searcher.doc_count()


class Archive:
    """Follows an index directory and switches to new generations when published.

    With ``fall_back`` (a server), a newest generation that cannot be opened
    is logged and passed over: the archive goes on serving the generation
    it has, or at start the newest older one that opens.  Without it (the
    command line), the failure is raised.
    """

    def __init__(self, path, refresh_seconds: float = REFRESH_SECONDS,
                 fall_back: bool = False) -> None:
        self.store = IndexStore(path)
        self.refresh_seconds = refresh_seconds
        self.fall_back = fall_back
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._refused: dict[str | None, str] = {}  # generation -> why it is not served
        self._pinned: OrderedDict[str, Snapshot] = OrderedDict()  # older generations asked for

    def snapshot(self) -> Snapshot:
        """The newest generation (checked at most every ``refresh_seconds``)."""
        now = time.monotonic()
        current = self._snapshot
        if current is not None and now - self._checked < self.refresh_seconds:
            return current
        with self._lock:
            self._checked = now
            name = self.store.current_name()
            serving = self._snapshot.generation.name if self._snapshot else None
            if self._snapshot is None or (name and name != serving
                                          and name not in self._refused):
                self._switch(name)
            return self._snapshot

    def snapshot_of(self, name: str) -> Snapshot:
        """The generation ``name``, newest or older, while it is kept (for pinned searches).

        Raises :class:`GenerationNotKeptError` for a generation published
        here and since removed, :class:`GenerationUnknownError` for a name
        never published here.
        """
        newest = self.snapshot()
        if name == newest.generation.name:
            return newest
        with self._lock:
            if name in self._pinned:
                self._pinned.move_to_end(name)
                return self._pinned[name]
            generation = self.store.retained(name)
            if generation is None:
                current = self.store.current_name()
                if name in self.store.history():
                    raise GenerationNotKeptError(name, current)
                raise GenerationUnknownError(name, current)
            pinned = self._pinned[name] = Snapshot.open(generation)
            while len(self._pinned) > PINNED_SNAPSHOTS:
                self._pinned.popitem(last=False)
            return pinned

    def _switch(self, name: str | None) -> None:
        """Open the live generation ``name``, or (falling back) keep or find a good one."""
        try:
            fresh = Snapshot.open(self.store.current())
        except StoreError as exc:
            if not self.fall_back:
                raise
            self._refused[name] = str(exc)
            LOG.error("%s", exc)
            if self._snapshot is None:
                self._snapshot = self._newest_good(exc)
            LOG.error("serving generation %s instead", self._snapshot.generation.name)
            return
        self._snapshot = fresh  # the old one closes when its last user drops it

    def _newest_good(self, failure: StoreError) -> Snapshot:
        for path in reversed(self.store.generations()):
            if path.name in self._refused:
                continue
            try:
                return Snapshot.open(Generation(path))
            except IndexDamagedError as exc:
                self._refused[path.name] = str(exc)
                LOG.error("%s", exc)
        raise failure

    def health(self) -> dict:
        """What is served: ``state`` ok, degraded (an older generation) or unavailable."""
        try:
            snapshot = self.snapshot()
        except StoreError as exc:
            return {"state": "unavailable", "generation": None, "documents": None,
                    "current": self.store.current_name(), "problem": str(exc)}
        current = self.store.current_name()
        serving = snapshot.generation.name
        problem = None if current == serving else self._refused.get(current)
        return {"state": "degraded" if problem else "ok", "generation": serving,
                "documents": snapshot.doc_count, "current": current, "problem": problem}


# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedQuery:
    """A request's parsed query, alone and with the request's filters applied.

    Dates, from ``from``/``to`` or from the query text, are day ranges
    (:class:`~indexer.searching.dates.DayRange`) read from the per-document
    day column, in Berlin time.  ``ranking`` is what the matches are scored
    by: ``restricted`` with exact phrases as the pair and word terms they
    need (:func:`indexer.searching.query.for_ranking`).
    """

    user_query: wq.Query
    restricted: wq.Query
    ranking: wq.Query
    weights: RankingParameters = DEFAULT_RANKING
    corrections: tuple[Correction, ...] = ()
    since: int | None = None  # Unix seconds: only articles indexed after it
    excluded_forms: frozenset[str] = frozenset()  # forms no query word matches by


def prepare(snapshot: Snapshot, request: SearchRequest,
            weights: RankingParameters = DEFAULT_RANKING) -> PreparedQuery:
    """Validate ``request`` and build its whoosh queries; raises QueryError."""
    request.validate()
    found = tuple(corrections(snapshot, request.q)) if request.correct else ()
    user_query = snapshot.parser_for(weights).parse(corrected(request.q, found))
    check_expansions(user_query, snapshot.searcher.reader())
    _check_whole_fields(user_query, snapshot.searcher.schema)
    excluded = frozenset(request.not_forms)
    restricted = _restrict(without_forms(user_query, excluded, snapshot.word_forms,
                                         snapshot.searcher), request)
    return PreparedQuery(user_query, restricted,
                         for_ranking(restricted, snapshot.searcher.schema), weights,
                         found, int(request.since.timestamp()) if request.since else None,
                         excluded)


def matching_docnums(snapshot: Snapshot, prepared: PreparedQuery) -> np.ndarray:
    """Document numbers of every match (unscored), for counts and facets."""
    docnums = matching_docs(prepared.restricted, snapshot.searcher, snapshot.facets.days)
    if prepared.since is not None:
        docnums = docnums[snapshot.facets.indexed[docnums] > prepared.since]
    return docnums


def counted_docnums(snapshot: Snapshot, prepared: PreparedQuery,
                    request: SearchRequest) -> np.ndarray:
    """The matches a count reports: every article, or one per cluster when collapsing."""
    docnums = matching_docnums(snapshot, prepared)
    if not request.collapse:
        return docnums
    _, first = np.unique(snapshot.facets.clusters[docnums], return_index=True)
    return np.sort(docnums[first])


def _check_whole_fields(q: wq.Query, schema) -> None:
    """Refuse ``field:*`` for fields without word counts (``section:*``, ``year:*``).

    Only whoosh's walk over every value of such a field could answer it;
    the filters and facets list those values instead.
    """
    for node in q.leaves():
        if type(node) is wq.Every and node.fieldname and not schema[node.fieldname].scorable:
            raise QueryError(
                f"'{node.fieldname}:*' cannot be searched: '*' alone works for the title, "
                "body, person, place and org fields. To narrow by section, source, year or "
                "month, use the filters (or the facets) instead.")


def search(snapshot: Snapshot, request: SearchRequest,
           weights: RankingParameters = DEFAULT_RANKING) -> SearchResult:
    """Run one search request; raises :class:`QueryError` for bad input.

    ``weights`` are the ranking parameters (the product's by default).
    """
    started = time.perf_counter()
    prepared = prepare(snapshot, request, weights)
    searcher = snapshot.searcher

    docnums = matching_docnums(snapshot, prepared)
    sizes: dict[int, int] = {}
    if request.collapse:
        results, ranked, sizes = collapsed_results(snapshot, prepared, request, docnums)
        docnums = np.sort(np.fromiter((d for d, _ in results), dtype=np.int64,
                                      count=len(results)))
        results = results[:request.page * request.size]
    else:
        results, ranked = top_results(snapshot, prepared, request,
                                      request.page * request.size, docnums)
    total = int(docnums.size)
    top = results[(request.page - 1) * request.size:]
    highlights = matched_terms(prepared.user_query, searcher, prepared.excluded_forms)
    by_document = {docnum: _hit(snapshot, docnum, score if ranked else None, highlights, request)
                   for docnum, score in within_budget(sorted(top), every=1)}  # see match_spans
    hits = [by_document[docnum] for docnum, _ in top]
    for hit, (docnum, _) in zip(hits, top):
        if docnum in sizes:
            hit.duplicates = sizes[docnum] - 1

    facets = {
        name: snapshot.facets.facet(name, docnums,
                                    request.filters.get(_filter_key(name), ()),
                                    _facet_limit(request, name))
        for name in FACET_FIELDS
    }
    suggestion = suggest(snapshot, request.q) if total < 3 and request.q.strip() else None
    expanded = (expansions(snapshot.word_forms,
                           query_words(prepared.user_query, request.q, searcher.schema),
                           searcher, docnums, prepared.excluded_forms)
                if request.expansions else [])
    return SearchResult(request, total, hits, facets, suggestion,
                        round((time.perf_counter() - started) * 1000, 2),
                        snapshot.generation.name, list(prepared.corrections), expanded)


def iter_hits(snapshot: Snapshot, request: SearchRequest, limit: int
              ) -> tuple[int, Iterator[Hit]]:
    """The number of matches, and every hit of ``request`` in result order up to ``limit``.

    For exports: matching and ranking happen at once (within the caller's
    time budget); stored fields and snippets are read only as the caller
    consumes hits, within the budget in force then.
    """
    prepared = prepare(snapshot, request)
    docnums = matching_docnums(snapshot, prepared)
    sizes: dict[int, int] = {}
    if request.collapse:
        results, ranked, sizes = collapsed_results(snapshot, prepared, request, docnums)
        total = len(results)
        results = results[:limit]
    else:
        results, ranked = top_results(snapshot, prepared, request, limit, docnums)
        total = int(docnums.size)
    highlights = matched_terms(prepared.user_query, snapshot.searcher, prepared.excluded_forms)
    return total, _hits(snapshot, within_budget(results, every=16), ranked, sizes, highlights,
                        request)


def _hits(snapshot: Snapshot, results, ranked: bool, sizes: dict[int, int],
          highlights: Highlights, request: SearchRequest) -> Iterator[Hit]:
    for docnum, score in results:
        hit = _hit(snapshot, docnum, score if ranked else None, highlights, request)
        if docnum in sizes:
            hit.duplicates = sizes[docnum] - 1
        yield hit


def collapsed_results(snapshot: Snapshot, prepared: PreparedQuery, request: SearchRequest,
                      docnums: np.ndarray
                      ) -> tuple[list[tuple[int, float | None]], bool, dict[int, int]]:
    """One result per near-duplicate cluster, in result order.

    Returns (document number, score) of each cluster's best-ranked match,
    whether scores rank them, and each one's cluster size among the matches.
    """
    searcher = snapshot.searcher
    scores = None
    if request.sort == "relevance" and scores_words(prepared.user_query):
        scores = relevance_scores(searcher, snapshot.ranking, prepared.ranking, docnums,
                                  prepared.weights.weighting())
    if scores is not None:
        key = -scores
    else:  # browsing, sorted by date, or scored only by whoosh: by date
        key = date_keys(searcher, snapshot.ranking, docnums, newest_first=request.sort != "date")
    firsts, sizes = representatives(snapshot.facets.clusters[docnums], key, docnums)
    chosen = docnums[firsts]
    results = [(int(d), float(scores[i]) if scores is not None else None)
               for d, i in zip(chosen, firsts)]
    return results, scores is not None, dict(zip(chosen.tolist(), sizes.tolist()))


def top_results(snapshot: Snapshot, prepared: PreparedQuery, request: SearchRequest,
                limit: int, docnums: np.ndarray | None = None
                ) -> tuple[list[tuple[int, float | None]], bool]:
    """The first ``limit`` results as (document number, score), and whether scores rank them.

    Ranked by BM25F when there is query text and ``sort`` is relevance,
    otherwise by date (newest first for ``-date`` and for browsing with an
    empty query, ``*`` or ``field:*``).  Both are computed over the array of
    matches (:mod:`indexer.searching.ranking`); whoosh ranks only queries with
    scoring parts the arrays do not cover.
    """
    searcher = snapshot.searcher
    if docnums is None:
        docnums = matching_docnums(snapshot, prepared)
    if not (request.sort == "relevance" and scores_words(prepared.user_query)):
        return by_date(searcher, snapshot.ranking, docnums, limit,
                       newest_first=request.sort != "date"), False
    found = by_relevance(searcher, snapshot.ranking, prepared.ranking, docnums, limit,
                         prepared.weights.weighting())
    if found is not None:
        return found, True
    return _whoosh_ranking(searcher, prepared.ranking, docnums, limit), True


class _BudgetCollector(WrappingCollector):
    """A whoosh collector that checks the time budget while it collects."""

    def collect_matches(self):
        for sub_docnum in within_budget(self.matches()):
            self.collect(sub_docnum)


def _whoosh_ranking(searcher, query: wq.Query, docnums: np.ndarray, limit: int
                    ) -> list[tuple[int, float]]:
    """whoosh's ranking of queries the arrays do not cover, kept to exactly ``docnums``.

    (The date range, phrases as pair terms and whoosh's own AndNot defect all
    make whoosh's set of matches differ.)  ``field:*`` becomes ``*`` here:
    the matches are known already, and whoosh would walk every word of the
    field to find them again.
    """
    allowed = set(docnums.tolist())
    if not allowed:  # an empty filter means none
        return []
    query = query.accept(lambda node: wq.Every(boost=node.boost)
                         if type(node) is wq.Every else node)
    collector = _BudgetCollector(searcher.collector(limit=limit, filter=allowed))
    searcher.search_with_collector(query, collector)
    return list(collector.results().items())


def scores_words(q: wq.Query) -> bool:
    """Whether ``q`` asks for words or values to rank by, not only ``*``, dates or exclusions."""
    return any(has_words(leaf) for leaf in wanted_leaves(q))


def has_words(leaf: wq.Query) -> bool:
    """Whether a leaf matches by words or values (whoosh says no for prefixes)."""
    return leaf.has_terms() or isinstance(leaf, (wq.Prefix, wq.Wildcard))


def _facet_limit(request: SearchRequest, name: str) -> int:
    if request.facet_more:
        return 0 if _filter_key(name) == request.facet_more else FACET_LIMIT
    return request.facet_limit


def _filter_key(field_name: str) -> str:
    return next(k for k, v in FILTER_FIELDS.items() if v == field_name)


def _restrict(user_query: wq.Query, request: SearchRequest) -> wq.Query:
    clauses = [user_query]
    if request.date_from or request.date_to:
        clauses.append(DayRange(request.date_from, request.date_to))
    for key, values in request.filters.items():
        values = tuple(v for v in values if v)
        if not values:
            continue
        field_name = FILTER_FIELDS[key]
        terms = [_filter_term(field_name, v) for v in values]
        clauses.append(wq.ConstantScoreQuery(wq.Or(terms), 0.0))
    excluded = [_filter_term(FILTER_FIELDS[key], v)
                for key, values in request.exclude.items() for v in values if v]
    if excluded:
        if len(clauses) == 1 and isinstance(user_query, wq.Every):
            clauses[0] = wq.Every()
        clauses.append(wq.Not(wq.Or(excluded)))
    return clauses[0] if len(clauses) == 1 else wq.And(clauses)


def _filter_term(field_name: str, value: str) -> wq.Query:
    if field_name == "year":
        if not re.fullmatch(r"\d{4}", value):
            raise QueryError(f"year must be four digits, not {value!r}.", "year")
        return wq.NumericRange("year", int(value), int(value))
    if field_name == "month" and not re.fullmatch(r"\d{4}-\d{2}", value):
        raise QueryError(f"month must look like 2024-11, not {value!r}.", "month")
    if field_name in ENTITY_FACETS or field_name in ("section", "source"):
        value = value.lower()
    return wq.Term(field_name, value)


@dataclass
class Highlights:
    """What a query marks in the title and body of its hits.

    Every occurrence of ``terms`` (by index field) is marked.  A prefix
    matches written forms, not words: ``forms`` holds, by stored field, each
    matched form (folded) with the indexed word it belongs to.  In a hit,
    only the forms it contains are looked up, and only the occurrences
    written that way are marked, so ``Untersuchun*`` marks ``Untersuchungen``
    but not ``untersucht``.  Words written in one of the ``unmarked`` forms
    (left out with ``not_form``) are not marked.
    """

    terms: dict[str, set[bytes]]
    forms: dict[str, dict[str, bytes]]
    unmarked: frozenset[str] = frozenset()
    #: whoosh's matchers of the terms looked up so far (see :func:`match_spans`)
    matchers: dict = field(default_factory=dict, repr=False, compare=False)

    def spans(self, searcher, target: str, docnum: int, text: str) -> list[tuple[int, int]]:
        """Spans of the matches in the stored field ``target`` (``text``) of ``docnum``."""
        found = []
        present = self._forms_in(searcher, target, docnum)
        for fieldname in MARKED_FIELDS[target]:
            check_budget()
            if self.terms[fieldname]:
                found += match_spans(searcher, fieldname, docnum, self.terms[fieldname],
                                     self.matchers)
            if present:
                found += [(start, end) for start, end
                          in match_spans(searcher, fieldname, docnum, set(present.values()),
                                         self.matchers)
                          if fold_word(text[start:end]) in present]
        if self.unmarked:
            found = [(start, end) for start, end in found
                     if fold_word(text[start:end]) not in self.unmarked]
        return found

    def _forms_in(self, searcher, target: str, docnum: int) -> dict[str, bytes]:
        """The matched forms that ``docnum`` contains in ``target``, with their words."""
        if not self.forms[target]:
            return {}
        reader, local = segment_of(searcher, docnum)
        return {form: word for form, word in self.forms[target].items()
                if contains(posting_arrays(reader, forms_field(target), form)[0], local)}


def matched_terms(q: wq.Query, searcher, unmarked: frozenset[str] = frozenset()
                  ) -> Highlights:
    """The indexed terms a query matches in title and body, prefixes expanded.

    (whoosh's ``Query.existing_terms`` loses fields after the first term, so
    the leaves are walked here.)
    """
    reader = searcher.reader()
    schema = reader.schema
    highlights = Highlights({name: set() for names in MARKED_FIELDS.values() for name in names},
                            {target: {} for target in MARKED_FIELDS}, unmarked)
    for leaf in wanted_leaves(q):
        if not has_words(leaf):
            continue
        for fieldname, text in leaf.expanded_terms(reader, phrases=True):
            if isinstance(leaf, wq.Phrase) and text in STOPWORD_TERMS:
                continue  # "des" in "Tag des Sieges": not worth a mark everywhere
            if fieldname in highlights.terms:
                btext = text if isinstance(text, bytes) else schema[fieldname].to_bytes(text)
                if (fieldname, btext) in reader:
                    highlights.terms[fieldname].add(btext)
            target = _text_field_of_forms(fieldname)
            if target:
                form = text.decode("utf-8") if isinstance(text, bytes) else text
                if form in unmarked:
                    continue
                # The word a form is indexed as, whole or as a part of a hyphenated word.
                for word in schema[target].process_text(form, mode="index"):
                    highlights.forms[target][form] = schema[target].to_bytes(word)
    return highlights


def _text_field_of_forms(fieldname: str) -> str | None:
    """``body`` for ``body_forms``, ``title`` for ``title_forms``, else None."""
    return next((name for name in MARKED_FIELDS if fieldname == forms_field(name)), None)


def _hit(snapshot: Snapshot, docnum: int, score: float, highlights: Highlights,
         request: SearchRequest) -> Hit:
    searcher = snapshot.searcher
    stored = searcher.stored_fields(docnum)
    body, title = stored.get("body", ""), stored.get("title", "")
    check_budget()
    title_spans = sorted(set(highlights.spans(searcher, "title", docnum, title)))
    snippets = fragments(body, sorted(set(highlights.spans(searcher, "body", docnum, body)))) \
        if request.snippets else []
    shown, derived = display_title(stored)
    return Hit(
        id=stored["id"],
        title=shown,
        title_derived=derived,
        title_html=escape(shown, quote=False) if derived else mark(title, title_spans),
        date=stored.get("published"),
        source=stored.get("source", ""),
        section=stored.get("section", ""),
        url=safe_url(stored.get("url")),
        score=round(float(score), 4) if score is not None else None,
        snippets=snippets,
        entities={name: split_values(stored.get(name)) for name in ENTITY_FACETS},
        cluster=stored.get("cluster", stored["id"]),
        indexed=stored.get("indexed"),
    )


def display_title(stored: dict) -> tuple[str, bool]:
    """(title to show, whether it is derived): an article without a title is shown with
    its first sentence (stored at index time; derived here for older indexes)."""
    title = stored.get("title", "")
    if title:
        return title, False
    return stored.get("derived_title") or lead_sentence(stored.get("body", "")) or \
        stored.get("id", ""), True


def split_values(value: str | None) -> list[str]:
    """The values of a stored comma-separated entity field."""
    return [v for v in (value or "").split(",") if v]


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) link, else ``None``: no ``javascript:`` links."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def similar_articles(snapshot: Snapshot, doc_id: str, count: int = 5) -> list[dict]:
    """Articles sharing the most distinctive words of ``doc_id`` (more like this)."""
    searcher = snapshot.searcher
    docnum = searcher.document_number(id=doc_id)
    if docnum is None:
        return []
    results = searcher.more_like(docnum, "body", top=count, numterms=12)
    similar = []
    for hit in results:
        title, derived = display_title(hit.fields())
        similar.append({"id": hit["id"], "title": title, "title_derived": derived,
                        "date": hit.get("published")})
    return similar


def get_article(snapshot: Snapshot, doc_id: str) -> dict | None:
    """The stored fields of one article by id, or ``None``."""
    docnum = snapshot.searcher.document_number(id=doc_id)
    if docnum is None:
        return None
    return dict(snapshot.searcher.stored_fields(docnum))
