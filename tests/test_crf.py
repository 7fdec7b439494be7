"""The CRF decoded in NumPy: against enumerating every label sequence, and against crfsuite."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pycrfsuite
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.entities import crf, scoring
from indexer.entities.extract import (
    MODEL_DIR,
    MODEL_FILE,
    WEIGHTS_FILE,
    load,
    load_crfsuite,
    preprocessor,
)
from indexer.entities.extract import settings as model_settings
from indexer.entities.features import FeatureSet
from indexer.entities.scoring import StateScorer

#: A hand-made model of three labels: "B" after "A" is cheap, "A" after "A" dear.
TRANSITIONS = np.array([[-1.0, 2.0, 0.0],
                        [0.5, -0.5, 0.0],
                        [0.0, 1.0, -2.0]])
SENTENCES = [np.array([[1.0, 0.0, 0.2]]),
             np.array([[0.3, 0.1, 0.0], [0.0, 0.4, 1.1], [2.0, -1.0, 0.0]]),
             np.array([[0.0, 0.5, 0.25], [1.5, 0.0, 0.0], [0.0, 0.0, 0.75], [0.1, 0.2, 0.3],
                       [1.0, 1.0, -1.0]])]

TEXTS = [
    "Angela Merkel traf Emmanuel Macron in Paris.",
    "BERLIN (dpa) – Bundeskanzlerin Angela Merkel hat am 21. August in Berlin Vertreter der "
    "Deutschen Bank getroffen. Merkel sagte, Dr. Schäuble sei u.a. für die Finanzen zuständig.",
    "OFFENBACH. Die Stadt Offenbach plant den Umbau der Homburger Landstraße. "
    "Oberbürgermeister Felix Schwenke (SPD) sagte, in Bad Homburg sei das gelungen.",
    "Bundespräsident Alexander Van der Bellen traf Ursula von der Leyen in Kyjiw. "
    "Die Linke fordert einen höheren Mindestlohn, wie die Wochenzeitung Die Zeit berichtet.",
    "Der FC Bayern München gewann gegen Borussia Dortmund; Thomas Müller traf zweimal.",
    "Ja.",
]


def path_score(scores: np.ndarray, transitions: np.ndarray, labels: tuple[int, ...]) -> float:
    return sum(scores[t, y] for t, y in enumerate(labels)) + \
        sum(transitions[x, y] for x, y in zip(labels, labels[1:]))


def every_sequence(scores: np.ndarray) -> list[tuple[int, ...]]:
    return list(itertools.product(range(scores.shape[1]), repeat=len(scores)))


def brute_force(scores: np.ndarray, transitions: np.ndarray) -> tuple[tuple, np.ndarray]:
    """The best labels and the marginals, summed over every label sequence."""
    sequences = every_sequence(scores)
    totals = np.array([path_score(scores, transitions, y) for y in sequences])
    chances = np.exp(totals - totals.max())
    chances /= chances.sum()
    marginals = np.zeros_like(scores)
    for sequence, chance in zip(sequences, chances):
        marginals[np.arange(len(scores)), list(sequence)] += chance
    return sequences[int(totals.argmax())], marginals


def test_viterbi_and_marginals_of_a_hand_made_model_agree_with_every_sequence():
    best = crf.viterbi(SENTENCES, TRANSITIONS)
    chances = crf.marginals(SENTENCES, TRANSITIONS)
    assert [len(labels) for labels in best] == [1, 3, 5]
    for scores, labels, marginals in zip(SENTENCES, best, chances):
        expected_labels, expected_marginals = brute_force(scores, TRANSITIONS)
        assert tuple(labels) == expected_labels
        np.testing.assert_allclose(marginals, expected_marginals, rtol=0, atol=1e-12)
    assert tuple(best[0]) == (0,)  # one token: its best state score


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(1, 5), min_size=1, max_size=4))
def test_batches_of_random_sentences_agree_with_every_sequence(seed, lengths):
    rng = np.random.default_rng(seed)
    transitions = rng.normal(0, 2, (3, 3))
    sentences = [rng.normal(0, 3, (n, 3)) for n in lengths]
    for scores, labels, marginals in zip(sentences, crf.viterbi(sentences, transitions),
                                         crf.marginals(sentences, transitions)):
        expected_labels, expected_marginals = brute_force(scores, transitions)
        assert path_score(scores, transitions, tuple(labels)) == pytest.approx(
            path_score(scores, transitions, expected_labels), abs=1e-9)
        np.testing.assert_allclose(marginals, expected_marginals, rtol=0, atol=1e-9)


def test_ties_go_to_the_lowest_label_as_in_crfsuite():
    flat = [np.zeros((4, 3)), np.zeros((2, 3))]
    assert [labels.tolist() for labels in crf.viterbi(flat, np.zeros((3, 3)))] == [
        [0, 0, 0, 0], [0, 0]]
    np.testing.assert_allclose(crf.marginals(flat, np.zeros((3, 3)))[0], np.full((4, 3), 1 / 3))


def test_long_sentences_stay_in_range():
    rng = np.random.default_rng(7)
    scores = [rng.normal(0, 30, (400, 3)), rng.normal(0, 30, (3, 3))]
    transitions = rng.normal(0, 5, (3, 3))
    for marginals in crf.marginals(scores, transitions):
        assert np.isfinite(marginals).all()
        np.testing.assert_allclose(marginals.sum(axis=1), 1.0)


def test_the_shipped_weights_are_the_model_files_exact_weights(tmp_path):
    weights = crf.read_crfsuite(MODEL_DIR / MODEL_FILE)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_DIR / MODEL_FILE))
    assert weights.labels == tuple(tagger.labels())
    rows = {attribute: row for row, attribute in enumerate(weights.attributes)}
    columns = {label: column for column, label in enumerate(weights.labels)}
    dump = tagger.info()  # six decimals
    assert len(dump.state_features) == np.count_nonzero(weights.state)
    for (attribute, label), weight in dump.state_features.items():
        assert weights.state[rows[attribute.encode()], columns[label]] == pytest.approx(
            weight, abs=5e-7)
    for (before, after), weight in dump.transitions.items():
        assert weights.transitions[columns[before], columns[after]] == pytest.approx(
            weight, abs=5e-7)
    weights.save(tmp_path / "again.npz")
    assert (tmp_path / "again.npz").read_bytes() == (MODEL_DIR / WEIGHTS_FILE).read_bytes()
    shipped = crf.load_weights(MODEL_DIR / WEIGHTS_FILE)
    assert shipped.labels == weights.labels and shipped.attributes == weights.attributes
    assert np.array_equal(shipped.state, weights.state)
    assert np.array_equal(shipped.transitions, weights.transitions)


def test_a_file_that_is_no_model_is_refused(tmp_path):
    (tmp_path / "model").write_bytes(b"not a model at all, just some bytes" * 3)
    with pytest.raises(ValueError, match="not a crfsuite"):
        crf.read_crfsuite(tmp_path / "model")


@pytest.fixture(scope="module")
def pipelines():
    return load(), load_crfsuite()


def test_numpy_decoding_gives_crfsuites_labels_and_marginals(pipelines):
    fast, slow = pipelines
    read, tagger = slow.read, slow.tagger.crf
    compared = 0
    for text in TEXTS:
        sentences = read.tokens(text)
        words = [[text[start:end] for start, end in spans] for spans in sentences]
        hints = read.hints(text, sentences, words)
        scores = fast.tagger.scorer.scores(fast.read.features, words, hints)
        best = crf.viterbi(scores, fast.tagger.transitions)
        chances = crf.marginals(scores, fast.tagger.transitions)
        for sentence, sentence_hints, labels, marginals in zip(words, hints, best, chances):
            expected = tagger.tag(read.features.sentence(sentence, sentence_hints))
            assert [fast.tagger.labels[i] for i in labels] == expected
            expected_marginals = [[tagger.marginal(label, t) for label in fast.tagger.labels]
                                  for t in range(len(sentence))]
            np.testing.assert_allclose(marginals, expected_marginals, rtol=0, atol=1e-9)
            compared += len(sentence)
        assert fast.mentions(words, hints) == slow.mentions(words, hints)
    assert compared > 100


def test_both_pipelines_find_the_same_entities(pipelines):
    fast, slow = pipelines
    text = " ".join(TEXTS)
    assert fast.entities(text) == slow.entities(text)
    assert len(fast.entities(text)) > 10


def summed_attributes(weights: crf.Weights, rows: list[list[bytes]]) -> np.ndarray:
    """What crfsuite adds up for each token: the weight row of every attribute it knows."""
    index = {attribute: row for row, attribute in enumerate(weights.attributes)}
    return np.array([weights.state[[index[a] for a in row if a in index]].sum(axis=0)
                     for row in rows])


@pytest.mark.parametrize("changes", [{}, {"cues": True}, {"context2": False}])
def test_state_scores_are_the_sums_of_the_attribute_weights(changes):
    shipped = crf.load_weights(MODEL_DIR / WEIGHTS_FILE)
    cues = (b"pc=t", b"pc=g", b"pc=s")
    rng = np.random.default_rng(3)
    weights = crf.Weights(shipped.labels, shipped.attributes + cues,
                          np.vstack([shipped.state, rng.normal(0, 1, (3, len(shipped.labels)))]),
                          shipped.transitions)
    features = preprocessor(replace(FeatureSet(**model_settings()["features"]), **changes)).features
    scorer = StateScorer(weights)
    read = load().read
    text = " ".join(TEXTS) + " Kanzlerin Merkel und Minister Habeck sagten, Olaf Scholz sagte Nein."
    sentences = read.tokens(text)
    words = [[text[start:end] for start, end in spans] for spans in sentences]
    hints = read.hints(text, sentences, words)
    scores = scorer.scores(features, words, hints)
    for sentence, sentence_hints, found in zip(words, hints, scores):
        rows = features.sentence(sentence, sentence_hints)
        np.testing.assert_allclose(found, summed_attributes(weights, rows), rtol=0, atol=1e-12)
    if changes.get("cues"):
        assert any(b"pc=t" in row for sentence, h in zip(words, hints)
                   for row in features.sentence(sentence, h))


def test_the_form_table_starts_again_when_full(monkeypatch):
    fast = load()
    text = TEXTS[1]
    sentences = fast.read.tokens(text)
    words = [[text[start:end] for start, end in spans] for spans in sentences]
    hints = fast.read.hints(text, sentences, words)
    scorer = StateScorer(crf.load_weights(MODEL_DIR / WEIGHTS_FILE))
    expected = scorer.scores(fast.read.features, words, hints)
    monkeypatch.setattr(scoring, "MAX_CACHED", 10)
    for _ in range(2):
        again = scorer.scores(fast.read.features, words[::-1], hints[::-1])[::-1]
        assert all(np.array_equal(a, b) for a, b in zip(again, expected))
    assert len(scorer._ids) <= len({word for sentence in words for word in sentence})
