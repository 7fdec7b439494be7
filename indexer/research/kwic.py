"""Keyword in context: every occurrence of the matched word forms with its context.

For the ranked hits of a request, the stored character offsets of the
matched terms (whole words and compound parts) give each occurrence; the
line is cut from the stored body around it, inside the sentence of the match
(:meth:`~indexer.analysis.sentences.SentenceSplitter.plain_starts`).  Lines can be ordered by
position, or alphabetically by the word left or right of the match.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.analysis.sentences import sentence_splitter
from indexer.searching.budget import within_budget
from indexer.searching.query import QueryError
from indexer.searching.search import (
    HIGHLIGHT_FIELDS,
    SearchRequest,
    Snapshot,
    display_title,
    matched_terms,
    prepare,
    top_results,
)
from indexer.searching.snippets import match_spans

KWIC_SORTS = ("position", "left", "right")
MAX_LINES = 2000
MAX_DOCS = 1000


@dataclass(frozen=True)
class ContextLine:
    id: str
    title: str
    date: str | None
    left: str
    match: str
    right: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def context(body: str, start: int, end: int, width: int) -> tuple[str, str]:
    """Up to ``width`` characters left and right of a match, inside the match's sentence."""
    splitter = sentence_splitter()
    left_from = max(0, start - width)
    starts = splitter.plain_starts(body, left_from, start + 1)
    left = body[starts[-1] if starts else left_from:start]
    right_to = min(len(body), end + width)
    starts = splitter.plain_starts(body, end, right_to)
    right = body[end:starts[0] if starts else right_to]
    return " ".join(left.split()), " ".join(right.split())


def kwic(snapshot: Snapshot, request: SearchRequest, width: int = 60, sort: str = "position",
         limit: int = MAX_LINES) -> list[ContextLine]:
    if sort not in KWIC_SORTS:
        raise QueryError(f"sort must be one of {', '.join(KWIC_SORTS)}.", "kwic_sort")
    if not request.q.strip():
        raise QueryError("Keyword in context needs a query.", "q")
    prepared = prepare(snapshot, request)
    searcher = snapshot.searcher
    terms = matched_terms(prepared.user_query, searcher)
    results, _ = top_results(snapshot, prepared, request, MAX_DOCS)
    lines: list[ContextLine] = []
    for docnum, _ in within_budget(results, every=16):
        stored = searcher.stored_fields(docnum)
        body = stored.get("body", "")
        spans = set()
        for fieldname, target in HIGHLIGHT_FIELDS.items():
            if target == "body" and terms[fieldname]:
                spans.update(match_spans(searcher, fieldname, docnum, terms[fieldname]))
        for start, end in sorted(spans):
            left, right = context(body, start, end, width)
            lines.append(ContextLine(stored["id"], display_title(stored)[0],
                                     stored.get("published"), left, body[start:end], right))
            if len(lines) >= limit:
                break
        if len(lines) >= limit:
            break
    if sort == "left":
        lines.sort(key=lambda line: (line.left.split() or [""])[-1].casefold())
    elif sort == "right":
        lines.sort(key=lambda line: (line.right.split() or [""])[0].casefold())
    return lines
