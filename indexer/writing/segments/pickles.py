"""Pickle opcodes for many values at once, as fixed-width slots (see :mod:`ragged`).

whoosh stores Python objects as pickles in three places that matter for speed:
the value of every posting (positions and character offsets, pickled by
:mod:`whoosh.formats` with protocol 2), the data and info tuple of every
posting block, and the postings of terms kept inside the term table.  Its
reader only calls :func:`pickle.loads` on them, so any well-formed pickle of the
same objects reads back the same.  This module writes opcodes for a whole array
of numbers in a few NumPy operations:

* integers as ``K`` (one byte), ``M`` (two bytes) or ``J`` (four bytes,
  signed), exactly as CPython's pickler chooses them;
* floats as ``G`` with an eight-byte big-endian double;
* memo puts ``q``/``r`` (protocol 2 posting values memoise every tuple);
* byte strings as ``C``/``B`` (protocol 3, one copy; protocol 2 has no bytes
  opcode and pickles each one as a call of ``_codecs.encode``, which is both
  larger and about ten times slower to load).
"""

from __future__ import annotations

import numpy as np

PROTO2 = b"\x80\x02"
PROTO3 = b"\x80\x03"
MARK = b"("
TUPLE = b"t"
TUPLE1 = b"\x85"
TUPLE3 = b"\x87"
EMPTY_LIST = b"]"
APPEND = b"a"
APPENDS = b"e"
NONE = b"N"
STOP = b"."


def int_slot(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``K``/``M``/``J`` opcodes for integers (CPython's choice), as an ``(n, 5)`` slot."""
    v = np.asarray(values, dtype=np.int64)
    if v.size and (v.min() < -(2 ** 31) or v.max() >= 2 ** 31):
        raise OverflowError("integer outside the 32-bit range of BININT")
    n = len(v)
    mat = np.empty((n, 5), dtype=np.uint8)
    mat[:, 1:] = v.astype("<i4").view(np.uint8).reshape(n, 4)
    small = (v >= 0) & (v < 256)
    short = (v >= 256) & (v < 65536)
    mat[:, 0] = np.where(small, ord("K"), np.where(short, ord("M"), ord("J")))
    used = np.where(small, 2, np.where(short, 3, 5)).astype(np.int64)
    return mat, used


def memo_put_slot(indexes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``BINPUT``/``LONG_BINPUT`` of memo ``indexes``, as an ``(n, 5)`` slot."""
    v = np.asarray(indexes, dtype=np.int64)
    n = len(v)
    mat = np.empty((n, 5), dtype=np.uint8)
    mat[:, 1:] = v.astype("<u4").view(np.uint8).reshape(n, 4)
    short = v < 256
    mat[:, 0] = np.where(short, ord("q"), ord("r"))
    used = np.where(short, 2, 5).astype(np.int64)
    return mat, used


def float_slot(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``BINFLOAT`` (``G`` + big-endian double), as an ``(n, 9)`` slot."""
    v = np.asarray(values, dtype=np.float64)
    n = len(v)
    mat = np.empty((n, 9), dtype=np.uint8)
    mat[:, 0] = ord("G")
    mat[:, 1:] = v.astype(">f8").view(np.uint8).reshape(n, 8)
    return mat, np.full(n, 9, dtype=np.int64)


def const_slot(value: bytes, used_flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``value`` in the rows where ``used_flags`` is true."""
    flags = np.asarray(used_flags, dtype=bool)
    row = np.frombuffer(value, dtype=np.uint8)
    mat = np.broadcast_to(row, (len(flags), len(row)))
    return mat, flags.astype(np.int64) * len(row)


def bytes_header_slot(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``SHORT_BINBYTES``/``BINBYTES`` headers for byte strings of ``lengths``."""
    v = np.asarray(lengths, dtype=np.int64)
    n = len(v)
    mat = np.empty((n, 5), dtype=np.uint8)
    short = v < 256
    mat[:, 0] = np.where(short, ord("C"), ord("B"))
    mat[:, 1:] = v.astype("<u4").view(np.uint8).reshape(n, 4)  # C uses only the first
    used = np.where(short, 2, 5).astype(np.int64)
    return mat, used


def uint_be_slot(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Four-byte big-endian unsigned integers (whoosh's ``pack_uint``)."""
    v = np.asarray(values, dtype=np.int64)
    n = len(v)
    return v.astype(">u4").view(np.uint8).reshape(n, 4), np.full(n, 4, dtype=np.int64)
