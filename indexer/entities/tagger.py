"""The CRF: labelled token spans of the sentences of a text.

:class:`CrfTagger` decodes in NumPy (:mod:`indexer.entities.crf`) from state
scores summed per form (:mod:`indexer.entities.scoring`): the labels and
marginals of crfsuite, without building attribute lists.  :class:`Tagger`
runs the same model in python-crfsuite from attribute lists, as training
does.  Both keep a span only if every one of its labels has at least the
type's marginal probability (trading recall for precision), and compute
marginals only for sentences with a span.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pycrfsuite

from indexer.entities import crf
from indexer.entities.features import FeatureExtractor
from indexer.entities.model import TYPES
from indexer.entities.scoring import StateScorer

Mention = tuple[int, int, int, str]  # sentence, first word, end word (exclusive), type
Span = tuple[int, int, str]  # first word, end word (exclusive), type


class CrfTagger:
    """A trained CRF's weights (:func:`~indexer.entities.crf.load_weights`), decoded in NumPy.

    ``thresholds`` by type, as for :class:`Tagger`.
    """

    def __init__(self, weights: crf.Weights, thresholds: dict[str, float] | None = None) -> None:
        self.labels = weights.labels
        self.transitions = weights.transitions
        self.thresholds = thresholds or {}
        self.scorer = StateScorer(weights)
        self._outside = weights.labels.index("O")

    def mentions(self, features: FeatureExtractor, sentences: list[list[str]],
                 hints: list[list[str]]) -> list[Mention]:
        """(sentence, first word, end word, type) of the confident mentions in ``sentences``
        (``hints``: per sentence a label per word, or [])."""
        spans = self.spans(self.scorer.scores(features, sentences, hints))
        return [(number, first, end, kind) for number, found in enumerate(spans)
                for first, end, kind in found]

    def spans(self, scores: list[np.ndarray]) -> list[list[Span]]:
        """(first, end, type) of the confident mentions of each sentence, from its state
        scores."""
        found: list[list[Span]] = [[] for _ in scores]
        tagged = [number for number, sentence in enumerate(scores) if len(sentence)]
        best = crf.viterbi([scores[number] for number in tagged], self.transitions)
        named = [(number, ids) for number, ids in zip(tagged, best)
                 if (ids != self._outside).any()]
        labels = self.labels
        for number, ids in named:
            found[number] = label_spans([labels[i] for i in ids.tolist()])
        named = [(number, ids) for number, ids in named if found[number]]
        if self.thresholds and named:
            chance = crf.marginals([scores[number] for number, _ in named], self.transitions)
            for (number, ids), probabilities in zip(named, chance):
                confidence = probabilities[np.arange(len(ids)), ids].tolist()
                found[number] = [(first, end, kind) for first, end, kind in found[number]
                                 if min(confidence[first:end]) >= self.thresholds.get(kind, 0.0)]
        return found


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

    def mentions(self, features: FeatureExtractor, sentences: list[list[str]],
                 hints: list[list[str]]) -> list[Mention]:
        """As :meth:`CrfTagger.mentions`, from attribute lists."""
        return [(number, first, end, kind)
                for number, (words, sentence_hints) in enumerate(zip(sentences, hints))
                for first, end, kind in self.spans(features.sentence(words, sentence_hints))]

    def labels(self, rows: list[list[bytes]]) -> list[str]:
        """The most probable label of each token."""
        return self.crf.tag(rows) if rows else []

    def spans(self, rows: list[list[bytes]]) -> list[Span]:
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


def label_spans(labels: list[str] | tuple[str, ...]) -> list[Span]:
    """(first, end, type) token ranges of PER/LOC/ORG; other labels are no entity.

    ``I-X`` continues an ``X`` span and opens one after anything else; so does
    ``L-X`` (BILOU labels: ``L-`` the last word of a span, ``U-`` a span of one).
    """
    found: list[Span] = []
    if labels.count("O") == len(labels):  # no mention: nothing to walk through
        return found
    start = -1
    kind = ""
    for i, label in enumerate(labels):
        if label[0] in "IL" and start >= 0 and label[2:] == kind:
            continue
        if start >= 0:
            found.append((start, i, kind))
            start = -1
        if label != "O" and label[2:] in TYPES:
            start, kind = i, label[2:]
    if start >= 0:
        found.append((start, len(labels), kind))
    return found
