"""Corrections for defects of whoosh-reloaded 2.7.5 that cost this project speed.

Imported by the package itself (:mod:`indexer`), so anything that writes or
reads the index gets them.  Each fix is small, keeps whoosh's behaviour and says why it exists.
"""

from __future__ import annotations

import io
import struct
from contextlib import contextmanager
from typing import Iterator

import numpy as np
from whoosh import index as whoosh_index
from whoosh.codec import whoosh3
from whoosh.filedb import structfile
from whoosh.matching import mcore
from whoosh.util.numeric import byte_to_length


def _cached_reader(self, fieldname, column):
    # whoosh caches a field-length column reader once found, but asks the file
    # system again on every call when a field has no such column: one stat
    # per posting while writing.  Cache the absence too.
    if fieldname not in self._readers:
        self._readers[fieldname] = (self.column_reader(fieldname, column)
                                    if self.has_column(fieldname) else None)
    return self._readers[fieldname]


whoosh3.W3PerDocReader._cached_reader = _cached_reader


# The posting writer keeps short posting lists inside the term table when the
# codec's ``inlinelimit`` allows it, but calls ``set_inline`` on a term info
# whose method is named ``set_inlined`` (the path is dead with the default
# limit, so the typo went unnoticed).
whoosh3.W3TermInfo.set_inline = whoosh3.W3TermInfo.set_inlined


_BYTE_TO_LENGTH = [byte_to_length(b) for b in range(256)]


def length_bytes(perdoc, fieldname: str) -> bytes | None:
    """A segment's stored length byte per document for ``fieldname`` (read once).

    Documents past the end of the returned bytes have length byte 0; None
    when the field has no lengths in this segment.
    """
    cache = perdoc.__dict__.setdefault("_length_bytes", {})
    if fieldname not in cache:
        column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        cache[fieldname] = (None if column is None
                            else column._dbfile.get(column._basepos, column._count))
    return cache[fieldname]


def _doc_field_length(self, docnum, fieldname, default=0):
    # whoosh reads and unpacks one byte through the column reader for every
    # call: once per posting while a segment is written, once per document and
    # term while whoosh scores.  Read each length column once per reader.
    data = length_bytes(self, fieldname)
    if data is None:
        return default
    if docnum > self._doccount:
        raise IndexError("Asked for docnum %r of %d" % (docnum, self._doccount))
    lbyte = data[docnum] if docnum < len(data) else 0
    return _BYTE_TO_LENGTH[lbyte] if lbyte else None  # None for 0, as whoosh does


whoosh3.W3PerDocReader.doc_field_length = _doc_field_length


_list_value = mcore.ListMatcher.value


def _list_matcher_value(self):
    # A posting list kept in the term table is read through a ListMatcher,
    # which returns the text "" for a posting without a value where every
    # other matcher returns bytes; merging segments then fails on it.
    value = _list_value(self)
    return b"" if value == "" else value


mcore.ListMatcher.value = _list_matcher_value


class _ViewReader(io.RawIOBase):
    """A read-only file over a memoryview, without copying it."""

    def __init__(self, buf) -> None:
        super().__init__()
        self._view = memoryview(buf)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._view)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else self._pos + size
        data = self._view[self._pos:end].tobytes()
        self._pos += len(data)
        return data

    def readinto(self, target) -> int:
        data = self.read(len(target))
        target[:len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        limit = len(self._view) if size is None or size < 0 else \
            min(len(self._view), self._pos + size)
        end = start = self._pos
        while end < limit:  # look for the newline a page at a time
            page = self._view[end:min(end + 4096, limit)].tobytes()
            newline = page.find(b"\n")
            if newline >= 0:
                end += newline + 1
                break
            end += len(page)
        self._pos = end
        return self._view[start:end].tobytes()


def _buffer_file_init(self, buf, name=None, onclose=None):
    # whoosh opens every file inside a segment as a BufferFile over the
    # segment's memory map, and BufferFile copies its buffer into a BytesIO:
    # a searcher held the whole index in memory twice (10 GB each at a
    # million articles) and took 18 s to open.  Read the map in place.
    self._buf = buf
    self._name = name
    self.file = _ViewReader(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


structfile.BufferFile.__init__ = _buffer_file_init


def read_postings(reader, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (int64) and weights (float64) of one term in one segment reader.

    Reads whole posting blocks of whoosh's W3 codec instead of one id at a
    time.  Deleted documents are included, as the segment holds them
    (whoosh's ``reader.postings`` leaves them out one posting at a time).
    """
    matcher = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
    id_blocks, weight_blocks = [], []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            start, end = matcher._i, matcher._blocklength
            id_blocks.append(np.asarray(matcher._ids[start:end], dtype=np.int64))
            weight_blocks.append(np.asarray(matcher._weights[start:end], dtype=np.float64))
            matcher._next_block()
    else:  # short lists kept in the term table
        while matcher.is_active():
            id_blocks.append(np.array([matcher.id()], dtype=np.int64))
            weight_blocks.append(np.array([matcher.weight()], dtype=np.float64))
            matcher.next()
    return (np.concatenate(id_blocks) if id_blocks else np.zeros(0, dtype=np.int64),
            np.concatenate(weight_blocks) if weight_blocks else np.zeros(0))


#: The document frequency inside a W3 term info (``struct("!BfIBBfII")``, then
#: inlined postings if any): deleted documents are counted, as in whoosh.
_DOC_FREQUENCY = struct.Struct("!I")
_DOC_FREQUENCY_AT = 5
#: A record's key and value lengths in whoosh's hash files (``filetables._lengths``).
_RECORD_LENGTHS = struct.Struct("!ii")
#: The position array of whoosh's ordered hash files, by its type code (big-endian).
_INDEX_TYPES = {"B": "u1", "H": ">u2", "i": ">i4", "I": ">u4", "q": ">i8"}


def term_doc_frequency(terminfo: bytes) -> int:
    """The document frequency in a W3 term info as the term table stores it."""
    return _DOC_FREQUENCY.unpack_from(terminfo, _DOC_FREQUENCY_AT)[0]


def field_terms(reader, fieldname: str) -> tuple[list[bytes], np.ndarray]:
    """Every term of ``fieldname`` in one segment reader, sorted, and its document frequency.

    The frequencies equal ``reader.doc_frequency`` (deleted documents counted).
    """
    terms, data, info_starts, _ = field_term_infos(reader, fieldname)
    return terms, _big_endian(data, info_starts + _DOC_FREQUENCY_AT, 4)


def field_term_infos(reader, fieldname: str
                     ) -> tuple[list[bytes], np.ndarray, np.ndarray, np.ndarray]:
    """Every term of ``fieldname`` in one segment reader, sorted, with its W3 term info.

    Returns the terms, the field's part of the term table (``uint8``) and
    where each term's info starts in it and how long it is.  Read from the
    segment's term table (whoosh's ``OrderedHashReader``: records of key
    length, value length, key, value, and an array of their positions in key
    order) with NumPy, all of the field's records at once, not one term at a
    time.
    """
    terms = getattr(reader, "_terms", None)  # (an empty index's reader has no term table)
    number = None if terms is None else terms._fieldmap.get(fieldname)
    if number is None:
        nothing = np.zeros(0, dtype=np.int64)
        return [], np.zeros(0, dtype=np.uint8), nothing, nothing
    table = terms._tindex
    index_type = np.dtype(_INDEX_TYPES[table.extras["indextype"]])
    positions = np.frombuffer(table.dbfile.get(table.indexbase,
                                               table.indexlen * index_type.itemsize),
                              dtype=index_type)  # records are written in key order
    start = table.closest_key_pos(number.to_bytes(2, "big"))
    stop = table.closest_key_pos((number + 1).to_bytes(2, "big")) if number < 0xFFFF else None
    start = table.endofdata if start is None else start
    stop = table.endofdata if stop is None else stop
    first, end = np.searchsorted(positions, [start, stop])
    records = positions[first:end].astype(np.int64) - start
    data = np.frombuffer(table.dbfile.get(start, stop - start), dtype=np.uint8)
    key_lengths = _big_endian(data, records, 4)
    info_lengths = _big_endian(data, records + 4, 4)
    starts = records + _RECORD_LENGTHS.size + 2  # the term, after the field number
    lengths = key_lengths - 2
    # Every term's bytes gathered into one string, then cut at the terms' ends.
    total = int(lengths.sum())
    term_of_byte = np.repeat(np.arange(lengths.size), lengths)
    ends = np.cumsum(lengths)
    within_term = np.arange(total) - np.repeat(ends - lengths, lengths)
    text = data[starts[term_of_byte] + within_term].tobytes()
    ends_list = ends.tolist()
    found = [text[a:b] for a, b in zip([0] + ends_list[:-1], ends_list)]
    return found, data, starts + lengths, info_lengths


def _big_endian(data: np.ndarray, at: np.ndarray, size: int) -> np.ndarray:
    """The unsigned big-endian numbers of ``size`` bytes at positions ``at`` of ``data``."""
    found = np.zeros(at.size, dtype=np.int64)
    for i in range(size):
        found = (found << 8) | data[at + i]
    return found


def read_each_segment(reader) -> None:
    """Read the first stored document of each segment of ``reader``, so that whatever
    whoosh raises on a damaged segment is raised now (counting every document with a
    search would read a deletion check per document: seconds at a million)."""
    for leaf, _ in reader.leaf_readers():
        first = next(iter(leaf.all_doc_ids()), None)
        if first is not None:
            leaf.stored_fields(first)


@contextmanager
def index_reader(directory) -> Iterator:
    """A reader of the whoosh index in ``directory``, closed with the index afterwards."""
    ix = whoosh_index.open_dir(str(directory))
    try:
        with ix.reader() as reader:
            yield reader
    finally:
        ix.close()


def deleted_numbers(reader) -> np.ndarray:
    """The deleted document numbers of one segment reader, sorted; worked out once per
    reader (its deletions never change: a generation's are fixed) and kept on it."""
    found = getattr(reader, "deleted_numbers", None)
    if found is None:
        perdoc = getattr(reader, "_perdoc", None)
        if perdoc is not None and hasattr(perdoc, "deleted_docs"):
            found = np.sort(np.fromiter(perdoc.deleted_docs(), dtype=np.int64))
        else:
            found = np.array([d for d in range(reader.doc_count_all()) if reader.is_deleted(d)],
                             dtype=np.int64)
        reader.deleted_numbers = found
    return found
