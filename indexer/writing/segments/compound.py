"""The compound segment file (``<segment>.seg``) that whoosh opens as one storage.

Format (``whoosh.filedb.compound.CompoundStorage``): a big-endian ``long`` with
the position of the directory and an ``int`` with its length, the member files
back to back, then the directory ``{name: {"offset", "length", "modified"}}``
and an options dict, each pickled with the highest protocol.  whoosh writes
every member to its own file first and copies them in; here they are written
once, straight into the compound file; a member too large to hold in memory
may come as an iterable of byte chunks, written as they come.
"""

from __future__ import annotations

import pickle
import struct
import time
from typing import Iterable, Union

from whoosh.filedb.filestore import Storage

_HEADER = struct.Struct("!qi")
_BYTES = (bytes, bytearray, memoryview)

#: A member's content: bytes (or an array of bytes), or byte chunks in order.
Content = Union[bytes, Iterable[bytes]]


def write_compound(storage: Storage, name: str, members: Iterable[tuple[str, Content]]) -> int:
    """Write the member files into ``storage`` as ``name``; returns its size.

    Each member is written whole before the next is asked for, so ``members``
    may be a generator whose later members depend on the earlier ones.
    """
    directory: dict[str, dict] = {}
    now = time.time()
    out = storage.create_file(name)
    out.write(_HEADER.pack(0, 0))
    position = _HEADER.size
    for member, content in members:
        size = 0
        for chunk in _chunks(content):
            size += len(memoryview(chunk).cast("B"))
            out.write(chunk)
        directory[member] = {"offset": position, "length": size, "modified": now}
        position += size
    tail = pickle.dumps(directory, -1) + pickle.dumps({}, -1)
    out.write(tail)
    out.flush()
    out.seek(0)
    out.write(_HEADER.pack(position, len(tail)))
    out.close()
    return position + len(tail)


def _chunks(content: Content) -> Iterable[bytes]:
    if isinstance(content, _BYTES) or hasattr(content, "__array_interface__"):
        return (content,)
    return content
