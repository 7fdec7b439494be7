"""Labelled sentences as crfsuite examples, and deterministic CRF fitting.

Each sentence is split again from its space-joined text by the run-time word
splitter (so training sees what tagging sees), and the gold labels are
projected onto those words by character offsets.  crfsuite's L-BFGS is
deterministic: the same examples and parameters give the same model bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pycrfsuite

from indexer.entities.extract import Preprocessor
from indexer.entities.training.germeval import Sentence, entity_label


def project_labels(sentence: Sentence, spans: list[tuple[int, int]],
                   full_labels: bool) -> list[str]:
    """Gold labels for the words at ``spans`` of the space-joined sentence.

    ``full_labels`` keeps OTH and the ``*deriv``/``*part`` labels as labels of
    their own (the tagger learns them apart from names); otherwise they are ``O``.
    """
    inside: list[tuple[int, int, str]] = []
    offset = 0
    current: list | None = None
    for token, label in zip(sentence.tokens, sentence.labels):
        start, end = offset, offset + len(token)
        offset = end + 1
        if not full_labels:
            label = entity_label(label)
        kind = label[2:]
        if label.startswith("I-") and current and current[2] == kind:
            current[1] = end
            continue
        if current:
            inside.append(tuple(current))
            current = None
        if label != "O":
            current = [start, end, kind]
    if current:
        inside.append(tuple(current))
    labels = ["O"] * len(spans)
    entities = iter(sorted(inside))
    entity = next(entities, None)
    for i, (start, _) in enumerate(spans):
        while entity and entity[1] <= start:
            entity = next(entities, None)
        if entity and entity[0] <= start < entity[1]:
            labels[i] = ("B-" if start == entity[0] else "I-") + entity[2]
    return labels


def bilou(labels: list[str]) -> list[str]:
    """BIO labels as BILOU: the last word of a span ``L-``, a one-word span ``U-``."""
    found = []
    for label, after in zip(labels, [*labels[1:], "O"]):
        ends = after[:2] != "I-" or after[2:] != label[2:]
        if label == "O" or not ends:
            found.append(label)
        else:
            found.append(("U-" if label[0] == "B" else "L-") + label[2:])
    return found


def bio(labels: list[str]) -> list[str]:
    """BILOU labels as BIO."""
    return ["B-" + label[2:] if label[0] == "U" else "I-" + label[2:] if label[0] == "L"
            else label for label in labels]


def examples(sentences: Iterable[Sentence], read: Preprocessor, full_labels: bool,
             bilou_labels: bool = False) -> tuple[list[list[list[bytes]]], list[list[str]]]:
    """(attribute lists, labels) of every sentence, each taken as one sentence
    (``bilou_labels``: spans' last and single words labelled apart, see :func:`bilou`)."""
    xs, ys = [], []
    for sentence in sentences:
        text = sentence.text
        spans = read.words.spans(text)
        words = [text[start:end] for start, end in spans]
        hints = read.hints(text, [spans], [words])[0]
        xs.append(read.features.sentence(words, hints))
        labels = project_labels(sentence, spans, full_labels)
        ys.append(bilou(labels) if bilou_labels else labels)
    return xs, ys


def fit(xs: list[list[list[bytes]]], ys: list[list[str]], path: Path, c1: float, c2: float,
        max_iterations: int) -> None:
    """Trains a CRF (L-BFGS, elastic net) on the examples and writes it to ``path``."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for x, y in zip(xs, ys):
        trainer.append(x, y)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations,
                        "feature.possible_transitions": True})
    trainer.train(str(path))
