"""Named arrays in one file: what is written is read back, and a wrong file is refused."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.writing import array_file

MAGIC = b"TESTARRS"


def sample() -> dict[str, np.ndarray]:
    return {"ids": np.arange(5, dtype=np.uint16), "weights": np.linspace(0, 1, 7),
            "text": np.frombuffer("Bürger\nZürich".encode(), dtype=np.uint8),
            "keys": np.array([b"ab", b"abc"], dtype="S3"), "empty": np.zeros(0, np.int64)}


def test_arrays_and_header_are_read_back(tmp_path):
    path = array_file.write(tmp_path / "x.arrays", MAGIC, {"names": ["ä", "ß"]}, sample())
    header, arrays = array_file.read(path, MAGIC)
    assert header == {"names": ["ä", "ß"]}
    assert arrays.keys() == sample().keys()
    for name, array in sample().items():
        assert arrays[name].dtype == array.dtype and np.array_equal(arrays[name], array), name
        assert arrays[name].ctypes.data % array_file.ALIGN == 0
    assert array_file.read_header(path, MAGIC)["names"] == ["ä", "ß"]
    assert not (tmp_path / "x.arrays.partial").exists()


def test_another_kind_of_file_or_a_truncated_one_is_refused(tmp_path):
    path = array_file.write(tmp_path / "x.arrays", MAGIC, {}, sample())
    with pytest.raises(ValueError, match="not a OTHERKIND file"):
        array_file.read(path, b"OTHERKIND")
    assert array_file.read_header(path, b"OTHERKIND") is None
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(ValueError, match="past the end"):
        array_file.read(path, MAGIC)



def test_an_array_written_in_parts_gives_the_same_bytes(tmp_path):
    whole = array_file.pack(MAGIC, {"n": 1}, sample())
    parts = {name: array_file.Chunked(array.dtype, array.size,
                                      [array[i:i + 2] for i in range(0, array.size, 2)])
             for name, array in sample().items()}
    assert array_file.pack(MAGIC, {"n": 1}, parts) == whole
    short = array_file.Chunked(np.dtype(np.int64), 3, [np.arange(2)])
    with pytest.raises(ValueError, match="2 values written, 3 announced"):
        array_file.pack(MAGIC, {}, {"short": short})
