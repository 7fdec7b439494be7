"""Training the entity tagger on sentences written for these tests: same input, same bytes."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np

from indexer.entities.extract import (
    ATTRIBUTES_FILE,
    CLUSTERS_FILE,
    MODEL_FILE,
    SETTINGS_FILE,
    WEIGHTS_FILE,
    load,
    preprocessor,
)
from indexer.entities.features import FeatureSet
from indexer.entities.lexical import read_clusters
from indexer.entities.tagger import label_spans
from indexer.entities.training import clusters, germeval
from indexer.entities.training.examples import bilou, bio, project_labels
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
    assert first["features"]["clusters"]
    for name in (MODEL_FILE, ATTRIBUTES_FILE, WEIGHTS_FILE, SETTINGS_FILE, CLUSTERS_FILE):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
    pipeline = load(tmp_path / "first")
    found = {(e.text, e.type) for e in pipeline.entities("Angela Merkel besuchte Berlin .")}
    assert ("Angela Merkel", "PER") in found


def test_bilou_labels_mark_last_and_single_words_and_read_back_as_bio():
    labels = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC", "I-LOC", "B-ORGpart"]
    assert bilou(labels) == ["B-PER", "L-PER", "O", "U-LOC", "B-LOC", "I-LOC", "L-LOC",
                             "U-ORGpart"]
    assert bio(bilou(labels)) == labels
    assert label_spans(bilou(labels)) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 7, "LOC")]


def test_words_seen_in_the_same_contexts_share_a_cluster():
    names, places = ["Merkel", "Scholz", "Habeck"], ["Berlin", "Hamburg", "Bremen"]
    sentences = [words for name, place in itertools.product(names, places)
                 for words in (f"Gestern sagte {name} , es regne .".split(),
                               f"Sie wohnt in {place} und arbeitet dort .".split())]
    forms, points = clusters.vectors(sentences)
    assert np.allclose(np.linalg.norm(points, axis=1), 1.0)
    numbers = dict(zip(forms, clusters.clusters(points, sizes=(6,))[:, 0].tolist()))
    assert len({numbers[name] for name in names}) == 1
    assert len({numbers[place] for place in places}) == 1
    assert numbers[names[0]] != numbers[places[0]]


def test_the_clusters_file_gives_each_form_its_clusters_coarse_to_fine():
    assert read_clusters("Merkel\t3,17,250\nWien\t5,40,9\n") == {
        "Merkel": ("3", "17", "250"), "Wien": ("5", "40", "9")}
    extractor = preprocessor(FeatureSet(clusters=True)).features
    forms = extractor.forms(["Merkel", "sagte", "Xqzvw"])
    assert [a for a in forms[0].own if a.startswith(b"k")] == [
        f"k{level}={number}".encode()
        for level, number in enumerate(extractor.clusters["Merkel"], 1)]
    assert any(a.startswith(b">1k1=") for a in forms[0].after1)
    assert not any(a.startswith(b"k") for a in forms[2].own)


def test_a_model_of_bilou_labels_tags_in_bio_spans(tmp_path):
    gold = germeval.read(DATA / "germeval_train_sample.tsv")
    dev = germeval.read(DATA / "germeval_dev_sample.tsv")
    settings = train(tmp_path, gold, dev, BODIES, replace(CONFIG, bilou=True))
    assert settings["bilou"]
    pipeline = load(tmp_path)
    assert {"U-LOC", "L-PER"} <= set(pipeline.tagger.labels)
    found = {(e.text, e.type) for e in pipeline.entities("Angela Merkel besuchte Berlin .")}
    assert {("Angela Merkel", "PER"), ("Berlin", "LOC")} <= found
