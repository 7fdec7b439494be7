"""Splitting German compounds into their parts: ``Bundestagswahl`` → bund, tag, wahl.

A dictionary-based splitter: a word is split when it can be covered by words
from ``data/compound_parts_de.txt``, joined by the usual linking elements
(``-s-``, ``-es-``, ``-n-``, ``-en-``, ``-er-``, ``-e-``), with an inflected
last part allowed (``Landtagswahlen``).  Fewer, longer parts win.  Words are
expected lowercase and folded like the analyzer folds them (``flüchtling`` →
``fluchtling``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from indexer.analysis.folding import normalize_german

LINKS = ("", "s", "es", "n", "en", "er", "e")
ENDINGS = ("", "e", "en", "n", "er", "ern", "s", "es", "nen")
MIN_PART = 3
MIN_WORD = 7


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    path = resources.files("indexer.analysis").joinpath("data/compound_parts_de.txt")
    text = path.read_text("utf-8")
    words = (w for line in text.splitlines() if not line.startswith("#") for w in line.split())
    return frozenset(normalize_german(w.lower()) for w in words if len(w) >= MIN_PART)


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a folded lowercase compound, or ``()`` if it is not one.

    Each part is returned in its dictionary form, so parts can be stemmed
    like any other word.
    """
    if len(word) < MIN_WORD or not word.isalpha():
        return ()
    parts = _split(word, vocabulary())
    return tuple(parts) if parts and len(parts) >= 2 else ()


def _split(word: str, vocab: frozenset[str]) -> list[str] | None:
    final = _final_part(word, vocab)
    if final:
        return [final]  # one known word is the fewest parts
    best: list[str] | None = None
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head, rest = word[:cut], word[cut:]
        for link in LINKS:
            if link and not head.endswith(link):
                continue
            base = head[: len(head) - len(link)]
            if len(base) < MIN_PART or base not in vocab:
                continue
            tail = _split(rest, vocab) if len(rest) >= MIN_PART else None
            if tail and (best is None or len(tail) + 1 < len(best)):
                best = [base] + tail
        if best is not None and len(best) == 2:
            break
    return best


def _final_part(word: str, vocab: frozenset[str]) -> str | None:
    for ending in ENDINGS:
        if ending and not word.endswith(ending):
            continue
        base = word[: len(word) - len(ending)] if ending else word
        if len(base) >= MIN_PART and base in vocab:
            return base
    return None
