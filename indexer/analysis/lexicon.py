"""The German word lexicon: how frequent a word is, whether it is a noun, its lemma.

Loaded once per process from ``data/lexicon_de.tsv`` (derived from wordfreq
and german-nouns by :mod:`indexer.analysis.derive_lexicon`, which documents
the columns).  :func:`lexicon` is keyed by lowercase words as written,
:func:`folded_lexicon` by the analyzer's folded spelling (``fluchtling``),
which is how the compound splitter sees words; where two words fold alike,
the more frequent one speaks for both.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import NamedTuple

COLUMNS = 5


class Entry(NamedTuple):
    zipf: float  # log10 of occurrences per billion words
    classes: str  # N common noun, G given name, F family name, T place, E other name
    lemma: str  # lemma of an inflected noun form (as written), "" if the word is one

    @property
    def is_noun(self) -> bool:
        return "N" in self.classes


@lru_cache(maxsize=1)
def _columns() -> tuple[list[str], list[str], list[Entry]]:
    text = resources.files("indexer.analysis").joinpath("data/lexicon_de.tsv").read_text("utf-8")
    cells = text.rstrip("\n").replace("\n", "\t").split("\t")
    words, folded = cells[0::COLUMNS], cells[1::COLUMNS]
    zipf = [int(tenths) / 10 for tenths in cells[2::COLUMNS]]
    entries = list(map(Entry, zipf, cells[3::COLUMNS], cells[4::COLUMNS]))
    return words, folded, entries


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Entry]:
    """Lowercase word as written → :class:`Entry`."""
    words, _, entries = _columns()
    return dict(zip(words, entries))


@lru_cache(maxsize=1)
def folded_lexicon() -> dict[str, Entry]:
    """Folded word → :class:`Entry` of its most frequent spelling."""
    _, folded, entries = _columns()
    return dict(zip(folded, entries))  # the file puts the most frequent spelling last
