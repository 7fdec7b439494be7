"""A first-order linear-chain CRF in NumPy: a crfsuite model's weights, Viterbi, marginals.

crfsuite's ``crf1d`` model scores the labels ``y`` of a sentence of ``T``
tokens as ``sum_t state[t, y_t] + sum_{t>0} trans[y_{t-1}, y_t]``: there is
no transition from a start or to an end label.  A token's state vector is the
sum of the weight rows of its attributes (each attribute counts once per
occurrence, with value 1).  :func:`viterbi` finds the best labels as crfsuite
does, ties going to the lowest label id; :func:`marginals` gives each
token's label probabilities by forward-backward.  Both take a batch of
sentences and loop over the positions of the longest one, not over the
sentences.

:func:`read_crfsuite` reads the exact float64 weights of a model file
(crfsuite's text dump rounds them to six decimals); :meth:`Weights.save`
writes them compactly and deterministically, and :func:`load_weights` reads
them back without crfsuite.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: crfsuite's feature types in a model file.
_STATE, _TRANSITION = 0, 1
#: Every member of a saved weights file gets this date, so the bytes depend on the weights only.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Weights:
    """A trained CRF: labels and attributes in crfsuite's id order, and their weights.

    ``state[a, y]`` is the weight of attribute ``a`` for label ``y``;
    ``transitions[x, y]`` the weight of label ``y`` following ``x``.
    """

    labels: tuple[str, ...]
    attributes: tuple[bytes, ...]
    state: np.ndarray  # (attributes, labels), float64
    transitions: np.ndarray  # (labels, labels), float64

    def save(self, path: Path) -> None:
        """An uncompressed ``.npz`` of the non-zero state weights, the same bytes for the
        same weights."""
        if any(b"\n" in attribute for attribute in self.attributes):
            raise ValueError("an attribute contains a newline: it cannot be saved")
        rows, columns = np.nonzero(self.state)
        arrays = {
            "labels": np.array(self.labels),
            "attributes": np.frombuffer(b"\n".join(self.attributes), dtype=np.uint8),
            "state_attribute": rows.astype(np.int32),
            "state_label": columns.astype(np.int32),
            "state_weight": self.state[rows, columns],
            "transitions": self.transitions,
        }
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
            for name, array in arrays.items():
                with archive.open(zipfile.ZipInfo(name + ".npy", _ZIP_DATE), "w") as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)


def load_weights(path: Path) -> Weights:
    """The weights :meth:`Weights.save` wrote."""
    with np.load(path, allow_pickle=False) as saved:
        labels = tuple(saved["labels"].tolist())
        attributes = tuple(saved["attributes"].tobytes().split(b"\n"))
        state = np.zeros((len(attributes), len(labels)))
        state[saved["state_attribute"], saved["state_label"]] = saved["state_weight"]
        return Weights(labels, attributes, state, saved["transitions"].copy())


def read_crfsuite(path: Path) -> Weights:
    """The labels, attributes and float64 weights of a crfsuite ``crf1d`` model file."""
    data = Path(path).read_bytes()
    magic, _, kind, _, _, label_count, attribute_count, features_at, labels_at, attributes_at = \
        struct.unpack_from("<4sI4s7I", data)
    if magic != b"lCRF" or kind != b"FOMC":
        raise ValueError(f"{path}: not a crfsuite linear-chain model")
    labels = tuple(name.decode() for name in _strings(data, labels_at, label_count))
    attributes = _strings(data, attributes_at, attribute_count)
    chunk, _, count = struct.unpack_from("<4sII", data, features_at)
    if chunk != b"FEAT":
        raise ValueError(f"{path}: no feature table where the header points")
    features = np.frombuffer(data, offset=features_at + 12, count=count, dtype=np.dtype(
        [("type", "<u4"), ("source", "<u4"), ("target", "<u4"), ("weight", "<f8")]))
    state = np.zeros((attribute_count, label_count))
    transitions = np.zeros((label_count, label_count))
    for table, kind in ((state, _STATE), (transitions, _TRANSITION)):
        chosen = features[features["type"] == kind]
        table[chosen["source"], chosen["target"]] = chosen["weight"]
    return Weights(labels, attributes, state, transitions)


def _strings(data: bytes, start: int, count: int) -> tuple[bytes, ...]:
    """The strings of a CQDB chunk (crfsuite's string <-> id table) by id."""
    chunk, _, _, _, backward_count, backward_at = struct.unpack_from("<4s5I", data, start)
    if chunk != b"CQDB" or backward_count != count:
        raise ValueError("not a CQDB chunk of the expected size")
    found: list[bytes] = [b""] * count
    for offset in struct.unpack_from(f"<{count}I", data, start + backward_at):
        number, size = struct.unpack_from("<II", data, start + offset)
        found[number] = data[start + offset + 8:start + offset + 8 + size - 1]  # without NUL
    return tuple(found)


def _by_length(scores: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order longest first, lengths in that order, the scores padded into (T, S, L))."""
    lengths = np.array([len(sentence) for sentence in scores])
    order = np.argsort(-lengths, kind="stable")
    padded = np.zeros((lengths[order[0]], len(scores), scores[0].shape[1]))
    for row, number in enumerate(order):
        padded[:lengths[number], row] = scores[number]
    return order, lengths[order], padded


def _active(lengths: np.ndarray) -> np.ndarray:
    """How many sentences (longest first) reach beyond each position."""
    return np.searchsorted(-lengths, -np.arange(lengths[0]), side="left")


def _unpadded(order: np.ndarray, lengths: np.ndarray, padded: np.ndarray) -> list[np.ndarray]:
    """Each sentence's rows of a (T, S, ...) array, in the order the sentences came."""
    found: list[np.ndarray] = [padded[:0, 0]] * len(order)
    for row, number in enumerate(order):
        found[number] = padded[:lengths[row], row]
    return found


def viterbi(scores: list[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """The best label ids of each sentence, from its (tokens, labels) state scores.

    The forward pass keeps the best score of each label at each position; the
    way back picks the lowest previous label among equals, as crfsuite does.
    Each step adds every previous label's score to every transition from it,
    laid out (previous label, sentence x next label), and takes the maximum
    down the columns: numpy's fastest shape for it.
    """
    if not scores:
        return []
    order, lengths, best = _by_length(scores)
    active = _active(lengths)
    label_count = transitions.shape[0]
    tiled = np.tile(transitions, (1, len(scores)))
    for t in range(1, lengths[0]):
        k = active[t]
        candidates = best[t - 1, :k].T.repeat(label_count, axis=1)
        candidates += tiled[:, :k * label_count]
        best[t, :k] += np.maximum.reduce(candidates, axis=0).reshape(k, label_count)
    # the label after the last one is a pseudo-label with no transition weights
    into = np.vstack([transitions.T, np.zeros(label_count)])
    chosen = np.full((lengths[0] + 1, len(scores)), label_count)
    for t in range(lengths[0] - 1, -1, -1):
        k = active[t]
        chosen[t, :k] = (best[t, :k] + into[chosen[t + 1, :k]]).argmax(axis=1)
    return _unpadded(order, lengths, chosen)


def marginals(scores: list[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """Each token's probability of each label, (tokens, labels) per sentence.

    Forward-backward on the scores exponentiated after subtracting each
    position's maximum, normalised every few steps (neither changes a
    marginal): as often as keeps the numbers far from over- and underflow.
    """
    if not scores:
        return []
    order, lengths, padded = _by_length(scores)
    active = _active(lengths)
    potentials = np.exp(padded - padded.max(axis=2, keepdims=True))
    moves = np.exp(transitions)
    back_moves = np.ascontiguousarray(moves.T)
    every = _rescale_steps(transitions)
    forward = potentials.copy()  # beyond a sentence's end: anything but zeros
    for t in range(1, lengths[0]):
        k = active[t]
        step = forward[t, :k]
        np.matmul(forward[t - 1, :k], moves, out=step)
        step *= potentials[t, :k]
        if t % every == 0:
            step /= np.add.reduce(step, axis=1, keepdims=True)
    backward = np.ones_like(potentials)
    for t in range(lengths[0] - 2, -1, -1):
        k = active[t + 1]  # sentences that go on after t; the others end at t (ones)
        step = backward[t, :k]
        np.matmul(potentials[t + 1, :k] * backward[t + 1, :k], back_moves, out=step)
        if t % every == 0:
            step /= np.add.reduce(step, axis=1, keepdims=True)
    joint = forward * backward
    joint /= joint.sum(axis=2, keepdims=True)
    return _unpadded(order, lengths, joint)


def _rescale_steps(transitions: np.ndarray) -> int:
    """Steps between normalisations.  With ``w`` the largest transition weight in
    absolute value, one step scales the largest forward or backward value by
    at most ``L * e**w`` up and ``e**(3 * w)`` down (every potential is at most 1
    and one of them 1), so 600 powers of e of either stay in float64's range."""
    per_step = np.log(len(transitions)) + 3 * np.abs(transitions).max()
    return int(np.clip(600 / per_step, 1, 8))
