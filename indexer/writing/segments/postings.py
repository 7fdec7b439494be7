"""From analysed occurrences to whoosh postings: sorted, grouped, values encoded.

An *occurrence* is one token of one field in one document (its term, position
and character offsets).  whoosh turns the tokens of each document into one
posting per (term, document), sorts all postings of a segment by field, term
bytes and document, and encodes each posting's value with the field's
:class:`whoosh.formats.Format`.  Here the same happens for a whole batch with
one stable sort and a few array passes; the values come out byte for byte as
whoosh's formats encode them (protocol 2 pickles of the position deltas,
memo puts included), so ``format.decode_*`` reads them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from whoosh import formats

from indexer.writing.segments import pickles
from indexer.writing.segments.ragged import (
    Ragged,
    from_slots,
    group_items,
    offsets_from_lengths,
    take,
)

#: Maps distinct term keys (sorted int64) to their UTF-8 bytes.
TermBytes = Callable[[np.ndarray], list[bytes]]

class TermList:
    """``TermBytes`` for dense keys: key ``k`` is ``texts[k]`` (picklable)."""

    def __init__(self, texts: list[bytes]) -> None:
        self.texts = texts

    def __call__(self, keys: np.ndarray) -> list[bytes]:
        texts = self.texts
        return [texts[k] for k in keys.tolist()]


#: CPython's pickler writes list items in batches of this many (MARK ... APPENDS).
PICKLE_BATCH = 1000


@dataclass
class Occurrences:
    """The tokens of one field for a batch of documents, in document order.

    Within a document, tokens are in the order the analyzer emits them
    (position, then a compound before its parts).  ``positions``, ``starts``
    and ``ends`` are needed only by formats that store them.
    """

    keys: np.ndarray  # int64 term key per token
    docs: np.ndarray  # int64 document number per token, non-decreasing
    term_bytes: TermBytes
    positions: np.ndarray | None = None
    starts: np.ndarray | None = None
    ends: np.ndarray | None = None


@dataclass
class PostingItems:
    """Postings already made per document (e.g. by ``FieldType.index``), in document order."""

    keys: np.ndarray  # int64 term key per posting
    docs: np.ndarray  # int64
    freqs: np.ndarray  # int64 (field length contribution)
    weights: np.ndarray  # float64
    values: Ragged | None  # encoded value per posting, None when all are empty
    term_bytes: TermBytes


@dataclass
class FieldPostings:
    """All postings of one field in a segment, sorted by term bytes then document."""

    terms: list[bytes]  # distinct terms, sorted
    term_offsets: np.ndarray  # int64, n_terms + 1, into the posting arrays
    docs: np.ndarray  # int64
    freqs: np.ndarray | None  # int64 (None: not known, as after a merge; not encoded)
    weights: np.ndarray  # float64: the weight whoosh was given (it stores them as float32)
    values: Ragged | None  # None: the format stores no values (Existence)

    @property
    def count(self) -> int:
        return len(self.docs)


def _distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct keys and each key's index among them (``np.unique``'s inverse).

    Keys of a batch are mostly dense ids from one vocabulary: a lookup table
    is then linear, where ``np.unique`` sorts.
    """
    keys = np.asarray(keys, dtype=np.int64)
    if keys.size and keys.min() >= 0 and keys.max() < 4 * keys.size + 1_000_000:
        present = np.zeros(int(keys.max()) + 1, dtype=bool)
        present[keys] = True
        uniq = np.flatnonzero(present)
        index = np.empty(len(present), dtype=np.int64)
        index[uniq] = np.arange(len(uniq), dtype=np.int64)
        return uniq, index[keys]
    uniq, inverse = np.unique(keys, return_inverse=True)
    return uniq, inverse.reshape(-1)


def stable_order(ranks: np.ndarray) -> np.ndarray:
    """``np.argsort(ranks, kind="stable")``, by sorting (rank, index) packed in 64 bits.

    Five times faster than NumPy's stable argsort on millions of tokens.
    """
    n = len(ranks)
    if n >= 1 << 32 or (n and int(ranks.max()) >= 1 << 31):
        return np.argsort(ranks, kind="stable")
    packed = (ranks.astype(np.uint64) << np.uint64(32)) | np.arange(n, dtype=np.uint64)
    packed.sort()
    return (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)


def _term_ranks(keys: np.ndarray, term_bytes: TermBytes) -> tuple[list[bytes], np.ndarray]:
    """Sorted distinct term bytes, and each key's rank among them."""
    uniq, inverse = _distinct(keys)
    texts = term_bytes(uniq)
    order = sorted(range(len(texts)), key=texts.__getitem__)
    rank = np.empty(len(order), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
    return [texts[i] for i in order], rank[inverse]


def _term_offsets(post_rank: np.ndarray, n_terms: int) -> np.ndarray:
    return offsets_from_lengths(np.bincount(post_rank, minlength=n_terms))


def from_occurrences(occ: Occurrences, fmt: formats.Format) -> FieldPostings:
    """Group a field's tokens into postings and encode their values for ``fmt``."""
    terms, occ_rank = _term_ranks(occ.keys, occ.term_bytes)
    perm = stable_order(occ_rank)  # by term; documents and tokens stay in order
    rank = occ_rank[perm]
    docs = np.asarray(occ.docs, dtype=np.int64)[perm]
    n = len(rank)
    new = np.ones(n, dtype=bool)
    new[1:] = (rank[1:] != rank[:-1]) | (docs[1:] != docs[:-1])
    starts = np.flatnonzero(new)
    post_offsets = np.append(starts, n).astype(np.int64)
    freqs = np.diff(post_offsets)
    post_rank = rank[starts]
    weights = freqs * float(fmt.field_boost)
    kind = type(fmt)
    if kind is formats.Existence:
        values = None
    elif kind is formats.Frequency:
        values = from_slots([pickles.uint_be_slot(freqs)])
    elif kind is formats.Positions:
        values = _encode_positions(post_offsets, occ.positions[perm])
    elif kind is formats.Characters:
        values = _encode_characters(post_offsets, occ.positions[perm], occ.starts[perm],
                                    occ.ends[perm])
    else:
        raise NotImplementedError(f"format {kind.__name__} is not supported")
    return FieldPostings(terms, _term_offsets(post_rank, len(terms)), docs[starts], freqs,
                         weights, values)


def from_items(items: PostingItems) -> FieldPostings:
    """Sort postings made per document by term bytes (documents stay in order)."""
    terms, rank = _term_ranks(items.keys, items.term_bytes)
    perm = stable_order(rank)
    values = take(items.values, perm) if items.values is not None else None
    return FieldPostings(terms, _term_offsets(rank[perm], len(terms)),
                         np.asarray(items.docs, dtype=np.int64)[perm],
                         np.asarray(items.freqs, dtype=np.int64)[perm],
                         np.asarray(items.weights, dtype=np.float64)[perm], values)


def _within_posting(post_offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each token: its rank inside its posting, the posting's size, whether first."""
    n = int(post_offsets[-1])
    sizes = np.diff(post_offsets)
    size_of = np.repeat(sizes, sizes)
    rank = np.arange(n, dtype=np.int64) - np.repeat(post_offsets[:-1], sizes)
    return rank, size_of, rank == 0


def _list_frame(rank: np.ndarray, size: np.ndarray, first: np.ndarray):
    """The slots around each item of a protocol-2 pickled list, as CPython writes them.

    Before the first item: the value's ``pack_uint(len)``, ``PROTO 2``,
    ``EMPTY_LIST`` and ``BINPUT 0``.  Lists of one item end in ``APPEND``;
    longer ones have ``MARK`` ... ``APPENDS`` around every 1000 items.  The
    pickle's ``STOP`` follows the last item.
    """
    head_row = pickles.PROTO2 + pickles.EMPTY_LIST + b"q\x00"
    n = len(rank)
    head = np.empty((n, 4 + len(head_row)), dtype=np.uint8)
    head[:, :4] = size.astype(">u4").view(np.uint8).reshape(n, 4)
    head[:, 4:] = np.frombuffer(head_row, dtype=np.uint8)
    head_used = first.astype(np.int64) * head.shape[1]
    many = size > 1
    mark = pickles.const_slot(pickles.MARK, many & (rank % PICKLE_BATCH == 0))
    last = rank == size - 1
    batch_end = many & ((rank % PICKLE_BATCH == PICKLE_BATCH - 1) | last)
    tail = np.empty((n, 2), dtype=np.uint8)
    tail[:, 0] = np.where(many, ord("e"), ord("a"))
    tail[:, 1] = ord(".")
    tail_used = np.where(last, 2, np.where(batch_end, 1, 0)).astype(np.int64)
    return (head, head_used), mark, (tail, tail_used)


def _encode_positions(post_offsets: np.ndarray, positions: np.ndarray) -> Ragged:
    """``Positions.encode``: ``pack_uint(n)`` + protocol-2 pickle of the position deltas."""
    rank, size, first = _within_posting(post_offsets)
    pos = np.asarray(positions, dtype=np.int64)
    prev = np.concatenate([[0], pos[:-1]])
    prev[first] = 0
    head, mark, tail = _list_frame(rank, size, first)
    tokens = from_slots([head, mark, pickles.int_slot(pos - prev), tail])
    return group_items(tokens, post_offsets)


def _encode_characters(post_offsets: np.ndarray, positions: np.ndarray, starts: np.ndarray,
                       ends: np.ndarray) -> Ragged:
    """``Characters.encode``: deltas ``(pos, start - previous end, end - start)`` per token."""
    rank, size, first = _within_posting(post_offsets)
    pos = np.asarray(positions, dtype=np.int64)
    start = np.asarray(starts, dtype=np.int64)
    end = np.asarray(ends, dtype=np.int64)
    prev_pos = np.concatenate([[0], pos[:-1]])
    prev_end = np.concatenate([[0], end[:-1]])
    prev_pos[first] = 0
    prev_end[first] = 0
    head, mark, tail = _list_frame(rank, size, first)
    tokens = from_slots([
        head, mark,
        pickles.int_slot(pos - prev_pos), pickles.int_slot(start - prev_end),
        pickles.int_slot(end - start),
        pickles.const_slot(pickles.TUPLE3, np.ones(len(rank), dtype=bool)),
        pickles.memo_put_slot(rank + 1),  # the list is memo 0, each tuple the next
        tail,
    ])
    return group_items(tokens, post_offsets)
