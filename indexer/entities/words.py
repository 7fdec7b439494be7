"""Word tokens with character offsets, split as GermEval 2014 splits them.

The tagger's unit (the rules work on capitalised words, :mod:`indexer.entities.tokens`).
Words keep inner hyphens, slashes, apostrophes, dots and decimal commas
(``NATO-Staaten``, ``CDU/CSU``, ``z.B.``, ``3,5``) and a hyphen before a
space (``Ost- und Westdeutschland``).  A final period stays on the word only
for known abbreviations (``Dr.``), ordinals (``21.``), single letters
(``W.``), dotted abbreviations (``u.a.``) and abbreviated street names
(``Schwanthalerstr.``); otherwise it is a token of its own, like every other
punctuation mark.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+(?:[-/'’.&+]\w+|,\d+)*(?:\.|-(?=\s))?|\S")
#: Words whose final period was decided; emptied when it holds this many.
MAX_REMEMBERED = 100_000


class WordSplitter:
    """Splits text into word tokens; ``abbreviations`` are lowercase, without the period."""

    def __init__(self, abbreviations: frozenset[str] = frozenset()) -> None:
        self.abbreviations = abbreviations
        self._keeps_period: dict[str, bool] = {}

    def spans(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """(start, end) offsets of the tokens of ``text[start:end]``."""
        found: list[tuple[int, int]] = []
        keeps = self._keeps_period
        for match in _TOKEN.finditer(text, start, len(text) if end is None else end):
            token_start, token_end = match.span()
            if token_end - token_start > 1 and text[token_end - 1] == ".":
                word = match.group()
                keep = keeps.get(word)
                if keep is None:
                    if len(keeps) >= MAX_REMEMBERED:
                        keeps.clear()
                    keep = keeps[word] = self._keeps(word[:-1])
                if not keep:
                    found.append((token_start, token_end - 1))
                    found.append((token_end - 1, token_end))
                    continue
            found.append((token_start, token_end))
        return found

    def _keeps(self, stem: str) -> bool:
        lower = stem.lower()
        return (stem.isdigit() or len(stem) == 1 or lower in self.abbreviations
                or (len(stem) > 2 and stem[-2] == "." and stem[-1].isalpha())  # "u.a."
                or (lower.endswith("str") and len(lower) > 5))  # "Schwanthalerstr."
