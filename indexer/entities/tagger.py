"""The CRF model (python-crfsuite): attribute lists in, labelled token spans out."""

from __future__ import annotations

from pathlib import Path

import pycrfsuite

from indexer.entities.model import TYPES


class Tagger:
    """A trained crfsuite model (memory-mapped by crfsuite, so it opens fast).

    ``thresholds`` by type: a span is kept only if every one of its labels has
    at least that marginal probability (trading recall for precision; crfsuite
    computes the marginals of a tagged sentence once, and only spans ask).
    """

    def __init__(self, path: Path, thresholds: dict[str, float] | None = None) -> None:
        self.crf = pycrfsuite.Tagger()
        self.crf.open(str(path))
        self.thresholds = thresholds or {}

    def labels(self, rows: list[list[bytes]]) -> list[str]:
        """The most probable label of each token."""
        return self.crf.tag(rows) if rows else []

    def spans(self, rows: list[list[bytes]]) -> list[tuple[int, int, str]]:
        """(first, end, type) token ranges of the sentence's confident mentions."""
        labels = self.labels(rows)
        found = label_spans(labels)
        if not self.thresholds or not found:
            return found
        marginal = self.crf.marginal
        return [(first, end, kind) for first, end, kind in found
                if min(marginal(labels[i], i) for i in range(first, end))
                >= self.thresholds.get(kind, 0.0)]

    def confidence(self, labels: list[str], first: int, end: int) -> float:
        """The lowest marginal of the labels of one span of the sentence tagged last."""
        return min(self.crf.marginal(labels[i], i) for i in range(first, end))


def label_spans(labels: list[str] | tuple[str, ...]) -> list[tuple[int, int, str]]:
    """(first, end, type) token ranges of PER/LOC/ORG; other labels are no entity.

    ``I-X`` continues an ``X`` span and opens one after anything else.
    """
    found: list[tuple[int, int, str]] = []
    if labels.count("O") == len(labels):  # no mention: nothing to walk through
        return found
    start = -1
    kind = ""
    for i, label in enumerate(labels):
        if label[0] == "I" and start >= 0 and label[2:] == kind:
            continue
        if start >= 0:
            found.append((start, i, kind))
            start = -1
        if label != "O" and label[2:] in TYPES:
            start, kind = i, label[2:]
    if start >= 0:
        found.append((start, len(labels), kind))
    return found
