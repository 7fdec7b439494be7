"""Named NumPy arrays in one file: a magic, a JSON header, and each array's bytes.

The files a generation derives from its segments (posting arrays, written
forms, document columns) are written this way::

    magic         a few bytes naming the kind of file
    uint32 LE     length of the JSON header
    JSON          the writer's own entries, and "arrays": {name: [dtype, offset, count]}
    arrays        each at an offset aligned to 8 bytes

Reading one is a memory map, one ``json.loads`` and a view per array.  (NumPy's
``.npz`` parses every member's header with Python's ``ast``, which on CPython
3.11 raises ``SystemError`` when two threads parse at the same time: a server
opening a generation while another one warms up.)
"""

from __future__ import annotations

import io
import json
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

ALIGN = 8
_HEADER_LENGTH = struct.Struct("<I")


@dataclass(frozen=True)
class Chunked:
    """An array written a part at a time: its type, its length and its parts in order
    (converted to ``dtype`` one by one, so the whole is never in memory at once)."""

    dtype: np.dtype
    size: int
    parts: Iterable[np.ndarray]


def write_to(out: BinaryIO, magic: bytes, header: dict,
             arrays: dict[str, np.ndarray | Chunked]) -> None:
    """Write a file holding ``header`` (JSON-serialisable) and ``arrays`` to ``out``."""
    specs = {name: (np.dtype(a.dtype), a.size) for name, a in arrays.items()}
    # Offsets depend on the header's length, which depends on the offsets: fix
    # the header's size first, with room for every offset's digits.
    placeholder = {name: [dtype.str, 10 ** 15, size] for name, (dtype, size) in specs.items()}
    start = _aligned(len(magic) + _HEADER_LENGTH.size
                     + len(json.dumps({**header, "arrays": placeholder})))
    layout, offset = {}, start
    for name, (dtype, size) in specs.items():
        layout[name] = [dtype.str, offset, size]
        offset = _aligned(offset + dtype.itemsize * size)
    text = json.dumps({**header, "arrays": layout}).encode("utf-8")
    out.write(magic + _HEADER_LENGTH.pack(len(text)) + text)
    written = len(magic) + _HEADER_LENGTH.size + len(text)
    for name, array in arrays.items():
        dtype, size = specs[name]
        out.write(bytes(layout[name][1] - written))  # zeros up to the aligned offset
        written = layout[name][1]
        count = 0
        for part in [array] if isinstance(array, np.ndarray) else array.parts:
            data = np.ascontiguousarray(part, dtype=dtype)
            out.write(memoryview(data).cast("B"))
            count += data.size
        if count != size:
            raise ValueError(f"{name}: {count} values written, {size} announced")
        written += dtype.itemsize * size
    out.write(bytes(offset - written))


def pack(magic: bytes, header: dict, arrays: dict[str, np.ndarray | Chunked]) -> bytes:
    """The bytes of the file :func:`write_to` writes."""
    out = io.BytesIO()
    write_to(out, magic, header, arrays)
    return out.getvalue()


def write(path: Path, magic: bytes, header: dict,
          arrays: dict[str, np.ndarray | Chunked]) -> Path:
    """Write the file under a temporary name and rename it: a staged generation shares
    its files with the live one through hard links, so none is written in place."""
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as out:
        write_to(out, magic, header, arrays)
    os.replace(partial, path)
    return path


def read(path: Path, magic: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """The header and the arrays (read-only views of a memory map) of the file at ``path``.

    Raises ValueError for a file of another kind or whose arrays run past its end.
    """
    data = np.memmap(path, dtype=np.uint8, mode="r")
    if bytes(data[:len(magic)]) != magic:
        raise ValueError(f"not a {magic.decode('ascii', 'replace').strip()} file")
    at = len(magic) + _HEADER_LENGTH.size
    (length,) = _HEADER_LENGTH.unpack(bytes(data[len(magic):at]))
    header = json.loads(bytes(data[at:at + length]))
    arrays = {name: _view(data, *spec) for name, spec in header.pop("arrays").items()}
    return header, arrays


def read_header(path: Path, magic: bytes) -> dict | None:
    """The header of the file at ``path`` without its arrays; None if it is not one."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(len(magic) + _HEADER_LENGTH.size)
            if len(start) < len(magic) + _HEADER_LENGTH.size or not start.startswith(magic):
                return None
            (length,) = _HEADER_LENGTH.unpack(start[len(magic):])
            return json.loads(handle.read(length))
    except (OSError, ValueError, struct.error):
        return None


def _view(data: np.memmap, dtype: str, offset: int, count: int) -> np.ndarray:
    dtype = np.dtype(dtype)
    end = offset + dtype.itemsize * count
    if offset < 0 or end > data.size:
        raise ValueError("an array runs past the end of the file")
    return np.asarray(data[offset:end]).view(dtype)  # a plain array over the mapped bytes


def _aligned(offset: int) -> int:
    return -(-offset // ALIGN) * ALIGN
