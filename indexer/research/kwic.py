"""Keyword in context: every occurrence of the matched word forms with its context.

For the ranked hits of a request, the stored character offsets of the
matched terms (whole words and compound parts) give each occurrence; the
line is cut from the stored body around it, at word boundaries and inside the
sentence of the match
(:meth:`~indexer.analysis.sentences.SentenceSplitter.plain_starts`).  Lines
can be ordered by position, or alphabetically by the word left or right of
the match.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.analysis.sentences import sentence_splitter
from indexer.searching.budget import within_budget
from indexer.searching.query import QueryError
from indexer.searching.search import (
    SearchRequest,
    Snapshot,
    display_title,
    matched_terms,
    prepare,
    top_results,
)

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


def kwic(snapshot: Snapshot, request: SearchRequest, width: int = 60, sort: str = "position",
         limit: int = MAX_LINES) -> list[ContextLine]:
    if sort not in KWIC_SORTS:
        raise QueryError(f"sort must be one of {', '.join(KWIC_SORTS)}.", "kwic_sort")
    if not request.q.strip():
        raise QueryError("Keyword in context needs a query.", "q")
    prepared = prepare(snapshot, request)
    searcher = snapshot.searcher
    highlights = matched_terms(prepared.user_query, searcher)
    results, _ = top_results(snapshot, prepared, request, MAX_DOCS)
    found = {}  # the matches of each document, looked up in document order (see match_spans)
    for docnum, _ in within_budget(sorted(results), every=16):
        stored = searcher.stored_fields(docnum)
        body = stored.get("body", "")
        found[docnum] = stored, sorted(set(highlights.spans(searcher, "body", docnum, body)))
    lines: list[ContextLine] = []
    for docnum, _ in results:
        stored, spans = found[docnum]
        body = stored.get("body", "")
        for start, end in spans:
            lines.append(ContextLine(stored["id"], display_title(stored)[0],
                                     stored.get("published"), left_context(body, start, width),
                                     body[start:end], right_context(body, end, width)))
            if len(lines) >= limit:
                break
        if len(lines) >= limit:
            break
    if sort == "left":
        lines.sort(key=lambda line: (line.left.split() or [""])[-1].casefold())
    elif sort == "right":
        lines.sort(key=lambda line: (line.right.split() or [""])[0].casefold())
    return lines


def left_context(body: str, start: int, width: int) -> str:
    """Up to ``width`` characters before ``start``, whole words only, spaces normalised,
    from the start of the match's sentence if that is within reach."""
    begin = max(0, start - width)
    sentence_starts = sentence_splitter().plain_starts(body, begin, start + 1)
    if sentence_starts:
        return " ".join(body[sentence_starts[-1]:start].split())
    words = body[begin:start].split()
    if begin > 0 and words and not body[begin - 1].isspace() and not body[begin].isspace():
        words = words[1:]  # the first word was cut
    return " ".join(words)


def right_context(body: str, end: int, width: int) -> str:
    """Up to ``width`` characters after ``end``, whole words only, spaces normalised,
    to the end of the match's sentence if that is within reach."""
    stop = min(len(body), end + width)
    sentence_starts = sentence_splitter().plain_starts(body, end, stop)
    if sentence_starts:
        return " ".join(body[end:sentence_starts[0]].split())
    words = body[end:stop].split()
    if stop < len(body) and words and not body[stop].isspace() and not body[stop - 1].isspace():
        words = words[:-1]  # the last word was cut
    return " ".join(words)
