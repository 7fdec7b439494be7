"""Spelling variants of one word brought to one spelling: ``Photo`` = ``Foto``.

Two sources, applied in this order to a lowercase word folded by
:func:`indexer.analysis.folding.normalize_german`:

* one general rule: three equal letters in a row are written as two.  Before
  the 1996 reform a compound dropped one of three equal consonants before a
  vowel (``Schiffahrt``, now ``Schifffahrt``), so both spellings meet as
  ``schiffahrt``; nowhere else does German write three equal letters.
* the table ``data/spelling_variants_de.txt``: older and newer spellings and
  transliterations of names, the spelling the index uses first.  A word entry
  also matches with an inflection ending (``Photos``, ``Delphine``); an entry
  ending in ``*`` matches every word beginning so (``plazier*``: ``plaziert``,
  ``Plazierung``); entries under ``[names]`` also match with a genitive ``s``,
  which is dropped (``Zelenskys`` = ``Selenskyj``).

ph→f and similar changes are made only where the table says so: a general
rule would turn ``Philosophie`` or ``Phase`` into words nobody writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

from indexer.analysis.folding import normalize_german

#: Inflection endings a word entry may carry, longest first.
ENDINGS = ("ern", "ens", "es", "en", "er", "em", "s", "n", "e", "r", "m")
_TRIPLE = re.compile(r"([^\W\d_])\1\1")


@dataclass
class VariantTable:
    """Variant spellings by the spelling they stand for (folded, lowercase)."""

    words: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)

    def spelling(self, word: str) -> str:
        """The table's spelling of ``word``, or ``word`` if the table does not know it."""
        if word in self.words:
            return self.words[word]
        if word in self.names:
            return self.names[word]
        if word.endswith("s") and word[:-1] in self.names:
            return self.names[word[:-1]]
        for ending in ENDINGS:
            base = word[: -len(ending)]
            if word.endswith(ending) and base in self.words:
                return self.words[base] + ending
        for length in self.prefix_lengths:
            replacement = self.prefixes.get(word[:length]) if len(word) >= length else None
            if replacement is not None:
                return replacement + word[length:]
        return word

    @cached_property
    def prefix_lengths(self) -> list[int]:
        """The lengths of the prefix entries, longest first."""
        return sorted({len(p) for p in self.prefixes}, reverse=True)


def fold_entry(entry: str) -> str:
    """A table entry as the analyzer sees words: lowercase, folded, triples as pairs."""
    return single_triples(normalize_german(entry.strip().lower()))


def parse_table(lines: list[str]) -> VariantTable:
    """The table from its text lines (see ``data/spelling_variants_de.txt``)."""
    table = VariantTable()
    section = "words"
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        spellings = [fold_entry(s) for s in line.split("|") if s.strip()]
        preferred, variants = spellings[0], spellings
        if preferred.endswith("*"):
            target = table.prefixes
            preferred = preferred[:-1]
            variants = [v[:-1] for v in variants if v.endswith("*")]
        else:
            target = table.names if section == "names" else table.words
        for variant in variants:
            target[variant] = preferred
        if target is not table.prefixes:
            target[preferred] = preferred  # not taken for a variant with an ending
    return table


@lru_cache(maxsize=1)
def variant_table() -> VariantTable:
    path = resources.files("indexer.analysis").joinpath("data/spelling_variants_de.txt")
    return parse_table(path.read_text("utf-8").splitlines())


def single_triples(word: str) -> str:
    """Three equal letters in a row as two: ``schifffahrt`` → ``schiffahrt``."""
    return _TRIPLE.sub(r"\1\1", word) if len(word) > 2 else word


@lru_cache(maxsize=200_000)
def preferred_spelling(word: str) -> str:
    """One spelling for the variants of a folded lowercase word."""
    return variant_table().spelling(single_triples(word))
