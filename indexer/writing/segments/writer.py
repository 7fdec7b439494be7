"""One batch of analysed documents -> one complete whoosh W3 segment.

:func:`write_segment` does what ``whoosh.writing.SegmentWriter`` does for
``add_document`` calls followed by ``_finalize_segment()`` (inverted index,
field lengths, stored fields, columns, compound file), with the same result
for whoosh's reader, but:

* text fields arrive analysed (``Occurrences`` from
  :mod:`~indexer.writing.segments.forms`), so no analyzer runs per token here;
* all postings of a field are sorted and encoded at once with NumPy
  (:mod:`~indexer.writing.segments.postings`,
  :mod:`~indexer.writing.segments.postfile`), instead of whoosh's posting
  pool, sort and one Python call per posting;
* every file is written once, straight into the compound file;
* the postings of the segment's frequent terms and of every word form are also
  written as arrays beside it (:mod:`indexer.writing.posting_arrays`), from the arrays here.

Other indexed fields (ids, keywords, numbers, dates, and text fields whose
analyzer the form table does not know) give the terms their whoosh field
type gives (:mod:`~indexer.writing.segments.small_fields`).  The caller
publishes the returned segment in a table of contents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Any, Mapping, Sequence

import numpy as np
from whoosh import fields as wfields
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.filedb.filestore import Storage

from indexer.writing import posting_arrays
from indexer.writing.posting_arrays import TermPostings
from indexer.writing.segments import perdoc
from indexer.writing.segments.compound import write_compound
from indexer.writing.segments.malloc import keep_freed_memory
from indexer.writing.segments.postfile import CodecOptions, write_field
from indexer.writing.segments.postings import (
    FieldPostings,
    Occurrences,
    PostingItems,
    TermList,
    from_items,
    from_occurrences,
)
from indexer.writing.segments.ragged import Ragged, from_list, offsets_from_lengths
from indexer.writing.segments.small_fields import Indexer
from indexer.writing.segments.termtable import write_term_table

DEFAULT_CODEC = CodecOptions()


@dataclass
class SegmentBatch:
    """The documents of one segment.

    ``documents`` holds, per document, the keyword arguments whoosh's
    ``add_document`` would get (text fields with their text, for storing).
    ``analysed`` holds the tokens of the text fields that arrive analysed;
    those fields are not analysed again.
    """

    documents: Sequence[Mapping[str, Any]]
    analysed: Mapping[str, Occurrences] = field(default_factory=dict)


class _FieldPlan:
    """What to do with one field's value in each document (decided once)."""

    __slots__ = ("name", "field", "indexer", "stored", "column", "postings")

    def __init__(self, name: str, fieldobj: wfields.FieldType, analysed: bool,
                 indexers: dict[str, Indexer]) -> None:
        if fieldobj.vector or fieldobj.separate_spelling():
            raise NotImplementedError(f"field {name!r}: vectors and spelling are not supported")
        self.name = name
        self.field = fieldobj
        self.indexer = None
        if fieldobj.indexed and not analysed:
            self.indexer = indexers.get(name) or indexers.setdefault(name, Indexer(fieldobj))
        self.stored = bool(fieldobj.stored)
        self.column = fieldobj.column_type
        self.postings: list[tuple[int, list]] = []  # (docnum, items of field.index())


def write_segment(storage: Storage, indexname: str, schema: wfields.Schema,
                  batch: SegmentBatch, codec: CodecOptions = DEFAULT_CODEC,
                  indexers: dict[str, Indexer] | None = None) -> W3Segment:
    """Write ``batch`` as a new compound segment in ``storage``; return its segment.

    ``indexers`` may be kept by the caller from one segment to the next, so
    their memos of repeated field values carry over.
    """
    keep_freed_memory()
    segment = W3Segment(W3Codec(blocklimit=codec.blocklimit, compression=codec.compression,
                                inlinelimit=codec.inlinelimit), indexname)
    doccount = len(batch.documents)
    segment.set_doc_count(doccount)
    analysed = dict(batch.analysed)
    for name in analysed:
        if name not in schema:
            raise wfields.UnknownFieldError(f"No field named {name!r} in {schema}")

    plans, stored, column_values = _per_document(batch.documents, schema, analysed,
                                                 {} if indexers is None else indexers)

    lengths: dict[str, np.ndarray] = {}
    for name, occ in analysed.items():
        if schema[name].scorable:
            lengths[name] = np.bincount(occ.docs, minlength=doccount)[:doccount]
    small: dict[str, FieldPostings] = {}
    for name, plan in plans.items():
        if plan.indexer is not None and plan.postings:
            fp = _small_field_postings(plan)
            small[name] = fp
            if plan.field.scorable:
                lengths[name] = np.bincount(fp.docs, weights=fp.freqs,
                                            minlength=doccount).astype(np.int64)
    length_bytes = {name: perdoc.length_to_byte(ln) for name, ln in lengths.items()
                    if ln.any()}
    segment._fieldlengths = defaultdict(int)
    for name in length_bytes:
        segment._fieldlengths[name] = int(lengths[name].sum())

    # The inverted index, field by field in name order (whoosh numbers them so).
    keys: list[bytes] = []
    terminfos: list[Ragged] = []
    records: list[np.ndarray] = []
    fieldmap: dict[str, int] = {}
    frequent: list[TermPostings] = []
    offset = 0
    for name in sorted(set(analysed) | set(small)):
        fieldobj = schema[name]
        if name in analysed:
            fp = from_occurrences(analysed[name], fieldobj.format)
        else:
            fp = small[name]
        if not fp.terms:
            continue
        frequent.extend(arrays_of_terms(name, fp))
        fieldmap[name] = number = len(fieldmap)
        fixed = fieldobj.format.fixed_value_size()
        out = write_field(fp, fixed, length_bytes.get(name), offset, codec)
        prefix = number.to_bytes(2, "big")
        keys.extend([prefix + t for t in fp.terms])
        terminfos.append(out.terminfos)
        records.append(out.records.data[out.records.offsets[0]:out.records.offsets[-1]])
        offset += int(out.records.offsets[-1] - out.records.offsets[0])
    values = Ragged(np.concatenate([t.data[t.offsets[0]:t.offsets[-1]] for t in terminfos])
                    if terminfos else np.zeros(0, dtype=np.uint8),
                    offsets_from_lengths(np.concatenate([t.lengths() for t in terminfos])
                                         if terminfos else np.zeros(0, dtype=np.int64)))
    trm = write_term_table(keys, values, fieldmap, codec.hashtype)

    sid = segment.segment_id()
    members: list[tuple[str, Any]] = [
        (f"{sid}.trm", trm),
        (f"{sid}.pst", b"".join(r.tobytes() for r in records)),
        (f"{sid}._stored.col", perdoc.stored_column(stored, doccount))]
    for name in sorted(length_bytes):
        members.append((f"{sid}._{name}_len.col", perdoc.length_column(length_bytes[name])))
    for name, vals in column_values.items():
        members.append((f"{sid}.{name}.col",
                        perdoc.column_file(vals, doccount, schema[name].column_type)))
    write_compound(storage, segment.make_filename(W3Segment.COMPOUND_EXT), members)
    segment.compound = True
    with storage.create_file(posting_arrays.file_name(sid)) as out:
        posting_arrays.write(out, sid, doccount, frequent)
    return segment


def arrays_of_terms(name: str, fp: FieldPostings) -> list[TermPostings]:
    """The postings of each term of ``fp`` that gets posting arrays, copied out compactly."""
    counts = np.diff(fp.term_offsets)
    chosen = (counts >= posting_arrays.MIN_DOC_FREQUENCY) \
        | (name in posting_arrays.EVERY_TERM_FIELDS)
    if not chosen.any():
        return []
    keep = np.repeat(chosen, counts)
    ids, weights = fp.docs[keep].astype(np.uint32), fp.weights[keep]
    ends = np.cumsum(counts[chosen])
    starts = ends - counts[chosen]
    return [(name, fp.terms[term], ids[start:end], weights[start:end])
            for term, start, end in zip(np.flatnonzero(chosen).tolist(), starts.tolist(),
                                        ends.tolist())]


def _per_document(documents: Sequence[Mapping[str, Any]], schema: wfields.Schema,
                  analysed: dict, indexers: dict[str, Indexer]):
    """One pass over the documents, as whoosh's ``add_document`` visits their fields.

    Fields in name order (so stored values are pickled in whoosh's order);
    ``_stored_<name>`` overrides the stored and column value, as in whoosh.
    """
    doccount = len(documents)
    plans: dict[str, _FieldPlan] = {}
    stored: list[dict | None] = []
    column_values: dict[str, list] = {}
    for docnum, fields_ in enumerate(documents):
        sf: dict = {}
        for name in sorted(fields_):
            value = fields_[name]
            if value is None or name[0] == "_":
                continue
            plan = plans.get(name)
            if plan is None:
                if name not in schema:
                    raise wfields.UnknownFieldError(f"No field named {name!r} in {schema}")
                plan = plans[name] = _FieldPlan(name, schema[name], name in analysed, indexers)
            if plan.indexer is not None:
                plan.postings.append((docnum, plan.indexer(value)))
            custom = fields_.get("_stored_" + name, value)
            if plan.stored:
                sf[name] = custom
            if plan.column is not None and custom is not None:
                values = column_values.get(name)
                if values is None:
                    values = column_values[name] = [None] * doccount
                values[docnum] = plan.field.to_column_value(custom)
        stored.append(sf or None)
    return plans, stored, column_values


def _small_field_postings(plan: _FieldPlan) -> FieldPostings:
    """The gathered ``field.index()`` items of one field as sorted postings."""
    counts = np.fromiter(map(len, (items for _, items in plan.postings)), dtype=np.int64,
                         count=len(plan.postings))
    docs = np.repeat(np.fromiter((d for d, _ in plan.postings), dtype=np.int64,
                                 count=len(plan.postings)), counts)
    flat = list(chain.from_iterable(items for _, items in plan.postings))
    n = len(flat)
    ids: dict[bytes, int] = {}
    setdefault = ids.setdefault
    keys = np.fromiter((setdefault(t, len(ids)) for t in map(itemgetter(0), flat)),
                       dtype=np.int64, count=n)
    freqs = np.fromiter(map(itemgetter(1), flat), dtype=np.int64, count=n)
    weights = np.fromiter(map(itemgetter(2), flat), dtype=np.float64, count=n)
    fixed = plan.field.format.fixed_value_size()
    values = None if fixed == 0 else from_list(list(map(itemgetter(3), flat)))
    return from_items(PostingItems(keys=keys, docs=docs, freqs=freqs, weights=weights,
                                   values=values, term_bytes=TermList(list(ids))))
