"""Several W3 segments of one index -> one new segment, written by the segment writer's encoders.

:func:`merge_segments` does what whoosh's ``SegmentWriter.add_reader`` does
for each source followed by ``_finalize_segment()``: the documents of the
sources one after another, deleted ones left out and the rest numbered
anew; every field's terms, the union of the sources', in order; each term's
postings gathered from every source, document numbers moved to the new
numbering.  The difference is the work per posting: whoosh decodes and
re-encodes every posting through Python calls, here each source block is
unpickled once (a C call) and everything else is array work:

* posting values (positions, characters, frequencies) are the same bytes in
  any segment, so they are copied, never decoded;
* the new blocks, term infos and term table come from the writer's encoders
  (:mod:`~indexer.writing.segments.postfile`,
  :mod:`~indexer.writing.segments.termtable`), a slice of a field's terms at a
  time, so memory holds at most :data:`CHUNK_POSTINGS` postings, not the
  merged segment's;
* stored fields and byte-string columns are copied as the bytes they are;
  field lengths as length bytes.

The total length of a field (its average in BM25) is the sources' exact
totals, less the lengths of the deleted documents as their length bytes
give them; whoosh's merge adds up every document's length byte instead, a
slightly different total.  The posting arrays of the new segment are
written beside it, as :func:`~indexer.writing.segments.writer.write_segment`
does.
"""

from __future__ import annotations

import io
import pickle
import zlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
from whoosh import columns
from whoosh import fields as wfields
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.filedb.filestore import Storage
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length

from indexer.whoosh_compat import field_term_infos, length_bytes
from indexer.writing import posting_arrays
from indexer.writing.posting_arrays import TermPostings
from indexer.writing.segments import perdoc
from indexer.writing.segments.compound import write_compound
from indexer.writing.segments.postfile import TERMINFO_DTYPE, CodecOptions, write_field
from indexer.writing.segments.postings import FieldPostings, stable_order
from indexer.writing.segments.ragged import (
    Ragged,
    from_list,
    offsets_from_lengths,
    subset,
    take_runs,
)
from indexer.writing.segments.sink import writes
from indexer.writing.segments.termtable import write_term_table
from indexer.writing.segments.writer import DEFAULT_CODEC, arrays_of_terms

#: Postings of a field decoded and encoded together, at most (a term holds more alone).
CHUNK_POSTINGS = 500_000

_INFO_SIZE = TERMINFO_DTYPE.itemsize
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)


@dataclass
class _Source:
    """One segment to merge: its reader and where its documents go (-1: deleted)."""

    reader: SegmentReader
    docmap: np.ndarray  # int64, new document number of each of its documents

    @property
    def kept(self) -> np.ndarray:
        return self.docmap >= 0


@dataclass
class _SourceTerms:
    """One source's terms of one field and where their postings are."""

    source: _Source
    rank: np.ndarray  # int64, each term's place among the merged terms
    data: np.ndarray  # the field's part of the term table
    info_starts: np.ndarray
    info_lengths: np.ndarray
    doc_frequency: np.ndarray


def merge_segments(storage: Storage, indexname: str, schema: wfields.Schema,
                   segments: Sequence[W3Segment], codec: CodecOptions = DEFAULT_CODEC
                   ) -> W3Segment:
    """Write the documents of ``segments`` (in ``storage``) as one new compound segment."""
    if not writes(schema):
        raise NotImplementedError("term vectors and spelling words are not merged")
    readers = [SegmentReader(storage, schema, segment) for segment in segments]
    try:
        return _merge(storage, indexname, schema, _sources(readers), codec)
    finally:
        for reader in readers:
            reader.close()


def _sources(readers: list[SegmentReader]) -> list[_Source]:
    sources, start = [], 0
    for reader in readers:
        kept = np.ones(reader.doc_count_all(), dtype=bool)
        kept[list(reader.segment().deleted_docs())] = False
        docmap = np.full(len(kept), -1, dtype=np.int64)
        docmap[kept] = start + np.arange(int(kept.sum()), dtype=np.int64)
        start += int(kept.sum())
        sources.append(_Source(reader, docmap))
    return sources


def _merge(storage: Storage, indexname: str, schema: wfields.Schema, sources: list[_Source],
           codec: CodecOptions) -> W3Segment:
    segment = W3Segment(W3Codec(blocklimit=codec.blocklimit, compression=codec.compression,
                                inlinelimit=codec.inlinelimit), indexname)
    doccount = sum(int(s.kept.sum()) for s in sources)
    segment.set_doc_count(doccount)
    lengths = {name: lb for name in schema.scorable_names()
               if (lb := _length_bytes(sources, name)) is not None}
    segment._fieldlengths = defaultdict(int, {name: _field_length(sources, name)
                                              for name in lengths})
    sid = segment.segment_id()
    inverted = _InvertedIndex(schema, sources, lengths, codec, doccount)

    def members():
        yield f"{sid}.pst", inverted.posting_file()
        yield f"{sid}.trm", inverted.term_table()  # once the posting file is written
        yield f"{sid}._stored.col", _varbytes_column(sources, columns.VarBytesColumn(),
                                                     "_stored")
        for name in sorted(lengths):
            yield f"{sid}._{name}_len.col", perdoc.length_column(lengths[name])
        for name, column in _columns(schema, sources):
            yield f"{sid}.{name}.col", _column(sources, name, column, doccount)

    write_compound(storage, segment.make_filename(W3Segment.COMPOUND_EXT), members())
    segment.compound = True
    with storage.create_file(posting_arrays.file_name(sid)) as out:
        posting_arrays.write(out, sid, doccount, inverted.frequent)
    return segment


# -- per document -------------------------------------------------------------------------

def _length_bytes(sources: list[_Source], name: str) -> np.ndarray | None:
    """The merged length byte of every document for ``name``, None when all are 0."""
    parts = []
    for source in sources:
        found = length_bytes(source.reader._perdoc, name) or b""
        padded = np.zeros(len(source.docmap), dtype=np.uint8)
        padded[:len(found)] = np.frombuffer(found, dtype=np.uint8)
        parts.append(padded[source.kept])
    merged = np.concatenate(parts)
    return merged if merged.any() else None


def _field_length(sources: list[_Source], name: str) -> int:
    """The sources' total length of ``name``, less what their deleted documents held."""
    total = 0
    for source in sources:
        found = np.frombuffer(length_bytes(source.reader._perdoc, name) or b"", dtype=np.uint8)
        deleted = found[~source.kept[:len(found)]]
        total += source.reader.field_length(name) - int(_BYTE_TO_LENGTH[deleted].sum())
    return max(total, 0)


def _columns(schema: wfields.Schema, sources: list[_Source]) -> list[tuple[str, columns.Column]]:
    """The value columns any source has, in name order."""
    return [(name, schema[name].column_type) for name in sorted(schema.names())
            if schema[name].column_type is not None
            and any(s.reader.has_column(name) for s in sources)]


def _column(sources: list[_Source], name: str, column: columns.Column, doccount: int):
    if type(column) is columns.VarBytesColumn:
        return _varbytes_column(sources, column, name)
    values: list = []
    for source in sources:
        if source.reader.has_column(name):
            reader = source.reader.column_reader(name, column, translate=False)
            found = list(reader)
        else:
            found = [None] * len(source.docmap)
        values.extend(v for v, kept in zip(found, source.kept.tolist()) if kept)
    return perdoc.column_file(values, doccount, column)


def _varbytes_column(sources: list[_Source], column: columns.VarBytesColumn,
                     name: str) -> Iterator[bytes]:
    """A variable-bytes column (stored fields too) copied as bytes, one source at a time."""
    lengths = []
    for source in sources:
        documents = len(source.docmap)
        perdoc_reader = source.reader._perdoc
        filename = perdoc_reader._segment.make_filename(f".{name}.col")
        if perdoc_reader._storage.file_exists(filename):
            size = perdoc_reader._storage.file_length(filename)
            with perdoc_reader._storage.open_file(filename) as file:
                data, offsets = perdoc.read_varbytes(file.get(0, size), documents)
        else:
            data, offsets = np.zeros(0, dtype=np.uint8), np.zeros(documents + 1, dtype=np.int64)
        kept = subset(Ragged(data, offsets), source.kept)
        lengths.append(kept.lengths())
        yield kept.data
    yield perdoc.varbytes_tail(np.concatenate(lengths), column)


# -- the inverted index -------------------------------------------------------------------

class _InvertedIndex:
    """The merged posting file and term table, field by field, a slice of terms at a time."""

    def __init__(self, schema: wfields.Schema, sources: list[_Source],
                 lengths: dict[str, np.ndarray], codec: CodecOptions, doccount: int) -> None:
        self.schema, self.sources, self.lengths, self.codec = schema, sources, lengths, codec
        self.keys: list[bytes] = []
        self.terminfos: list[Ragged] = []
        self.fieldmap: dict[str, int] = {}
        #: The postings that get posting arrays, as compact as the arrays file holds them
        #: (weights were float32 in the sources).
        self.frequent: list[TermPostings] = []
        self.id_type = np.uint16 if doccount <= 1 << 16 else np.uint32

    def posting_file(self) -> Iterator[np.ndarray]:
        offset = 0
        names = set()
        for source in self.sources:
            names.update(source.reader._terms._fieldmap)
        for name in sorted(names & set(self.schema.names())):
            prefix = None
            for fp, out in self._field(name, offset):
                if prefix is None:
                    self.fieldmap[name] = number = len(self.fieldmap)
                    prefix = number.to_bytes(2, "big")
                self.keys.extend([prefix + term for term in fp.terms])
                self.terminfos.append(out.terminfos)
                self.frequent.extend((field, term, ids.astype(self.id_type),
                                      weights.astype(np.float32))
                                     for field, term, ids, weights in arrays_of_terms(name, fp))
                records = out.records.data[out.records.offsets[0]:out.records.offsets[-1]]
                offset += len(records)
                yield records

    def term_table(self) -> bytes:
        if self.terminfos:
            values = Ragged(np.concatenate([t.data[t.offsets[0]:t.offsets[-1]]
                                            for t in self.terminfos]),
                            offsets_from_lengths(np.concatenate([t.lengths()
                                                                 for t in self.terminfos])))
        else:
            values = Ragged(np.zeros(0, dtype=np.uint8), np.zeros(1, dtype=np.int64))
        return write_term_table(self.keys, values, self.fieldmap, self.codec.hashtype)

    def _field(self, name: str, offset: int):
        """``(postings, encoded)`` of each slice of the field's merged terms."""
        fieldobj = self.schema[name]
        fixed = fieldobj.format.fixed_value_size()
        found = [(source, *field_term_infos(source.reader, name)) for source in self.sources]
        terms = sorted(set().union(*(f[1] for f in found)))
        place = {term: i for i, term in enumerate(terms)}
        per_source = []
        for source, source_terms, data, starts, info_lengths in found:
            rank = np.fromiter(map(place.__getitem__, source_terms), dtype=np.int64,
                               count=len(source_terms))
            df = data[(starts + 5)[:, None] + np.arange(4)].copy().view(">u4").ravel()
            per_source.append(_SourceTerms(source, rank, data, starts, info_lengths, df))
        df = np.zeros(len(terms), dtype=np.int64)
        for st in per_source:
            np.add.at(df, st.rank, st.doc_frequency)
        for first, last in _slices(df, CHUNK_POSTINGS):
            fp = self._slice(per_source, terms, first, last, fixed)
            if fp.terms:
                out = write_field(fp, fixed, self.lengths.get(name), offset, self.codec)
                offset += int(out.records.offsets[-1] - out.records.offsets[0])
                yield fp, out

    def _slice(self, per_source: list[_SourceTerms], terms: list[bytes], first: int, last: int,
               fixed: int | None) -> FieldPostings:
        """The merged postings of terms ``first`` to ``last``, deleted documents left out."""
        ranks, docs, weights, values = [], [], [], []
        for st in per_source:
            lo, hi = np.searchsorted(st.rank, [first, last])
            if lo == hi:
                continue
            decoded = _decode_terms(st, int(lo), int(hi), fixed)
            new_docs = st.source.docmap[decoded.docs]
            keep = new_docs >= 0
            ranks.append(np.repeat(st.rank[lo:hi], decoded.counts)[keep])
            docs.append(new_docs[keep])
            weights.append(decoded.weights[keep])
            if decoded.values is not None:
                values.append(subset(decoded.values, keep))
        if not ranks:
            return FieldPostings([], np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64),
                                 None, np.zeros(0), None)
        rank = np.concatenate(ranks)
        order = stable_order(rank - first)  # by term; sources (and so documents) stay in order
        rank = rank[order]
        present, counts = np.unique(rank, return_counts=True)
        merged_values = take_runs(_concat(values), order) if values else None
        return FieldPostings([terms[r] for r in present.tolist()], offsets_from_lengths(counts),
                             np.concatenate(docs)[order], None,
                             np.concatenate(weights)[order].astype(np.float64), merged_values)


def _slices(df: np.ndarray, budget: int) -> Iterator[tuple[int, int]]:
    """Consecutive term ranges of about ``budget`` postings each (a term is never split)."""
    ends = np.cumsum(df)
    first = 0
    while first < len(df):
        base = ends[first - 1] if first else 0
        last = max(int(np.searchsorted(ends, base + budget, side="right")), first + 1)
        yield first, last
        first = last


def _concat(parts: list[Ragged]) -> Ragged:
    if len(parts) == 1:
        return parts[0]
    data = np.concatenate([p.data[p.offsets[0]:p.offsets[-1]] for p in parts])
    return Ragged(data, offsets_from_lengths(np.concatenate([p.lengths() for p in parts])))


@dataclass
class _Decoded:
    """The postings of consecutive terms of one source, as stored (deleted documents too)."""

    counts: np.ndarray  # postings per term
    docs: np.ndarray  # int64, the source's document numbers
    weights: np.ndarray  # float32
    values: Ragged | None


def _decode_terms(st: _SourceTerms, lo: int, hi: int, fixed: int | None) -> _Decoded:
    """Read the postings of terms ``lo`` to ``hi`` of one source.

    A term's postings are either pickled into its term info (``inlinelimit``)
    or blocks in the posting file: per block a length, a pickled block info
    and the (compressed) pickle of delta-coded ids, weights and values.
    Document numbers are gathered with, per run, the value to add (deltas of
    a block add up; inlined ids are absolute, each its own run).
    """
    terms_reader = st.source.reader._terms
    postfile = terms_reader._postfile
    data = st.data
    ids: list[int] = []
    runs: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    counts = np.zeros(hi - lo, dtype=np.int64)
    for i in range(lo, hi):
        start = int(st.info_starts[i])
        end = start + int(st.info_lengths[i])
        if data[start]:  # inlined
            term_ids, term_weights, term_values = pickle.loads(
                data[start + _INFO_SIZE:end].tobytes())
            ids.extend(term_ids)
            runs.extend([1] * len(term_ids))
            weights.extend(term_weights)
            if fixed != 0:
                values.extend(term_values)
            counts[i - lo] = len(term_ids)
            continue
        pointer = data[start + _INFO_SIZE:end].tobytes()
        offset, length = int.from_bytes(pointer[:8], "big"), int.from_bytes(pointer[8:12], "big")
        counts[i - lo] = _read_blocks(postfile.get(offset, length), ids, runs, weights, values,
                                      fixed)
    docs = _add_up_runs(np.array(ids, dtype=np.int64), np.array(runs, dtype=np.int64))
    return _Decoded(counts, docs, np.array(weights, dtype=np.float32),
                    _values(values, fixed, len(docs)))


def _read_blocks(record: bytes, ids: list, runs: list, weights: list, values: list,
                 fixed: int | None) -> int:
    """Append the postings of one term's record in the posting file; return how many."""
    stream = io.BytesIO(record)
    unpickler = pickle.Unpickler(stream)
    position, total = 4, 0  # after the magic
    while position < len(record):
        size = abs(int.from_bytes(record[position:position + 4], "big", signed=True))
        stream.seek(position + 4)
        count, _, _, compression, _, _ = unpickler.load()
        block = record[stream.tell():position + 4 + size]
        block_ids, block_weights, block_values = pickle.loads(
            zlib.decompress(block) if compression else block)
        ids.extend(block_ids)
        runs.append(count)
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
        if fixed:
            values.append(block_values)  # the values joined
        elif fixed is None:
            values.extend(block_values)
        total += count
        position += 4 + size
    return total


def _add_up_runs(deltas: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """Running sums of ``deltas`` that start again with each run."""
    sums = np.cumsum(deltas)
    before = np.concatenate([[0], sums[np.cumsum(runs)[:-1] - 1]]) if len(runs) else runs
    return sums - np.repeat(before, runs)


def _values(values: list[bytes], fixed: int | None, count: int) -> Ragged | None:
    if fixed == 0:
        return None
    if fixed:  # fixed-size values, joined per block
        return Ragged(np.frombuffer(b"".join(values), dtype=np.uint8),
                      np.arange(count + 1, dtype=np.int64) * fixed)
    return from_list(values)

