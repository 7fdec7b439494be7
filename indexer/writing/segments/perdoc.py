"""Per-document data of a W3 segment: field lengths, stored fields, value columns.

Each is one column file (``<segment>.<name>.col``) in whoosh's column formats
(:mod:`whoosh.columns`):

* field lengths, ``_<field>_len``: ``NumericColumn("B")``, one length byte per
  document (``length_to_byte``, a logarithmic scale), written up to the last
  document whose length is not 0; only fields with some length get one;
* stored fields, ``_stored``: ``PickleColumn(CompressedBytesColumn())``: per
  document the protocol-2 pickle of its stored values (a dict in field-name
  order), zlib level 3, as a variable-bytes column;
* ``VarBytesColumn``: the values back to back, then their lengths as an array
  of the smallest typecode that holds them (big-endian), the offsets too when
  a segment has more than 32,768 documents, and the typecode letters;
* ``NumericColumn``: fixed-size big-endian numbers up to the last document
  whose value is not the default.

The byte layout equals whoosh's; the work is one NumPy pass per column (and
the pickle and zlib call per document for stored fields, both in C).
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from typing import Any, Sequence

import numpy as np
from whoosh import columns
from whoosh.filedb.structfile import StructFile
from whoosh.util.numeric import _length_byte_cache

_LENGTH_TABLE = np.asarray(_length_byte_cache, dtype=np.int64)
_MAX_LENGTH = 106374  # whoosh's length_to_byte gives 255 from here on


def length_to_byte(lengths: np.ndarray) -> np.ndarray:
    """whoosh's ``length_to_byte`` for every length (rounds up to the next table value)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    out = np.searchsorted(_LENGTH_TABLE, lengths, side="left")
    return np.where(lengths >= _MAX_LENGTH, 255, out).astype(np.uint8)


def length_column(length_bytes: np.ndarray) -> bytes:
    """The ``_<field>_len`` column: length bytes up to the last non-zero one."""
    nonzero = np.flatnonzero(length_bytes)
    if not nonzero.size:
        return b""
    return length_bytes[: nonzero[-1] + 1].astype(np.uint8).tobytes()


def _growable_typecode(maximum: int) -> str:
    """The typecode whoosh's ``GrowableArray("B", allow_longs=False)`` ends with."""
    if maximum < 256:
        return "B"
    if maximum < 2 ** 16:
        return "H"
    if maximum < 2 ** 31:
        return "i"
    if maximum < 2 ** 32:
        return "I"
    raise OverflowError(f"{maximum} is too big for a column array")


_BE = {"B": "u1", "H": ">u2", "i": ">i4", "I": ">u4"}


def varbytes_column(values: Sequence[bytes | None], doccount: int,
                    column: columns.VarBytesColumn) -> bytes:
    """A ``VarBytesColumn`` (or ``CompressedBytesColumn`` after compressing) file.

    ``values`` has one entry per document; None and ``b""`` are both stored
    as length 0, as whoosh fills documents without a value.
    """
    assert len(values) == doccount
    lengths = np.fromiter((len(v) if v else 0 for v in values), dtype=np.int64, count=doccount)
    return b"".join([v for v in values if v]) + varbytes_tail(lengths, column)


def varbytes_tail(lengths: np.ndarray, column: columns.VarBytesColumn) -> bytes:
    """What follows the values of a ``VarBytesColumn``: their lengths, offsets and typecodes."""
    doccount = len(lengths)
    lcode = _growable_typecode(int(lengths.max()) if doccount else 0)
    parts = [lengths.astype(_BE[lcode]).tobytes()]
    write_offsets = column.allow_offsets and doccount > column.write_offsets_cutoff
    if write_offsets:
        offsets = np.zeros(doccount, dtype=np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
        ocode = _growable_typecode(int(offsets.max()) if doccount else 0)
        parts.append(offsets.astype(_BE[ocode]).tobytes())
    parts.append(lcode.encode("ascii"))
    if write_offsets:
        parts.append(ocode.encode("ascii") + b"X")
    return b"".join(parts)


def read_varbytes(raw: bytes, doccount: int) -> tuple[np.ndarray, np.ndarray]:
    """The values of a ``VarBytesColumn`` file back to back (``uint8``), and their offsets."""
    if raw[-1:] == b"X":  # the offsets follow the lengths
        lcode, ocode = chr(raw[-3]), chr(raw[-2])
        tail = 3 + doccount * np.dtype(_BE[ocode]).itemsize
    else:
        lcode, tail = chr(raw[-1]), 1
    lengths_size = doccount * np.dtype(_BE[lcode]).itemsize
    end = len(raw) - tail - lengths_size
    lengths = np.frombuffer(raw, dtype=_BE[lcode], count=doccount, offset=end)
    offsets = np.zeros(doccount + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return np.frombuffer(raw, dtype=np.uint8, count=end), offsets


def stored_column(stored: Sequence[dict | None], doccount: int) -> bytes:
    """The ``_stored`` column: pickled (protocol 2), zlib level 3, variable bytes."""
    compress, dumps = zlib.compress, pickle.dumps
    values = [compress(dumps(sf, 2), 3) if sf else None for sf in stored]
    return varbytes_column(values, doccount, columns.VarBytesColumn())


def numeric_column(values: Sequence[Any], doccount: int, column: columns.NumericColumn) -> bytes:
    """A ``NumericColumn``: values up to the last one that is not the default."""
    default = column._default
    present = [i for i, v in enumerate(values) if v is not None and v != default]
    if not present:
        return b""
    end = present[-1] + 1
    pack = struct.Struct("!" + column._typecode).pack
    default_bytes = pack(default)
    return b"".join([default_bytes if v is None or v == default else pack(v)
                     for v in values[:end]])


def generic_column(values: Sequence[Any], doccount: int, column: columns.Column) -> bytes:
    """Any other column type, written by whoosh's own column writer."""
    buffer = io.BytesIO()
    writer = column.writer(StructFile(buffer))
    for docnum, value in enumerate(values):
        if value is not None:
            writer.add(docnum, value)
    writer.finish(doccount)
    return buffer.getvalue()


def column_file(values: Sequence[Any], doccount: int, column: columns.Column) -> bytes:
    """The column file of ``values`` (None where a document has no value)."""
    kind = type(column)
    if kind is columns.VarBytesColumn:
        return varbytes_column(values, doccount, column)
    if kind is columns.NumericColumn:
        return numeric_column(values, doccount, column)
    return generic_column(values, doccount, column)
