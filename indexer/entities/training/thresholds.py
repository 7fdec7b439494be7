"""Per-type confidence thresholds chosen on the dev set (model selection).

Every mention the CRF proposes on dev is scored by its lowest label marginal;
for each type the threshold from :data:`GRID` (0 to 0.9 in steps of 0.05) is
chosen that gives the best F1 among those reaching precision
:data:`MIN_PRECISION` (else 0.70, else the best F1 of all).  Scores here are
the tagger's own spans, before the rule corrections and article consistency
steps.
"""

from __future__ import annotations

from indexer.entities.extract import Pipeline
from indexer.entities.model import TYPES
from indexer.entities.tagger import label_spans
from indexer.entities.training.germeval import Sentence

GRID = tuple(round(0.05 * step, 2) for step in range(19))
MIN_PRECISION = 0.75

Proposal = tuple[str, float, bool]  # type, confidence, correct


def confidences(pipeline: Pipeline, sentences: list[Sentence]) -> tuple[list[Proposal],
                                                                        dict[str, int]]:
    """(type, confidence, correct) of each proposed span; gold counts by type."""
    tagger, read = pipeline.tagger, pipeline.read
    proposed = []
    gold_counts = dict.fromkeys(TYPES, 0)
    for sentence in sentences:
        text, gold = sentence.text, sentence.gold()
        for _, _, kind in gold:
            gold_counts[kind] += 1
        for spans in read.tokens(text):
            words = [text[start:end] for start, end in spans]
            hints = read.hints(text, [spans], [words])[0]
            labels = tagger.labels(read.features.sentence(words, hints))
            for first, end, kind in label_spans(labels):
                span = (spans[first][0], spans[end - 1][1], kind)
                proposed.append((kind, tagger.confidence(labels, first, end), span in gold))
    return proposed, gold_counts


def choose(proposed: list[Proposal], gold_counts: dict[str, int]) -> dict[str, dict]:
    """The chosen threshold per type, with the dev P/R/F1 it gives."""
    chosen = {}
    for kind in TYPES:
        options = []
        for threshold in GRID:
            kept = [correct for k, c, correct in proposed if k == kind and c >= threshold]
            tp = sum(kept)
            p = tp / len(kept) if kept else 0.0
            r = tp / gold_counts[kind] if gold_counts[kind] else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            options.append((threshold, p, r, f))
        for floor in (MIN_PRECISION, 0.70, 0.0):
            good = [option for option in options if option[1] >= floor]
            if good:
                threshold, p, r, f = max(good, key=lambda o: (o[3], -o[0]))
                break
        chosen[kind] = {"threshold": threshold, "precision": round(p, 3), "recall": round(r, 3),
                        "f1": round(f, 3)}
    return chosen
