"""The whoosh fixes apply wherever the index is read, and behave like whoosh."""

from __future__ import annotations

import pickle
import subprocess
import sys

from whoosh.filedb.structfile import BufferFile


def test_reading_the_index_applies_the_fixes_without_importing_the_schema():
    code = ("import sys, indexer.searching.search; from whoosh.filedb import structfile; "
            "from indexer import whoosh_compat; "
            "assert structfile.BufferFile.__init__ is whoosh_compat._buffer_file_init; "
            "print('indexer.writing.schema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_files_inside_a_segment_are_read_in_place():
    data = bytearray(b"first line\nsecond line\n" + pickle.dumps({"key": [1, 2, 3]}))
    view = memoryview(data)
    f = BufferFile(view)
    assert f.readline() == b"first line\n"
    assert f.read(6) == b"second" and f.tell() == 17
    f.seek(23)
    assert f.read_pickle() == {"key": [1, 2, 3]}
    assert f.get(0, 5) == b"first"
    long_line = BufferFile(memoryview(b"x" * 5000 + b"\nrest"))
    assert long_line.readline() == b"x" * 5000 + b"\n" and long_line.read() == b"rest"
    assert BufferFile(memoryview(b"abc\n")).file.readline(2) == b"ab"
    f.seek(0)
    data[0:5] = b"FIRST"  # no copy: the file sees the buffer it was given
    assert f.read(5) == b"FIRST"
