"""The archive's word list, for "did you mean" suggestions.

Built while the index is written: every word of four letters or more in
titles and bodies, lowercased as written (umlauts kept), with how often it
occurs.  It lives beside the whoosh files of a generation as
``vocabulary.tsv`` (``word<TAB>count``, sorted by word), so suggestions need
no second copy of every posting in the index.  A suggestion is the word
within the smallest edit distance, the most frequent among equals.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections import Counter
from pathlib import Path

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

FILENAME = "vocabulary.tsv"
#: Words kept at most (the most frequent); rarer words are mostly typos.
MAX_WORDS = 500_000
MIN_LETTERS = 4
WORD = re.compile(rf"[^\W\d_]{{{MIN_LETTERS},}}")


def count_words(counts: Counter, *texts: str) -> None:
    """Add the words of ``texts`` to ``counts``."""
    for text in texts:
        counts.update(WORD.findall(text.lower()))


def write_vocabulary(directory: Path, counts: Counter) -> Path:
    """Write ``counts`` (at most :data:`MAX_WORDS` words) into ``directory``.

    Written under a temporary name and renamed: a staged generation shares
    its files with the live one through hard links, so the old file must
    never be rewritten in place.
    """
    kept = counts if len(counts) <= MAX_WORDS else dict(counts.most_common(MAX_WORDS))
    path = Path(directory) / FILENAME
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as out:
        for word in sorted(kept):
            out.write(f"{word}\t{kept[word]}\n")
    os.replace(partial, path)
    return path


def read_counts(directory: Path) -> Counter:
    """The word counts stored in ``directory`` (empty if there are none)."""
    counts: Counter = Counter()
    path = Path(directory) / FILENAME
    if not path.exists():
        return counts
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            word, _, count = line.rstrip("\n").partition("\t")
            if word and count.isdigit():
                counts[word] = int(count)
    return counts


class Vocabulary:
    """A sorted word list with counts that suggests near spellings."""

    def __init__(self, counts: Counter) -> None:
        self.counts = counts
        self.words = sorted(counts)

    @classmethod
    def load(cls, directory: Path) -> Vocabulary:
        return cls(read_counts(directory))

    def suggest(self, word: str, maxdist: int = 2) -> str | None:
        """The closest known word to ``word`` (lowercase), or None."""
        if not self.words:
            return None
        for distance in range(1, maxdist + 1):
            dfa = levenshtein_automaton(word, distance, prefix=1).to_dfa()
            found = [w for w in find_all_matches(dfa, _Skipper(self.words)) if w != word]
            if found:
                return max(found, key=lambda w: (self.counts[w], w))
        return None


class _Skipper:
    """The first word at or after a key, for the automaton's walk.

    (whoosh's ``ListCorrector`` has the same walk, but its skipper loses its
    place and misses words: it suggests nothing for ``deichgraffen`` in a
    list holding ``deichgrafen``.)
    """

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.i = 0

    def __call__(self, key: str) -> str | None:
        self.i = bisect_left(self.words, key, self.i)
        return self.words[self.i] if self.i < len(self.words) else None
