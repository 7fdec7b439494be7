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

import json
import os
import struct
from pathlib import Path

import numpy as np

ALIGN = 8
_HEADER_LENGTH = struct.Struct("<I")


def pack(magic: bytes, header: dict, arrays: dict[str, np.ndarray]) -> bytes:
    """The bytes of a file holding ``header`` (JSON-serialisable) and ``arrays``."""
    # Offsets depend on the header's length, which depends on the offsets: fix
    # the header's size first, with room for every offset's digits.
    placeholder = {name: [a.dtype.str, 10 ** 15, a.size] for name, a in arrays.items()}
    start = _aligned(len(magic) + _HEADER_LENGTH.size
                     + len(json.dumps({**header, "arrays": placeholder})))
    layout, offset = {}, start
    for name, array in arrays.items():
        layout[name] = [array.dtype.str, offset, array.size]
        offset = _aligned(offset + array.nbytes)
    text = json.dumps({**header, "arrays": layout}).encode("utf-8")
    out = bytearray(offset)
    out[:len(magic)] = magic
    out[len(magic):len(magic) + _HEADER_LENGTH.size] = _HEADER_LENGTH.pack(len(text))
    at = len(magic) + _HEADER_LENGTH.size
    out[at:at + len(text)] = text
    for name, array in arrays.items():
        position = layout[name][1]
        out[position:position + array.nbytes] = np.ascontiguousarray(array).tobytes()
    return bytes(out)


def write(path: Path, magic: bytes, header: dict, arrays: dict[str, np.ndarray]) -> Path:
    """Write the file under a temporary name and rename it: a staged generation shares
    its files with the live one through hard links, so none is written in place."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(pack(magic, header, arrays))
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
