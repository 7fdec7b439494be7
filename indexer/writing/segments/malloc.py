"""Keep glibc from handing freed heap memory back to the kernel after every zlib call.

``zlib.compress`` allocates about 270 KB of deflate state and frees it again.
With glibc's default trim threshold (128 KB) the heap top is returned to the
kernel on that free and faulted back in, zeroed, on the next call: about
100 µs per call instead of 6 µs where measured.  The segment writer calls
zlib once per larger posting block and once per document's stored fields,
so this adds up to seconds per thousand articles.  Raising ``M_TRIM_THRESHOLD``
(as ``MALLOC_TRIM_THRESHOLD_=268435456`` in the environment would) keeps the
memory; it is a no-op where glibc is not the C library.  Once a segment is
written, :func:`give_back_freed_memory` returns what it freed, so a writer
process holds the memory of a segment only while it writes one.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
_done = False


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def keep_freed_memory(trim_threshold: int = 256 * 1024 * 1024,
                      top_pad: int = 16 * 1024 * 1024) -> bool:
    """Set glibc's trim threshold and top pad once per process; True if it applied."""
    global _done
    if _done:
        return True
    try:
        libc = _libc()
        ok = bool(libc.mallopt(M_TRIM_THRESHOLD, trim_threshold)) and \
            bool(libc.mallopt(M_TOP_PAD, top_pad))
    except (OSError, AttributeError):
        return False
    _done = ok
    return ok


def give_back_freed_memory() -> bool:
    """Return the freed pages of every heap to the kernel (``malloc_trim``); True if it did."""
    try:
        return bool(_libc().malloc_trim(0))
    except (OSError, AttributeError):
        return False
