"""Near-duplicate articles: the same agency story in several outlets, one cluster.

Each article's body is cut into overlapping runs of :data:`SHINGLE` words
(lowercase, punctuation off, hashed with NumPy: :func:`word_hashes`), and a
MinHash signature of :data:`PERMUTATIONS` values estimates how many runs two
articles share (their Jaccard similarity).  Signatures are bucketed by
:data:`BANDS` bands (locality-sensitive hashing), so an article is compared
only with the few earlier ones that share a band; it joins the cluster of
the most similar one at or above :data:`THRESHOLD`, or starts a cluster of
its own.  A cluster is named by the id of its first article, so the name
stays put as articles are added.

Clustering runs on batches of articles as they are read, before they are
written, so every article carries its cluster into the index.  The band
keys live in sorted NumPy arrays (merged like a log-structured tree), about
200 MB for a million articles, and the signatures in blocks of fixed size
(:class:`_Signatures`, 256 bytes an article), so that growing copies
nothing.  The signatures are kept beside each generation
(:data:`FILENAME`), so an update clusters new articles with the old ones
without reading those again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from indexer.reading.documents import Document

FILENAME = "duplicates.npz"
SHINGLE = 4
PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
#: Estimated share of shared word runs from which two articles are duplicates.
THRESHOLD = 0.5
#: Articles shorter than this many words are never clustered (too little to tell).
MIN_WORDS = 40
BATCH = 1000
_SEEDS = np.random.default_rng(20261129).integers(1, 2**63, size=(2, PERMUTATIONS),
                                                   dtype=np.uint64)
_MULTIPLIERS = _SEEDS[0] | np.uint64(1)
_OFFSETS = _SEEDS[1]
_MIX = np.uint64(0x9E3779B97F4A7C15)


#: Bytes that belong to words: ASCII letters and digits, and every byte of a
#: multi-byte UTF-8 character (umlauts, ß, accents; typographic quotes too,
#: the same way in every article).
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[[ord(c) for c in "0123456789abcdefghijklmnopqrstuvwxyz"]] = True
_WORD_BYTE[0x80:] = True
_BASE = np.uint64(0x100000001B3)  # odd, so it has an inverse modulo 2**64
_POWERS = np.ones(1, dtype=np.uint64)
_INVERSE_POWERS = np.ones(1, dtype=np.uint64)


def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """``_BASE**i`` and its inverse modulo 2**64 for i < size (grown on demand)."""
    global _POWERS, _INVERSE_POWERS
    if len(_POWERS) < size:
        size = max(size, 2 * len(_POWERS))
        inverse = pow(int(_BASE), -1, 2**64)
        powers = np.full(size, _BASE, dtype=np.uint64)
        powers[0] = 1
        inverses = np.full(size, np.uint64(inverse), dtype=np.uint64)
        inverses[0] = 1
        _POWERS, _INVERSE_POWERS = np.cumprod(powers), np.cumprod(inverses)
    return _POWERS, _INVERSE_POWERS


def word_hashes(text: str) -> np.ndarray:
    """A 64-bit hash of each word of ``text`` (lowercased), computed without a Python loop.

    Each word's bytes are summed as a polynomial over one running sum of the
    whole text, then shifted back to position 0, so equal words hash alike
    wherever they stand.
    """
    data = np.frombuffer(text.lower().encode("utf-8", "surrogatepass"), dtype=np.uint8)
    edges = np.diff(np.concatenate(([0], _WORD_BYTE[data].view(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    powers, inverses = _powers(len(data) + 1)
    weighted = (data.astype(np.uint64) + np.uint64(1)) * powers[:len(data)]
    running = np.concatenate((np.zeros(1, dtype=np.uint64), np.cumsum(weighted, dtype=np.uint64)))
    hashes = (running[ends] - running[starts]) * inverses[starts]
    return (hashes ^ (hashes >> np.uint64(29))) * _MIX


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of ``text``'s word runs, or None for a short text."""
    hashes = word_hashes(text)
    if len(hashes) < MIN_WORDS:
        return None
    count = len(hashes) - SHINGLE + 1
    shingles = hashes[:count].copy()
    for offset in range(1, SHINGLE):  # neighbouring words as one 64-bit value
        shingles = shingles * _BASE ^ hashes[offset:offset + count]
    # one multiply-shift hash per permutation; uint64 arithmetic wraps around
    mixed = (shingles[:, None] * _MULTIPLIERS[None, :] + _OFFSETS[None, :]) >> np.uint64(32)
    return mixed.min(axis=0).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the word runs behind two signatures."""
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """One 64-bit key per band and signature: shape (BANDS, len(signatures))."""
    bands = signatures.reshape(len(signatures), BANDS, ROWS).astype(np.uint64)
    keys = np.zeros((len(signatures), BANDS), dtype=np.uint64)
    for row in range(ROWS):
        keys = (keys ^ bands[:, :, row]) * _MIX
    return keys.T.copy()


class _Signatures:
    """Signatures by row, in blocks of :data:`BLOCK` rows allocated as they fill."""

    BLOCK = 1 << 16

    def __init__(self) -> None:
        self.blocks: list[np.ndarray] = []
        self.count = 0

    def extend(self, signatures: np.ndarray) -> None:
        done = 0
        while done < len(signatures):
            at = self.count % self.BLOCK
            if at == 0:
                self.blocks.append(np.empty((self.BLOCK, PERMUTATIONS), dtype=np.uint32))
            step = min(self.BLOCK - at, len(signatures) - done)
            self.blocks[-1][at:at + step] = signatures[done:done + step]
            done += step
            self.count += step

    def __getitem__(self, row: int) -> np.ndarray:
        return self.blocks[row // self.BLOCK][row % self.BLOCK]

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The signatures of ``rows``, in that order, as one array."""
        out = np.empty((len(rows), PERMUTATIONS), dtype=np.uint32)
        block_of = rows // self.BLOCK
        for block in np.unique(block_of).tolist():
            mine = block_of == block
            out[mine] = self.blocks[block][rows[mine] % self.BLOCK]
        return out


@dataclass
class _Run:
    """Band keys of some articles, each band sorted, with the rows they belong to."""

    keys: np.ndarray  # (BANDS, n) uint64, each band sorted
    rows: np.ndarray  # (BANDS, n) int32

    @classmethod
    def of(cls, keys: np.ndarray, rows: np.ndarray) -> _Run:
        order = np.argsort(keys, axis=1, kind="stable")
        return cls(np.take_along_axis(keys, order, axis=1),
                   np.take_along_axis(rows.astype(np.int32), order, axis=1))

    def __len__(self) -> int:
        return self.keys.shape[1]

    def matches(self, keys: np.ndarray) -> Iterator[tuple[int, int]]:
        """(position in ``keys``' columns, row here) for every shared band key."""
        for band in range(BANDS):
            left = np.searchsorted(self.keys[band], keys[band], side="left")
            right = np.searchsorted(self.keys[band], keys[band], side="right")
            for column in np.flatnonzero(right > left):
                for row in self.rows[band, left[column]:right[column]]:
                    yield int(column), int(row)


class DuplicateFinder:
    """Clusters articles batch by batch; what it knows can be saved and loaded."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.clusters: list[str] = []
        self._signatures = _Signatures()
        self._live = np.zeros(0, dtype=bool)
        self._row: dict[str, int] = {}
        self._runs: list[_Run] = []

    def __len__(self) -> int:
        return len(self._row)

    def cluster_of(self, doc_id: str) -> str | None:
        row = self._row.get(doc_id)
        return self.clusters[row] if row is not None else None

    def remove(self, doc_id: str) -> None:
        """Forget an article (deleted, or about to be replaced)."""
        row = self._row.pop(doc_id, None)
        if row is not None:
            self._live[row] = False

    def assign(self, batch: list[tuple[str, str]]) -> list[str]:
        """The cluster of each (id, body) in ``batch``, in order; they are remembered."""
        for doc_id, _ in batch:
            self.remove(doc_id)
        found = [signature(text) for _, text in batch]
        kept = [i for i, s in enumerate(found) if s is not None]
        result = [doc_id for doc_id, _ in batch]
        if not kept:
            return result
        signatures = np.array([found[i] for i in kept], dtype=np.uint32)
        keys = band_keys(signatures)
        first_row = len(self.ids)
        rows = np.arange(first_row, first_row + len(kept), dtype=np.int64)
        candidates: dict[int, set[int]] = {}
        for run in self._runs:
            for column, row in run.matches(keys):
                candidates.setdefault(column, set()).add(row)
        batch_run = _Run.of(keys, np.broadcast_to(rows, keys.shape).copy())
        for column, row in batch_run.matches(keys):
            if row < first_row + column:  # an earlier article of the same batch
                candidates.setdefault(column, set()).add(row)
        self._grow(signatures)
        for column, index in enumerate(kept):
            doc_id = batch[index][0]
            cluster = self._best_cluster(signatures[column], candidates.get(column, ())) \
                or doc_id
            self.ids.append(doc_id)
            self.clusters.append(cluster)
            self._row[doc_id] = first_row + column
            result[index] = cluster
        self._add_run(batch_run)
        return result

    def _best_cluster(self, found: np.ndarray, rows: Iterable[int]) -> str | None:
        best, best_score = None, THRESHOLD
        for row in sorted(rows):
            if not self._live[row]:
                continue
            score = similarity(found, self._signatures[row])
            if score > best_score or (score == best_score and best is None):
                best, best_score = row, score
        return self.clusters[best] if best is not None else None

    def _grow(self, signatures: np.ndarray) -> None:
        self._signatures.extend(signatures)
        self._live = np.concatenate([self._live, np.ones(len(signatures), dtype=bool)])

    def _add_run(self, run: _Run) -> None:
        self._runs.append(run)
        while len(self._runs) > 1 and len(self._runs[-1]) >= len(self._runs[-2]):
            newer, older = self._runs.pop(), self._runs.pop()
            self._runs.append(_Run.of(np.concatenate([older.keys, newer.keys], axis=1),
                                      np.concatenate([older.rows, newer.rows], axis=1)))

    # -- persistence ------------------------------------------------------------

    def save(self, directory: Path) -> Path:
        """Write the live articles' ids, clusters and signatures into ``directory``."""
        rows = np.flatnonzero(self._live)
        path = Path(directory) / FILENAME
        partial = path.with_name(FILENAME + ".partial")
        with open(partial, "wb") as out:
            np.savez(out, **_packed("ids", [self.ids[r] for r in rows]),
                     **_packed("clusters", [self.clusters[r] for r in rows]),
                     signatures=self._signatures.take(rows))
        os.replace(partial, path)  # never write through a link to an older generation
        return path

    @classmethod
    def load(cls, directory: Path) -> DuplicateFinder:
        """What an earlier build saved in ``directory`` (empty if nothing was)."""
        finder = cls()
        path = Path(directory) / FILENAME
        if not path.exists():
            return finder
        with np.load(path) as saved:
            ids = _unpacked(saved, "ids")
            finder.ids, finder.clusters = ids, _unpacked(saved, "clusters")
            signatures = saved["signatures"]
        finder._signatures.extend(signatures)
        finder._live = np.ones(len(ids), dtype=bool)
        finder._row = {doc_id: row for row, doc_id in enumerate(ids)}
        if ids:
            rows = np.arange(len(ids), dtype=np.int64)
            keys = band_keys(signatures)
            finder._runs = [_Run.of(keys, np.broadcast_to(rows, keys.shape).copy())]
        return finder


def clustered(documents: Iterable[Document], finder: DuplicateFinder,
              batch: int = BATCH) -> Iterator[tuple[Document, str]]:
    """Each document with its cluster, clustered ``batch`` at a time as they stream by."""
    pending: list = []
    for doc in documents:
        pending.append(doc)
        if len(pending) >= batch:
            yield from zip(pending, finder.assign([(d.id, d.body) for d in pending]))
            pending = []
    if pending:
        yield from zip(pending, finder.assign([(d.id, d.body) for d in pending]))


def _packed(name: str, strings: list[str]) -> dict[str, np.ndarray]:
    """Strings as one UTF-8 byte array and their end offsets (no pickles, no fixed width)."""
    encoded = [s.encode("utf-8", "surrogatepass") for s in strings]
    return {f"{name}_bytes": np.frombuffer(b"".join(encoded), dtype=np.uint8),
            f"{name}_ends": np.cumsum([len(e) for e in encoded], dtype=np.int64)}


def _unpacked(saved, name: str) -> list[str]:
    data = saved[f"{name}_bytes"].tobytes()
    ends = saved[f"{name}_ends"].tolist()
    starts = [0] + ends[:-1]
    return [data[s:e].decode("utf-8", "surrogatepass") for s, e in zip(starts, ends)]
