"""The whoosh fixes apply wherever the index is read, and behave like whoosh."""

from __future__ import annotations

import pickle
import subprocess
import sys

from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.filedb.structfile import BufferFile

from indexer.whoosh_compat import field_terms


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


def test_the_terms_of_a_field_are_read_as_whoosh_lists_them(tmp_path):
    """Any bytes in a term, the newline included (numbers are stored as raw bytes)."""
    schema = fields.Schema(tag=fields.ID(), number=fields.NUMERIC(int, bits=64))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with ix.writer() as writer:
        for n in (10, 266, 2570, 1 << 40 | 10):  # 10 is b"\n"
            writer.add_document(tag=f"a\nb{n}", number=n)
        writer.add_document(tag="ä")
    with ix.reader() as reader:
        for name in ("tag", "number"):
            terms, frequencies = field_terms(reader, name)
            expected = list(reader.lexicon(name))
            assert terms == expected and any(b"\n" in t for t in terms), name
            assert frequencies.tolist() == [reader.doc_frequency(name, t) for t in expected]
