"""Folding German spelling variants of a word to one form (``Muenchen`` = ``München``).

Used by the analyzer's filters, by the compound splitter and by prefix
search, so a word, its parts and a prefix typed for it are folded the same
way.  The typographic apostrophes ``’ ‘ ` ´ ʼ`` inside a word are the
apostrophe ``'`` (``geht’s`` = ``geht's``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_UMLAUT_DIGRAPH = re.compile(r"(?<![qaeiouäöü])(ae|oe|ue)")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss"})
#: Characters written for an apostrophe inside a word.
APOSTROPHES = "'’‘`´ʼ"
_APOSTROPHE = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))


@lru_cache(maxsize=200_000)
def normalize_german(word: str) -> str:
    """Fold German spelling variants of a lowercase word to one form (apostrophes as ')."""
    word = fold_apostrophes(word)
    word = _UMLAUT_DIGRAPH.sub(lambda m: m.group(1)[0], word)
    word = word.translate(_FOLD)
    if not word.isascii():
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in decomposed if not unicodedata.combining(c))
    return word


def fold_apostrophes(text: str) -> str:
    """Every apostrophe character as ``'``."""
    return text.translate(_APOSTROPHE)


def fold_word(word: str) -> str:
    """A word as written, folded as the index folds it before stemming (prefix search)."""
    return normalize_german(word.lower())
