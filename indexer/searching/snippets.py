"""Highlighted snippets cut from stored text using stored character offsets.

The index keeps, for every word position, the start and end character of the
word in the original text.  For a hit, the postings of the query's matched
terms give those offsets directly, so a snippet never analyses the text again
and every matched surface form is marked (the query ``Soldat`` marks
``Soldaten``).  Only the terms a hit contains are looked up, which the
posting lists read for matching tell.  A passage starts where the sentence
of its first match starts and ends where a sentence ends, when those are
near enough (:meth:`~indexer.analysis.sentences.SentenceSplitter.plain_starts`).
All text is HTML-escaped; only ``<mark>`` is added.
"""

from __future__ import annotations

from bisect import bisect_right
from html import escape

import numpy as np

from indexer.analysis.sentences import sentence_splitter
from indexer.searching.matching import posting_arrays

FRAGMENT_CHARS = 220
MAX_FRAGMENTS = 3
LEAD_CHARS = 240


def match_spans(searcher, fieldname: str, docnum: int, terms: set[bytes],
                matchers: dict | None = None) -> list[tuple[int, int]]:
    """Character spans of ``terms`` in one document's field, sorted.

    Reads the postings of the document's own segment only (an archive can
    have many segments; the document is in one).  ``matchers``: whoosh's
    matchers of earlier calls, by segment, field and term, taken on from where
    they stand when this document comes after it (whoosh finds a document by
    walking the term's blocks from the first, so the hits of a page are best
    asked for in document order).
    """
    reader, local = segment_of(searcher, docnum)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if not contains(posting_arrays(reader, fieldname, term)[0], local):
            continue  # (the lists are cached: matching read them)
        key = (reader, fieldname, term)
        matcher = matchers.get(key) if matchers is not None else None
        if matcher is None or not matcher.is_active() or matcher.id() > local:
            matcher = reader.postings(fieldname, term)
            if matchers is not None:
                matchers[key] = matcher
        if matcher.is_active() and matcher.id() < local:
            matcher.skip_to(local)
        if matcher.is_active() and matcher.id() == local:
            spans.extend((start, end) for _, start, end in matcher.value_as("characters"))
    spans.sort()
    return spans


def contains(ids: np.ndarray, docnum: int) -> bool:
    """Whether the sorted document numbers ``ids`` hold ``docnum``."""
    at = int(np.searchsorted(ids, docnum))
    return at < ids.size and ids[at] == docnum


def segment_of(searcher, docnum: int):
    """The segment reader holding global ``docnum``, and its number there."""
    leaves = searcher.leaf_searchers()
    offsets = [offset for _, offset in leaves]
    index = bisect_right(offsets, docnum) - 1
    subsearcher, offset = leaves[index]
    return subsearcher.reader(), docnum - offset


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped, with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    out: list[str] = []
    position = start
    for span_start, span_end in spans:
        if span_start < position or span_end > end:
            continue
        out.append(escape(text[position:span_start], quote=False))
        out.append("<mark>" + escape(text[span_start:span_end], quote=False) + "</mark>")
        position = span_end
    out.append(escape(text[position:end], quote=False))
    return "".join(out)


def fragments(text: str, spans: list[tuple[int, int]], max_fragments: int = MAX_FRAGMENTS,
              width: int = FRAGMENT_CHARS) -> list[str]:
    """The best ``max_fragments`` passages of ``text`` around the spans, as HTML.

    A passage is scored by the number of distinct words it marks and then by
    the number of marks, so a passage where several query words meet wins
    over one that repeats a single word.  Passages are returned in text
    order and cut at word boundaries.
    """
    if not spans:
        return [_lead(text)] if text else []
    windows = []
    for index, (start, _) in enumerate(spans):
        window_end = start + width
        inside = [s for s in spans[index:] if s[1] <= window_end]
        distinct = len({text[s:e].casefold() for s, e in inside})
        windows.append((distinct, len(inside), -start, start, inside[-1][1]))
    windows.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for _, _, _, start, end in windows:
        if len(chosen) == max_fragments:
            break
        if any(start < c_end and end > c_start for c_start, c_end in chosen):
            continue
        chosen.append((start, end))
    chosen.sort()
    return [_passage(text, spans, start, end, width) for start, end in chosen]


def _passage(text: str, spans: list[tuple[int, int]], start: int, end: int, width: int) -> str:
    """The marked passage around ``text[start:end]``, about ``width`` characters.

    It stays inside the paragraph of the matches, starts where the sentence of
    the first match starts if that is near enough (else at a word boundary),
    and ends at the end of a sentence if one ends within reach.
    """
    pad = max(0, (width - (end - start)) // 2)
    paragraph_start = text.rfind("\n\n", 0, start) + 2 if "\n\n" in text[:start] else 0
    paragraph_end = text.find("\n\n", end)
    paragraph_end = len(text) if paragraph_end == -1 else paragraph_end
    reach_left = max(paragraph_start, start - pad)
    starts = sentence_splitter().plain_starts(text, reach_left, start + 1)
    if starts or reach_left == paragraph_start:
        left = starts[-1] if starts else paragraph_start
    else:
        left = max(_word_boundary(text, reach_left, backwards=True), paragraph_start)
    reach_right = min(paragraph_end, end + pad + (left - reach_left))
    ends = [_end_before(text, s) for s in sentence_splitter().plain_starts(text, end, reach_right)]
    if ends:
        right = ends[-1]
    else:
        right = min(_word_boundary(text, reach_right, backwards=False), paragraph_end)
    html = mark(text, spans, left, right)
    prefix = "… " if left > 0 else ""
    suffix = " …" if right < len(text) else ""
    return prefix + html.strip() + suffix


def _end_before(text: str, sentence_start: int) -> int:
    """Where the sentence before the one starting at ``sentence_start`` ends."""
    end = sentence_start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _lead(text: str) -> str:
    if len(text) <= LEAD_CHARS:
        return escape(text, quote=False)
    cut = _word_boundary(text, LEAD_CHARS, backwards=True)
    return escape(text[:cut].rstrip(), quote=False) + " …"


def _word_boundary(text: str, index: int, backwards: bool) -> int:
    if index <= 0 or index >= len(text):
        return max(0, min(index, len(text)))
    step = -1 if backwards else 1
    limit = 30
    while limit and 0 < index < len(text) and not text[index].isspace():
        index += step
        limit -= 1
    return index
