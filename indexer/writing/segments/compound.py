"""The compound segment file (``<segment>.seg``) that whoosh opens as one storage.

Format (``whoosh.filedb.compound.CompoundStorage``): a big-endian ``long`` with
the position of the directory and an ``int`` with its length, the member files
back to back, then the directory ``{name: {"offset", "length", "modified"}}``
and an options dict, each pickled with the highest protocol.  whoosh writes
every member to its own file first and copies them in; here they are written
once, straight into the compound file.
"""

from __future__ import annotations

import pickle
import struct
import time
from typing import Iterable

from whoosh.filedb.filestore import Storage

_HEADER = struct.Struct("!qi")


def write_compound(storage: Storage, name: str, members: Iterable[tuple[str, bytes]]) -> int:
    """Write the member files into ``storage`` as ``name``; returns its size."""
    directory: dict[str, dict] = {}
    now = time.time()
    out = storage.create_file(name)
    out.write(_HEADER.pack(0, 0))
    position = _HEADER.size
    for member, data in members:
        size = len(memoryview(data).cast("B"))
        directory[member] = {"offset": position, "length": size, "modified": now}
        out.write(data)
        position += size
    tail = pickle.dumps(directory, -1) + pickle.dumps({}, -1)
    out.write(tail)
    out.flush()
    out.seek(0)
    out.write(_HEADER.pack(position, len(tail)))
    out.close()
    return position + len(tail)
