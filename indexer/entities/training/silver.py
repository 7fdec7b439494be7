"""Silver training sentences from unlabelled news: the tagger's own confident output.

Each sentence of the article bodies is tagged by a trained pipeline; it is
kept when crfsuite gives the whole label sequence a probability of at least
``min_probability``, it names at least one person, place or organisation,
and it does not contradict the rule extractor (every person or place the
high-precision rules propose is labelled the same way).  Deterministic: same
model and bodies, same sentences.
"""

from __future__ import annotations

from collections.abc import Iterable

from indexer.entities.extract import Pipeline
from indexer.entities.hints import rule_labels
from indexer.entities.model import TYPES
from indexer.entities.training.examples import bio
from indexer.entities.training.germeval import Sentence


def silver(pipeline: Pipeline, bodies: Iterable[str], min_probability: float,
           max_words: int = 60) -> list[Sentence]:
    crf = pipeline.tagger.crf
    read = pipeline.read
    kept: list[Sentence] = []
    for body in bodies:
        sentences = read.tokens(body)
        rules = rule_labels(body, [span for sentence in sentences for span in sentence])
        all_words = [[body[start:end] for start, end in spans] for spans in sentences]
        all_hints = read.hints(body, sentences, all_words)
        offset = 0
        for words, hints in zip(all_words, all_hints):
            rule_hints = rules[offset:offset + len(words)]
            offset += len(words)
            if not 4 <= len(words) <= max_words:
                continue
            tagged = crf.tag(read.features.sentence(words, hints))
            labels = bio(tagged)
            if not any(label[2:] in TYPES for label in labels):
                continue
            if any(hint != "O" and hint[2:] != "ORG" and hint != label
                   for hint, label in zip(rule_hints, labels)):
                continue
            if crf.probability(tagged) >= min_probability:
                kept.append(Sentence(tuple(words), tuple(labels)))
    return kept
