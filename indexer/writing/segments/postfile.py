"""Posting blocks of whoosh's W3 codec (``.pst``) and the term infos that point at them.

What whoosh writes (``whoosh.codec.whoosh3.W3PostingsWriter``), per term:

* a term with fewer than ``inlinelimit`` postings gets no bytes in the
  posting file: its postings are pickled into its term info
  (``(ids, weights, values)``, absolute ids);
* otherwise the term's record is ``b"W3Bl"`` then blocks of at most
  ``blocklimit`` postings, each: a big-endian ``int`` with the length of the
  rest of the block (negated for the term's last block), the pickled block
  info ``(count, last id, max weight, compression, min length byte, max length
  byte)`` and the zlib-compressed pickle of ``(delta-coded ids, weights,
  values)``, where weights are ``None`` when all are 1.0, one float when all
  are equal, else a tuple; values are ``None`` (format without values), one
  byte string (fixed-size values, joined) or a tuple of byte strings.

The term info (``W3TermInfo.to_bytes``) is ``struct("!BfIBBfII")`` of
(inlined, total weight, doc frequency, min length byte, max length byte, max
weight, first id, last id) followed by the inline pickle or by the record's
``!q`` offset and ``!i`` length.

Here every block of a field is built at once.  Pickles use protocol-3 opcodes
(``C``/``B`` for bytes) and no memo: whoosh's ``pickle.loads`` returns the same
tuples, and loads them about ten times faster than its own protocol-2 pickles.
The only per-block Python is the call of :func:`zlib.compress`.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from indexer.writing.segments import pickles
from indexer.writing.segments.postings import FieldPostings
from indexer.writing.segments.ragged import (
    Ragged,
    blank_except,
    concat_items,
    constant,
    empty,
    from_list,
    from_slots,
    group_items,
    offsets_from_lengths,
    subset,
)

MAGIC = b"W3Bl"

#: W3TermInfo's fixed part, big-endian and unpadded like ``struct("!BfIBBfII")``.
TERMINFO_DTYPE = np.dtype([("inlined", "u1"), ("weight", ">f4"), ("df", ">u4"),
                           ("minlength", "u1"), ("maxlength", "u1"), ("maxweight", ">f4"),
                           ("minid", ">u4"), ("maxid", ">u4")])
POINTER_DTYPE = np.dtype([("offset", ">i8"), ("length", ">i4")])
_NO_LENGTH = 1 << 30


@dataclass(frozen=True)
class CodecOptions:
    """The W3 codec's parameters (the project uses ``W3Codec(inlinelimit=2)``)."""

    blocklimit: int = 128
    compression: int = 3
    inlinelimit: int = 2
    #: Blocks whose pickle is shorter stay uncompressed (block info says 0):
    #: zlib's header and checksum make them longer, and each call costs ~6 µs.
    #: whoosh meant to do this below 20 bytes, but a slip compresses them all.
    min_compress: int = 64
    #: Hash of the term table: 1 (CRC-32) or whoosh's 0 (MD5); see termtable.
    hashtype: int = 1


@dataclass
class FieldTerms:
    """One field's output: its share of the posting file and one term info per term."""

    records: Ragged  # the posting-file record of each term (empty when inlined)
    terminfos: Ragged  # W3TermInfo bytes of each term


def write_field(fp: FieldPostings, fixed_size: int | None, length_bytes: np.ndarray | None,
                base_offset: int, codec: CodecOptions) -> FieldTerms:
    """Posting records and term infos of one field.

    ``fixed_size`` is the format's ``fixed_value_size()`` (0: no values,
    None: values of any size).  ``length_bytes`` holds each document's length
    byte for this field as the length column stores it, None for fields
    without lengths; whoosh takes each block's length statistics from it.
    ``base_offset`` is where this field's records start in the posting file.
    """
    n_terms = len(fp.terms)
    offsets = fp.term_offsets
    starts = offsets[:-1]
    df = np.diff(offsets)
    inline = df < codec.inlinelimit
    lb = (length_bytes[fp.docs].astype(np.int64) if length_bytes is not None
          else np.zeros(fp.count, dtype=np.int64))
    w32 = fp.weights.astype(np.float32)

    info = np.zeros(n_terms, dtype=TERMINFO_DTYPE)
    if n_terms:
        info["inlined"] = inline
        info["weight"] = np.add.reduceat(w32.astype(np.float64), starts)
        info["df"] = df
        info["minlength"] = _min_nonzero(lb, starts)
        info["maxlength"] = np.maximum.reduceat(lb, starts)
        info["maxweight"] = np.maximum.reduceat(fp.weights, starts)
        info["minid"] = fp.docs[starts]
        info["maxid"] = fp.docs[offsets[1:] - 1]
    fixed_part = _records(info)

    posting_inline = np.repeat(inline, df)
    written = _only_terms(fp, ~inline, ~posting_inline)
    records = _spread(_term_records(written, w32[~posting_inline], lb[~posting_inline],
                                    fixed_size, codec), ~inline)
    pointer = np.zeros(n_terms, dtype=POINTER_DTYPE)
    pointer["offset"] = base_offset + records.offsets[:-1]
    pointer["length"] = records.lengths()
    pointers = blank_except(_records(pointer), ~inline)
    inlined = _spread(_inline_pickles(_only_terms(fp, inline, posting_inline),
                                      w32[posting_inline]), inline)
    return FieldTerms(records, concat_items([fixed_part, pointers, inlined]))


def _only_terms(fp: FieldPostings, terms: np.ndarray, postings: np.ndarray) -> FieldPostings:
    """The postings of the selected terms (``postings`` marks theirs)."""
    df = np.diff(fp.term_offsets)[terms]
    return FieldPostings(terms=[], term_offsets=offsets_from_lengths(df),
                         docs=fp.docs[postings],
                         freqs=None if fp.freqs is None else fp.freqs[postings],
                         weights=fp.weights[postings],
                         values=subset(fp.values, postings) if fp.values is not None else None)


def _spread(items: Ragged, where: np.ndarray) -> Ragged:
    """Items of the selected terms placed among all terms, the others empty."""
    lengths = np.zeros(len(where), dtype=np.int64)
    lengths[where] = items.lengths()
    return Ragged(items.data[items.offsets[0]:items.offsets[-1]], offsets_from_lengths(lengths))


def _records(array: np.ndarray) -> Ragged:
    """A structured array's rows as byte strings."""
    size = array.dtype.itemsize
    return Ragged(array.view(np.uint8).reshape(-1),
                  np.arange(len(array) + 1, dtype=np.int64) * size)


def _min_nonzero(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per group, the smallest non-zero value (0 if none): whoosh skips length 0."""
    low = np.minimum.reduceat(np.where(values > 0, values, _NO_LENGTH), starts)
    return np.where(low == _NO_LENGTH, 0, low)


def _posting_flags(group_offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Whether each posting is the first / last of its group."""
    sizes = np.diff(group_offsets)
    nonempty = sizes > 0
    first = np.zeros(n, dtype=bool)
    first[group_offsets[:-1][nonempty]] = True
    last = np.zeros(n, dtype=bool)
    last[group_offsets[1:][nonempty] - 1] = True
    return first, last


def _value_items(values: Ragged, first: np.ndarray, last: np.ndarray) -> Ragged:
    """Per posting: its value as an item of a pickled tuple, ``MARK``/``TUPLE`` around."""
    head = from_slots([pickles.const_slot(pickles.MARK, first),
                       pickles.bytes_header_slot(values.lengths())])
    tail = from_slots([pickles.const_slot(pickles.TUPLE, last)])
    return concat_items([head, values, tail])


def _inline_pickles(fp: FieldPostings, w32: np.ndarray) -> Ragged:
    """``(ids, weights, values)`` of every term, as whoosh's inline postings unpickle."""
    first, last = _posting_flags(fp.term_offsets, fp.count)
    ids = from_slots([pickles.const_slot(pickles.PROTO3 + pickles.MARK, first),
                      pickles.int_slot(fp.docs),
                      pickles.const_slot(pickles.TUPLE + pickles.MARK, last)])
    weights = from_slots([pickles.float_slot(w32.astype(np.float64)),
                          pickles.const_slot(pickles.TUPLE, last)])
    if fp.values is None:  # whoosh keeps no empty values: the tuple is ()
        values = from_slots([pickles.const_slot(b")", first)])
    else:
        values = _value_items(fp.values, first, last)
    sections = [group_items(part, fp.term_offsets) for part in (ids, weights, values)]
    end = constant(pickles.TUPLE3 + pickles.STOP, len(fp.term_offsets) - 1)
    return concat_items(sections + [end])


def _term_records(fp: FieldPostings, w32: np.ndarray, lb: np.ndarray,
                  fixed_size: int | None, codec: CodecOptions) -> Ragged:
    """The posting-file record of every term of ``fp`` (terms with postings only)."""
    df = np.diff(fp.term_offsets)
    n_terms = len(df)
    blocks_of = -(-df // codec.blocklimit)
    n_blocks = int(blocks_of.sum())
    if n_blocks == 0:
        return empty(n_terms)
    block_term = np.repeat(np.arange(n_terms), blocks_of)
    k = np.arange(n_blocks) - np.repeat(offsets_from_lengths(blocks_of)[:-1], blocks_of)
    bstart = fp.term_offsets[block_term] + k * codec.blocklimit
    bsize = np.minimum(bstart + codec.blocklimit, fp.term_offsets[block_term + 1]) - bstart

    docs, pw32, pw64, plb = fp.docs, w32, fp.weights, lb
    block_offsets = offsets_from_lengths(bsize)
    cstart = block_offsets[:-1]
    first, last = _posting_flags(block_offsets, len(docs))

    prev = np.concatenate([[0], docs[:-1]])
    prev[first] = 0
    ids = from_slots([pickles.const_slot(pickles.PROTO3 + pickles.MARK, first),
                      pickles.int_slot(docs - prev),
                      pickles.const_slot(pickles.TUPLE, last)])
    weights = _block_weights(pw32, cstart, block_offsets, first, last)
    if fixed_size == 0 or fp.values is None:
        values = constant(pickles.NONE, n_blocks)
    else:
        pvalues = fp.values
        if fixed_size:  # one byte string: the values joined
            joined = group_items(pvalues, block_offsets)
            values = concat_items([from_slots([pickles.bytes_header_slot(joined.lengths())]),
                                   joined])
        else:
            values = group_items(_value_items(pvalues, first, last), block_offsets)
    data = concat_items([group_items(ids, block_offsets), weights, values,
                         constant(pickles.TUPLE3 + pickles.STOP, n_blocks)])
    packed, compressed = _compress(data, codec.compression, codec.min_compress)

    infos = from_slots([
        pickles.const_slot(pickles.PROTO3 + pickles.MARK, np.ones(n_blocks, dtype=bool)),
        pickles.int_slot(bsize),
        pickles.int_slot(docs[cstart + bsize - 1]),
        pickles.float_slot(np.maximum.reduceat(pw64, cstart)),
        pickles.int_slot(np.where(compressed, codec.compression, 0)),
        pickles.int_slot(_min_nonzero(plb, cstart)),
        pickles.int_slot(np.maximum.reduceat(plb, cstart)),
        pickles.const_slot(pickles.TUPLE + pickles.STOP, np.ones(n_blocks, dtype=bool)),
    ])
    length = infos.lengths() + packed.lengths()
    length = np.where(k == blocks_of[block_term] - 1, -length, length)  # last block: negative
    head = np.empty((n_blocks, 8), dtype=np.uint8)
    head[:, :4] = np.frombuffer(MAGIC, dtype=np.uint8)
    head[:, 4:] = length.astype(">i4").view(np.uint8).reshape(n_blocks, 4)
    with_magic = k == 0  # the term's record starts with the magic
    cols = np.arange(8)
    mask = with_magic[:, None] | (cols >= 4)
    headers = Ragged(head[mask], offsets_from_lengths(np.where(with_magic, 8, 4)))
    blocks = concat_items([headers, infos, packed])
    return group_items(blocks, offsets_from_lengths(blocks_of))


def _block_weights(w32: np.ndarray, cstart: np.ndarray, block_offsets: np.ndarray,
                   first: np.ndarray, last: np.ndarray) -> Ragged:
    """``None`` (all 1.0), one float (all equal) or a tuple of floats, per block."""
    low = np.minimum.reduceat(w32, cstart)
    high = np.maximum.reduceat(w32, cstart)
    varied = low != high
    ones = ~varied & (low == 1.0)
    single = ~varied & ~ones
    mat, _ = pickles.float_slot(low.astype(np.float64))
    per_block = from_slots([pickles.const_slot(pickles.NONE, ones), (mat, 9 * single)])
    in_varied = np.repeat(varied, np.diff(block_offsets))
    pmat, _ = pickles.float_slot(w32.astype(np.float64))
    per_posting = from_slots([pickles.const_slot(pickles.MARK, first & in_varied),
                              (pmat, 9 * in_varied),
                              pickles.const_slot(pickles.TUPLE, last & in_varied)])
    return concat_items([per_block, group_items(per_posting, block_offsets)])


def _compress(data: Ragged, level: int, minimum: int) -> tuple[Ragged, np.ndarray]:
    """zlib the items of at least ``minimum`` bytes (the one per-block Python call).

    Returns the items and whether each was compressed; level 0 compresses none.
    """
    lengths = data.lengths()
    big = (lengths >= minimum) if level else np.zeros(len(lengths), dtype=bool)
    if not big.any():
        return data, big
    raw = memoryview(data.data)
    offs = data.offsets
    compress = zlib.compress
    packed = from_list([compress(raw[a:b], level)
                        for a, b in zip(offs[:-1][big].tolist(), offs[1:][big].tolist())])
    return _replace(data, big, packed), big


def _replace(items: Ragged, where: np.ndarray, new: Ragged) -> Ragged:
    """``items`` with the selected ones replaced by ``new`` (in order)."""
    lengths = items.lengths()
    out_lengths = lengths.copy()
    out_lengths[where] = new.lengths()
    kept = subset(items, ~where)
    label = np.repeat(where, out_lengths)
    out = np.empty(int(out_lengths.sum()), dtype=np.uint8)
    out[~label] = kept.data
    out[label] = new.data[new.offsets[0]:new.offsets[-1]]
    return Ragged(out, offsets_from_lengths(out_lengths))
