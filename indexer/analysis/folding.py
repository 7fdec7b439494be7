"""Folding German spelling variants of a word to one form (``Muenchen`` = ``München``).

Used by the analyzer's normalise filter and by the compound splitter, so a
word and its parts are folded the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_UMLAUT_DIGRAPH = re.compile(r"(?<![qaeiouäöü])(ae|oe|ue)")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss"})


@lru_cache(maxsize=200_000)
def normalize_german(word: str) -> str:
    """Fold German spelling variants of a lowercase word to one form."""
    word = _UMLAUT_DIGRAPH.sub(lambda m: m.group(1)[0], word)
    word = word.translate(_FOLD)
    if not word.isascii():
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in decomposed if not unicodedata.combining(c))
    return word
