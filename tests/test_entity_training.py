"""Training the entity tagger on sentences written for these tests: same input, same bytes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from indexer.entities.extract import ATTRIBUTES_FILE, MODEL_FILE, SETTINGS_FILE, WEIGHTS_FILE, load
from indexer.entities.training import germeval
from indexer.entities.training.examples import project_labels
from indexer.entities.training.train import SHIPPED, train

DATA = Path(__file__).parent / "data"
BODIES = [
    "Bundeskanzler Olaf Scholz besuchte am Montag Berlin. Die SPD lobte den Besuch.",
    "Angela Merkel sprach in Hamburg über die Deutsche Bank. Siemens baut in München.",
]
CONFIG = replace(SHIPPED, iterations=40, silver=0.5)


def test_germeval_sentences_give_character_spans_of_the_three_types():
    [first, *_] = germeval.read(DATA / "germeval_train_sample.tsv")
    assert first.text == "Angela Merkel besuchte am Montag Berlin ."
    assert first.gold() == {(0, 13, "PER"), (33, 39, "LOC")}
    sentence = germeval.Sentence(("Die", "NATO-Staaten", "und", "Europa"),
                                 ("O", "B-ORGpart", "O", "B-LOC"))
    assert sentence.gold() == {(21, 27, "LOC")}


def test_gold_labels_are_projected_onto_the_words_of_the_splitter():
    sentence = germeval.Sentence(("Dr.", "Kim", "Jong", "Un", "kam", "."),
                                 ("O", "B-PER", "I-PER", "I-PER", "O", "O"))
    spans = [(0, 3), (4, 7), (8, 12), (13, 15), (16, 19), (20, 21)]
    assert project_labels(sentence, spans, full_labels=False) == [
        "O", "B-PER", "I-PER", "I-PER", "O", "O"]


def test_two_trainings_write_the_same_bytes(tmp_path):
    gold = germeval.read(DATA / "germeval_train_sample.tsv")
    dev = germeval.read(DATA / "germeval_dev_sample.tsv")
    first = train(tmp_path / "first", gold, dev, BODIES, CONFIG)
    second = train(tmp_path / "second", gold, dev, BODIES, CONFIG)
    assert first == second
    assert set(first["thresholds"]) == {"PER", "LOC", "ORG"}
    for name in (MODEL_FILE, ATTRIBUTES_FILE, WEIGHTS_FILE, SETTINGS_FILE):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
    pipeline = load(tmp_path / "first")
    found = {(e.text, e.type) for e in pipeline.entities("Angela Merkel besuchte Berlin .")}
    assert ("Angela Merkel", "PER") in found
