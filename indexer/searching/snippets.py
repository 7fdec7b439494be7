"""Highlighted snippets cut from stored text using stored character offsets.

The index keeps, for every word position, the start and end character of the
word in the original text.  For a hit, the postings of the query's matched
terms give those offsets directly, so a snippet never analyses the text again
and every matched surface form is marked (the query ``Soldat`` marks
``Soldaten``).  Only the terms a hit contains are looked up, which the
posting lists read for matching tell.  All text is HTML-escaped; only
``<mark>`` is added.
"""

from __future__ import annotations

from bisect import bisect_right
from html import escape

import numpy as np

from indexer.searching.matching import posting_arrays

FRAGMENT_CHARS = 220
MAX_FRAGMENTS = 3
LEAD_CHARS = 240


def match_spans(searcher, fieldname: str, docnum: int, terms: set[bytes]) -> list[tuple[int, int]]:
    """Character spans of ``terms`` in one document's field, sorted.

    Reads the postings of the document's own segment only (an archive can
    have many segments; the document is in one).
    """
    reader, local = segment_of(searcher, docnum)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if not _contains(posting_arrays(reader, fieldname, term)[0], local):
            continue  # (the lists are cached: matching read them)
        matcher = reader.postings(fieldname, term)
        if matcher.is_active():
            matcher.skip_to(local)
        if matcher.is_active() and matcher.id() == local:
            spans.extend((start, end) for _, start, end in matcher.value_as("characters"))
    spans.sort()
    return spans


def _contains(ids, docnum: int) -> bool:
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
    result = []
    for start, end in chosen:
        pad = max(0, (width - (end - start)) // 2)
        # Stay inside the paragraph of the matches.
        paragraph_start = text.rfind("\n\n", 0, start) + 2 if "\n\n" in text[:start] else 0
        paragraph_end = text.find("\n\n", end)
        paragraph_end = len(text) if paragraph_end == -1 else paragraph_end
        left = _word_boundary(text, max(paragraph_start, start - pad), backwards=True)
        right = _word_boundary(text, min(paragraph_end, end + pad), backwards=False)
        left = max(left, paragraph_start)
        right = min(right, paragraph_end)
        html = mark(text, spans, left, right)
        prefix = "… " if left > 0 else ""
        suffix = " …" if right < len(text) else ""
        result.append(prefix + html.strip() + suffix)
    return result


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
