"""The term table of a W3 segment (``.trm``): whoosh's ordered on-disk hash.

Format (``whoosh.filedb.filetables.OrderedHashWriter``), big-endian:

* header: ``b"HSH3"``, the hash type byte (0: MD5, 1: CRC-32), two ``int`` 0;
* every entry in key order: ``!ii`` (key length, value length), key, value.
  A key is the field number (``!H``) followed by the term's UTF-8 bytes; the
  value is the term info;
* 256 hash tables, one per low byte of the key's hash, each ``2 * n`` slots
  of ``!Iq`` (hash, entry position), ``(0, 0)`` when empty, filled by linear
  probing from slot ``(hash >> 8) % slots`` in key order;
* the directory: 256 ``!qi`` (table position, slot count);
* the extras, pickled with the highest protocol: ``{"fieldmap": {field: number},
  "indextype": typecode, "indexlen": entries}``, then the array of entry
  positions (typecode ``H``, ``i``, ``I`` or ``q`` as whoosh's growable array
  ends up) and an ``int``: the length of the extras and the array.

Everything but the MD5 of each key is array work; the hash tables are placed
in rounds (the earliest key wins a contested slot, the others move one slot
on), which ends in exactly the slots whoosh's one-by-one insertion gives.
"""

from __future__ import annotations

import pickle
import zlib
from hashlib import md5

import numpy as np

from indexer.writing.segments.ragged import Ragged, concat_items, from_list, offsets_from_lengths

MD5, CRC32 = 0, 1  # whoosh's hash types (its third, the CDB hash, fails on bytes)
SLOT_DTYPE = np.dtype([("hash", ">u4"), ("pos", ">i8")])
DIR_DTYPE = np.dtype([("pos", ">i8"), ("slots", ">i4")])
LENGTHS_DTYPE = np.dtype([("key", ">i4"), ("value", ">i4")])


def hashes(keys: list[bytes], hashtype: int) -> np.ndarray:
    """whoosh's ``md5_hash`` or ``crc_hash`` of every key, as uint64."""
    if hashtype == CRC32:
        return np.fromiter(map(zlib.crc32, keys), dtype=np.uint64, count=len(keys))
    digests = b"".join([md5(k, usedforsecurity=False).digest() for k in keys])
    return np.frombuffer(digests, dtype=">u4").reshape(-1, 4)[:, 3].astype(np.uint64)


def place(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slot of every entry: ``(bucket, slot counts per bucket, global slot per entry)``.

    Linear probing in insertion order, done in rounds: all waiting entries
    claim their current slot, the earliest entry (lowest index) among the
    claimants and the slot's holder keeps it, the rest move one slot on (a
    later holder is pushed on too).  A slot is only ever passed because an
    earlier entry holds it, so the result is the one-by-one insertion's.
    """
    n = len(hashes)
    bucket = (hashes & 255).astype(np.int64)
    slots = 2 * np.bincount(bucket, minlength=256).astype(np.int64)
    base = offsets_from_lengths(slots)
    total = int(base[-1])
    bslots = slots[bucket]
    cur = ((hashes >> np.uint64(8)) % np.maximum(bslots, 1).astype(np.uint64)).astype(np.int64)
    holder = np.full(total, n, dtype=np.int64)  # n: empty
    waiting = np.arange(n, dtype=np.int64)
    while waiting.size:
        g = base[bucket[waiting]] + cur[waiting]
        order = np.lexsort((waiting, g))  # by slot, then earliest entry
        gs, ws = g[order], waiting[order]
        first = np.ones(len(gs), dtype=bool)
        first[1:] = gs[1:] != gs[:-1]
        slot, claimant = gs[first], ws[first]  # the earliest claimant of each slot
        won = claimant < holder[slot]
        evicted = holder[slot[won]]
        holder[slot[won]] = claimant[won]
        moving = np.concatenate([waiting[holder[g] != waiting], evicted[evicted < n]])
        cur[moving] = (cur[moving] + 1) % bslots[moving]
        waiting = moving
    position = np.empty(n, dtype=np.int64)
    filled = np.flatnonzero(holder < n)
    position[holder[filled]] = filled
    return bucket, slots, position


def index_typecode(last_position: int) -> str:
    """The typecode whoosh's ``GrowableArray("H")`` ends with for these positions."""
    if last_position < 2 ** 16:
        return "H"
    if last_position < 2 ** 31:
        return "i"
    if last_position < 2 ** 32:
        return "I"
    return "q"


def write_term_table(keys: list[bytes], values: Ragged, fieldmap: dict[str, int],
                     hashtype: int = CRC32) -> bytes:
    """The whole ``.trm`` file for ``keys`` (sorted, unique) and their values.

    whoosh writes MD5 hashes (type 0) and reads the type from the header;
    CRC-32 (type 1) is six times cheaper to compute here and for every term
    lookup at query time.
    """
    header = b"HSH3" + bytes((hashtype,)) + b"\x00" * 8
    n = len(keys)
    key_items = from_list(keys)
    lengths = np.zeros(n, dtype=LENGTHS_DTYPE)
    lengths["key"] = key_items.lengths()
    lengths["value"] = values.lengths()
    length_items = Ragged(lengths.view(np.uint8).reshape(-1), np.arange(n + 1, dtype=np.int64) * 8)
    entries = concat_items([length_items, key_items, values])
    positions = len(header) + entries.offsets[:-1]
    end_of_data = len(header) + int(entries.offsets[-1])

    key_hashes = hashes(keys, hashtype)
    bucket, slots, slot_of = place(key_hashes)
    table = np.zeros(int(slots.sum()), dtype=SLOT_DTYPE)
    table["hash"][slot_of] = key_hashes
    table["pos"][slot_of] = positions
    directory = np.zeros(256, dtype=DIR_DTYPE)
    directory["pos"] = end_of_data + offsets_from_lengths(slots)[:-1] * SLOT_DTYPE.itemsize
    directory["slots"] = slots

    typecode = index_typecode(int(positions[-1]) if n else 0)
    extras = pickle.dumps({"fieldmap": fieldmap, "indextype": typecode, "indexlen": n}, -1)
    index = positions.astype(">" + {"H": "u2", "i": "i4", "I": "u4", "q": "i8"}[typecode])
    tail = extras + index.tobytes()
    return b"".join([header, entries.data.tobytes(), table.tobytes(), directory.tobytes(), tail,
                     np.array([len(tail)], dtype=">i4").tobytes()])
