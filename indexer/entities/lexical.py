"""What the lexicons say about a word form, as the entity tagger asks it.

* word classes and frequency from the analysis lexicon
  (:mod:`indexer.analysis.lexicon`: wordfreq and german-nouns): is a
  capitalised word a common noun, a given name, a family name, a place, another
  proper name, or unknown to Wiktionary; how frequent it is;
* place names from GeoNames (``data/geonames_places.txt``, derived by
  :mod:`indexer.entities.derive_places`): one-word names, two-word ones
  (``Bad Homburg``) and their first words (``Bad``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from indexer.analysis.lexicon import Entry, lexicon

PLACES_FILE = "geonames_places.txt"
CLUSTERS_FILE = "word_clusters.txt"
#: Zipf bands: a word's band is the largest bound not above its Zipf value.
BANDS = (2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0)
_BAND_NAMES = {bound: str(bound) for bound in BANDS}


class Lexicon:
    """Word classes, frequency bands and place names, looked up by word form."""

    def __init__(self, words: dict[str, Entry], places: frozenset[str],
                 two_word_places: frozenset[str]) -> None:
        self._words = words
        #: one-word place names, and the last words of two-word ones are not here
        self.places = places
        #: two-word place names ("Bad Homburg", "Frankfurt Niederrad")
        self.two_word_places = two_word_places
        #: first words of two-word place names ("Bad", "Frankfurt")
        self.place_openers = frozenset(name.split(" ", 1)[0] for name in two_word_places)

    def classes(self, word: str) -> str:
        """The Wiktionary classes of a word form: ``N`` common noun, ``G`` given
        name, ``F`` family name, ``T`` place, ``E`` other name; "" if unknown."""
        entry = self._words.get(word.lower())
        return entry.classes if entry is not None else ""

    def is_common_noun(self, word: str) -> bool:
        return "N" in self.classes(word)

    def band(self, word: str) -> str:
        """The Zipf band of a word in any case; "0" for rare and unknown words."""
        entry = self._words.get(word.lower())
        if entry is None or entry.zipf < BANDS[0]:
            return "0"
        return _BAND_NAMES[max(bound for bound in BANDS if bound <= entry.zipf)]

    def lemma(self, word: str) -> str:
        """The lowercase lemma of an inflected noun form (``ministerium`` for
        ``Ministeriums``); "" if the word is a lemma or unknown."""
        entry = self._words.get(word.lower())
        return entry.lemma if entry is not None else ""

    def zipf(self, word: str) -> float:
        entry = self._words.get(word.lower())
        return entry.zipf if entry is not None else 0.0

    def is_place(self, word: str) -> bool:
        """A one-word GeoNames place name, or one with a genitive ``-s``."""
        places = self.places
        return word in places or (word.endswith("s") and word[:-1] in places)

    def common_noun_head(self, word: str) -> str | None:
        """The longest common noun (>= 3 letters, after >= 3) ending a compound:
        ``straße`` in ``Schwanthalerstraße``, ``weg`` in ``Stoffwechselweg``."""
        lower = word.lower()
        words = self._words
        for i in range(3, len(lower) - 2):
            entry = words.get(lower[i:])
            if entry is not None and "N" in entry.classes:
                return lower[i:]
        return None


def read_places(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(one-word names, two-word names) from the places file's text."""
    places, two_words = set(), set()
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if " " not in line:
            places.add(line)
        elif line.count(" ") == 1:
            two_words.add(line)
    return frozenset(places), frozenset(two_words)


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """The lexicon the tagger reads, loaded on first use."""
    text = resources.files("indexer.entities").joinpath("data", PLACES_FILE).read_text("utf-8")
    return Lexicon(lexicon(), *read_places(text))


def read_clusters(text: str) -> dict[str, tuple[str, ...]]:
    """Form -> its cluster numbers, coarse to fine, from the clusters file's text."""
    found = {}
    for line in text.splitlines():
        form, _, numbers = line.partition("\t")
        found[form] = tuple(numbers.split(","))
    return found


@lru_cache(maxsize=4)
def clusters(path: Path) -> dict[str, tuple[str, ...]]:
    """The word clusters of a clusters file (a model's, beside it), loaded once."""
    return read_clusters(path.read_text(encoding="utf-8"))
