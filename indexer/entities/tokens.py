"""Capitalised words of a text, the units every entity rule works on.

German capitalises all nouns, so a capitalised word is only a candidate.  The
rules look at runs of such words (``Choe Son Hui``), at what stands between
them (a single space, a name particle such as ``von``) and at the lowercase
word just before a run (``in``, ``sagte``).
"""

from __future__ import annotations

import re

#: A capitalised word or acronym, hyphenated or slashed compounds included.
CAPITALISED = re.compile(r"(?<![\w-])[A-ZÄÖÜ][\w'’]*(?:[-/][\w'’]+)*")
#: The last whitespace-separated word before a position.
_LAST_WORD = re.compile(r"(\S+)\s*$")


class Tokens:
    """The capitalised words of one text, with their offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        matches = list(CAPITALISED.finditer(text))
        self.words = [m.group(0) for m in matches]
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]
        #: adjacent[i]: word i follows word i-1 with exactly one space between.
        self.adjacent = [False] + [start - end == 1 and text[end] == " "
                                   for end, start in zip(self.ends, self.starts[1:])]
        self._index: dict[int, int] | None = None

    def index_at(self, offset: int) -> int | None:
        """The index of the word starting at ``offset``, if any."""
        if self._index is None:
            self._index = {start: i for i, start in enumerate(self.starts)}
        return self._index.get(offset)

    def __len__(self) -> int:
        return len(self.words)

    def gap(self, i: int) -> str:
        """The text between word ``i-1`` and word ``i``, stripped."""
        return self.text[self.ends[i - 1]:self.starts[i]].strip() if i > 0 else ""

    def word_before(self, i: int) -> str:
        """The whitespace-separated word right before word ``i`` (any case)."""
        start = self.starts[i]
        match = _LAST_WORD.search(self.text, max(0, start - 40), start)
        return match.group(1) if match else ""

    def text_after(self, i: int, length: int = 3) -> str:
        """Up to ``length`` characters after word ``i``, spaces stripped on the left."""
        end = self.ends[i]
        return self.text[end:end + length + 2].lstrip()[:length]

    def sentence_start(self, i: int) -> bool:
        """Word ``i`` opens the text, a sentence or a quotation."""
        head = self.text[max(0, self.starts[i] - 3):self.starts[i]].strip()
        return head == "" or head[-1] in ".!?:\"„“»«("
