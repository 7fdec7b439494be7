"""GermEval 2014 files (CoNLL layout) as labelled sentences.

Only the outer column counts.  Labels are kept as in the file
(``B-LOCderiv``, ``I-OTH`` ...) so training can choose its label set;
:func:`spans` keeps the three evaluated types (``OTH`` and the
``*deriv``/``*part`` variants count as no entity).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.entities.model import TYPES

Span = tuple[int, int, str]  # start, end, type


@dataclass(frozen=True)
class Sentence:
    tokens: tuple[str, ...]
    labels: tuple[str, ...]  # outer column, as in the file

    @property
    def text(self) -> str:
        """The tokens joined with single spaces, as the sentence is tagged."""
        return " ".join(self.tokens)

    def gold(self) -> set[Span]:
        """(start, end, type) character spans of PER/LOC/ORG in :attr:`text`."""
        starts, offset = [], 0
        for token in self.tokens:
            starts.append(offset)
            offset += len(token) + 1
        return {(starts[first], starts[end - 1] + len(self.tokens[end - 1]), kind)
                for first, end, kind in spans(self.labels)}


def read(path: Path) -> list[Sentence]:
    """All sentences of a GermEval 2014 TSV file."""
    return parse(path.read_text(encoding="utf-8"))


def parse(text: str) -> list[Sentence]:
    """Sentences from the text of a GermEval 2014 TSV file."""
    sentences: list[Sentence] = []
    tokens: list[str] = []
    labels: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            tokens.append(parts[1])
            labels.append(parts[2])
        elif tokens:
            sentences.append(Sentence(tuple(tokens), tuple(labels)))
            tokens, labels = [], []
    if tokens:
        sentences.append(Sentence(tuple(tokens), tuple(labels)))
    return sentences


def entity_label(label: str) -> str:
    """``B-PER``/``I-LOC``... kept; OTH, ``*deriv`` and ``*part`` become ``O``."""
    return label if label[2:] in TYPES else "O"


def spans(labels: list[str] | tuple[str, ...]) -> list[tuple[int, int, str]]:
    """(first token, end token, type) of the PER/LOC/ORG spans of BIO labels.

    An ``I-`` label continues a span of its own type; otherwise it opens one.
    """
    found: list[tuple[int, int, str]] = []
    current: list | None = None
    for i, label in enumerate(labels):
        kind = label[2:]
        if label.startswith("I-") and current and current[2] == kind:
            current[1] = i + 1
            continue
        if current:
            found.append(tuple(current))
            current = None
        if label[:2] in ("B-", "I-") and kind in TYPES:
            current = [i, i + 1, kind]
    if current:
        found.append(tuple(current))
    return found


def write(sentences: list[Sentence], path: Path) -> None:
    """Sentences in the GermEval layout (the inner column left empty: ``O``)."""
    with path.open("w", encoding="utf-8") as handle:
        for sentence in sentences:
            for i, (token, label) in enumerate(zip(sentence.tokens, sentence.labels), 1):
                handle.write(f"{i}\t{token}\t{label}\tO\n")
            handle.write("\n")
