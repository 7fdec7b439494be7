"""The CRF's state scores of each token, summed from per-form score vectors.

A token's attributes are its own form's list, its neighbours' lists by
offset (:mod:`indexer.entities.features`), and a few hint and cue
attributes; its state score for each label is the sum of the weights of
those attributes.  So the score is a sum of per-form vectors: one per
position a form is seen from (itself, first in a sentence, one or two words
before or after a token), computed once per distinct form and kept in a
table (up to :data:`~indexer.entities.features.MAX_CACHED` forms of 1.1 KB;
emptied when full), plus hint and cue vectors.  No attribute list is built
per token.

:class:`StateScorer` scores all sentences of a text at once: the words of
every sentence, with the edge pseudo-forms around each, are laid end to end
and each vector is gathered with one index array.
"""

from __future__ import annotations

import numpy as np

from indexer.entities.crf import Weights
from indexer.entities.features import EDGES, MAX_CACHED, FeatureExtractor, Form
from indexer.entities.hints import LABELS

#: The vectors of a form in its table row, by the position it is seen from.
_SLOTS = OWN, BEFORE1, BEFORE2, AFTER1, AFTER2, FIRST = range(6)
#: (offset of the form from the token, its vector there), in crfsuite's order of attributes
_SEEN = np.array([(0, OWN), (-1, BEFORE1), (1, AFTER1), (-2, BEFORE2), (2, AFTER2)])
_HINT_IDS = {label: number for number, label in enumerate(LABELS)}
_EDGE_ROWS = tuple(range(len(EDGES)))
_LEFT2, _LEFT1, _RIGHT1, _RIGHT2 = _EDGE_ROWS


class StateScorer:
    """State scores for the sentences of a text, with a bounded per-form table.

    The table belongs to one :class:`FeatureExtractor`: every call must pass the same.
    """

    def __init__(self, weights: Weights) -> None:
        self.rows = {attribute: row for row, attribute in enumerate(weights.attributes)}
        label_count = len(weights.labels)
        #: the state weights with a row of zeros below (the sum of no attributes)
        self.weights = np.vstack([weights.state, np.zeros(label_count)])
        self._zero = len(weights.attributes)
        self._ids: dict[str, int] = {}
        self._table = np.zeros((len(EDGES) + 1024, len(_SLOTS), label_count))
        self._cues = np.full(len(self._table), -1)
        self._namelike = np.zeros(len(self._table), dtype=bool)
        self._hints: np.ndarray | None = None  # (here, before, after) x hint label x labels
        self._ready = False

    def scores(self, features: FeatureExtractor, sentences: list[list[str]],
               hints: list[list[str]]) -> list[np.ndarray]:
        """A (words, labels) array of state scores per sentence (``hints``: a label per
        word, or [] for a sentence without hints)."""
        lengths = np.array([len(words) for words in sentences], dtype=np.intp)
        if not lengths.any():
            return [np.zeros((0, self.weights.shape[1])) for _ in sentences]
        if not self._ready:
            self._start(features)
        ids = self._form_ids(features, sentences)
        # the forms' table rows in one line: per sentence two edges, its words, two edges
        firsts = np.cumsum(lengths) - lengths  # each sentence's first word among all words
        starts = firsts + 4 * np.arange(len(sentences))  # and its first edge in the line
        padded = np.empty(len(ids) + 4 * len(sentences), dtype=np.intp)
        for offset, edge in ((0, _LEFT2), (1, _LEFT1), (2, _RIGHT1), (3, _RIGHT2)):
            padded[starts + lengths * (offset > 1) + offset] = edge
        positions = np.arange(len(ids)) + np.repeat(starts - firsts + 2, lengths)
        padded[positions] = ids
        seen = _SEEN if features.features.context2 else _SEEN[:3]
        # the row of each vector in the table seen as (forms x 6, labels), one line per offset
        rows = padded[positions + seen[:, :1]] * len(_SLOTS) + seen[:, 1:]
        rows[0, firsts[lengths > 0]] += FIRST - OWN
        vectors = self._table.reshape(-1, self._table.shape[2]).take(rows, axis=0)
        found = np.add.reduce(vectors, axis=0)
        if any(hint != "O" for sentence in hints for hint in sentence):
            found += self._hint_scores(hints, lengths, positions, len(padded))
        if features.features.cues:
            found += self._cue_scores(padded, positions)
        ends = np.cumsum(lengths).tolist()
        return [found[end - n:end] for n, end in zip(lengths.tolist(), ends)]

    def _start(self, features: FeatureExtractor) -> None:
        """The rows of the edge pseudo-forms and the hint vectors."""
        for row, edge in zip(_EDGE_ROWS, EDGES):
            self._table[row] = self._vectors(features, [edge])[0]
        attributes = features.hint_attributes
        self._hints = np.array([[self._sum(attributes[offset][label]) for label in LABELS]
                                for offset in ("", "<", ">")])
        self._ready = True

    def _form_ids(self, features: FeatureExtractor, sentences: list[list[str]]) -> list[int]:
        """The table row of every word, computing the rows of forms not seen yet."""
        ids = self._ids
        found = [ids.get(word) for words in sentences for word in words]
        if None in found:
            words = [word for sentence in sentences for word in sentence]
            missing = list(dict.fromkeys(word for word, row in zip(words, found) if row is None))
            if len(ids) + len(missing) > MAX_CACHED:
                ids.clear()
                missing = list(dict.fromkeys(words))
            self._add(features, missing)
            found = [ids[word] for word in words]
        return found

    def _add(self, features: FeatureExtractor, words: list[str]) -> None:
        first = len(EDGES) + len(self._ids)
        end = first + len(words)
        if end > len(self._table):
            size = max(end, min(2 * len(self._table), len(EDGES) + MAX_CACHED))
            self._table = np.resize(self._table, (size, *self._table.shape[1:]))
            self._cues = np.resize(self._cues, size)
            self._namelike = np.resize(self._namelike, size)
        forms = [features.form(word) for word in words]
        self._table[first:end] = self._vectors(features, forms)
        rows = self.rows
        self._cues[first:end] = [rows.get(form.cue, -1) if form.cue else -1 for form in forms]
        self._namelike[first:end] = [form.namelike for form in forms]
        self._ids.update(zip(words, range(first, end)))

    def _vectors(self, features: FeatureExtractor, forms: list[Form]) -> np.ndarray:
        """(forms, 6, labels): each form's vectors, one segment of weight rows each."""
        rows, zero = self.rows, self._zero
        context2 = features.features.context2
        flat: list[int] = []
        starts: list[int] = []
        for form in forms:
            for attributes in (form.own, form.before1, form.before2 if context2 else (),
                               form.after1, form.after2 if context2 else (), form.first.own):
                starts.append(len(flat))
                flat.append(zero)  # a segment is never empty
                flat += [rows[a] for a in attributes if a in rows]
        sums = np.add.reduceat(self.weights[flat], starts)
        return sums.reshape(len(forms), len(_SLOTS), -1)

    def _sum(self, attributes: list[bytes]) -> np.ndarray:
        rows = [self.rows[a] for a in attributes if a in self.rows]
        return self.weights[[self._zero, *rows]].sum(axis=0)

    def _hint_scores(self, hints: list[list[str]], lengths: np.ndarray, positions: np.ndarray,
                     size: int) -> np.ndarray:
        """Each word's hint vectors: its own hint's, and its neighbours'."""
        labels = np.zeros(size, dtype=np.intp)  # "O" beyond the edges
        labels[positions] = [_HINT_IDS[hint] for sentence, n in zip(hints, lengths)
                             for hint in (sentence or ("O",) * n)]
        here, before, after = self._hints
        return here[labels[positions]] + before[labels[positions - 1]] + \
            after[labels[positions + 1]]

    def _cue_scores(self, padded: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """What a title, given name or verb of saying before a name-like word tells it."""
        cues = np.where(self._namelike[padded[positions]], self._cues[padded[positions - 1]], -1)
        return np.where((cues >= 0)[:, None], self.weights[cues], 0.0)
