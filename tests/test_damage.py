"""Damaged indexes, for real: truncated, altered and missing files on disk.

The command line answers with one line naming the file and what to do,
``verify`` finds the damage, and a server keeps serving the last good
generation and says so in ``/api/health``.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Server, free_port, get, write_sample_corpus
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

from indexer.cli import main
from indexer.writing.build import build
from indexer.writing.store import CURRENT, IndexStore


def largest_segment(generation: Path) -> Path:
    return max(generation.glob("*.seg"), key=lambda p: p.stat().st_size)


def part_of_segment(segment: Path, suffix: str) -> tuple[int, int]:
    """(offset, length) of one of the files packed into a whoosh segment."""
    storage = CompoundStorage(FileStorage(segment.parent).open_file(segment.name),
                              use_mmap=False)
    [(offset, length)] = [(entry["offset"], entry["length"])
                          for name, entry in storage._dir.items() if name.endswith(suffix)]
    storage.close()
    return offset, length


def invert(path: Path, offset: int, length: int) -> None:
    """Flip every bit of ``length`` bytes at ``offset``, as a failing disk might."""
    os.chmod(path, 0o644)
    with open(path, "r+b") as handle:
        handle.seek(offset)
        data = handle.read(length)
        handle.seek(offset)
        handle.write(bytes(b ^ 0xFF for b in data))


def damage(generation: Path, kind: str) -> Path:
    """Damage ``generation`` in one of three ways; returns the damaged file."""
    segment = largest_segment(generation)
    if kind == "truncated":
        os.truncate(segment, segment.stat().st_size // 2)
    elif kind == "missing":
        segment.unlink()
    elif kind == "altered":  # the stored articles, which search results and verify read
        offset, length = part_of_segment(segment, "_stored.col")
        invert(segment, offset + length // 4, length // 2)
    return segment


@pytest.fixture()
def index(tmp_path) -> IndexStore:
    store = IndexStore(tmp_path / "ix")
    build(store, [str(write_sample_corpus(tmp_path / "corpus"))])
    return store


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


# -- the command line -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["truncated", "missing", "altered"])
@pytest.mark.parametrize("command", [["stats"], ["search", "Soldat"], ["verify"]])
def test_commands_name_the_damaged_file_in_one_line(index, kind, command):
    damaged = damage(index.current().path, kind)
    result = cli(*command, "--index", str(index.path))
    if kind == "altered" and command == ["stats"]:
        assert result.exit_code == 0  # stats reads no stored article: nothing to notice
        return
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Aborted" not in result.output
    assert str(damaged) in result.output
    if command != ["verify"]:
        [line] = result.output.strip().splitlines()
        assert line.startswith("Error: index generation") and "newsindex build" in line


def test_an_index_whose_directory_is_gone_says_how_to_build_one(index):
    shutil.rmtree(index.current().path)
    result = cli("stats", "--index", str(index.path))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: no index at {index.path}: build one with " \
                                    f"`newsindex build --index {index.path} CORPUS...`"


def test_verify_finds_bytes_flipped_inside_a_segment(index):
    generation = index.current().path
    assert cli("verify", "--index", str(index.path)).exit_code == 0
    assert cli("verify", "--deep", "--index", str(index.path)).exit_code == 0

    segment = largest_segment(generation)
    published = segment.stat()
    offset, length = part_of_segment(segment, ".trm")  # the terms: verify reads none of them
    invert(segment, offset + length // 4, min(8192, length // 2))

    result = cli("verify", "--index", str(index.path))
    assert result.exit_code == 1
    assert f"problem: {segment} was modified after it was published" in result.output

    os.utime(segment, ns=(published.st_atime_ns, published.st_mtime_ns))  # hide it
    assert cli("verify", "--index", str(index.path)).exit_code == 0
    deep = cli("verify", "--deep", "--index", str(index.path))
    assert deep.exit_code == 1
    assert f"problem: {segment} has changed since it was published" in deep.output


def test_the_manifest_lists_every_file_with_its_checksum(index):
    generation = index.current()
    files = generation.manifest()["files"]
    assert set(files) == {p.name for p in generation.path.iterdir()} - {"manifest.json"}
    for name, record in files.items():
        assert record["size"] == (generation.path / name).stat().st_size
        assert len(record["sha256"]) == 64


# -- a server -------------------------------------------------------------------------

def publish_damaged_copy(store: IndexStore, tmp_path: Path) -> str:
    """Put a generation with a truncated segment beside the live one and make it live."""
    other = IndexStore(tmp_path / "other")
    corpus = write_sample_corpus(tmp_path / "other-corpus")
    (corpus / "2019" / "klima.txt").unlink()
    build(other, [str(corpus)])
    source = other.current().path
    name = "gen-99991231T000000000-1"  # newer than any real one
    shutil.copytree(source, store.path / name)
    damage(store.path / name, "truncated")
    pointer = store.path / "CURRENT.new"
    pointer.write_text(name + "\n", "utf-8")
    os.replace(pointer, store.path / CURRENT)
    return name


@pytest.mark.slow
def test_a_server_keeps_serving_the_last_good_generation(index, tmp_path):
    good = index.current_name()
    server = Server(index.path)
    try:
        server.wait_until_up()
        status, health = get(server.port, "/api/health")
        assert (status, health["state"], health["generation"]) == (200, "ok", good)
        assert health["documents"] == 8 and health["problem"] is None

        bad = publish_damaged_copy(index, tmp_path)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and health["state"] == "ok":
            time.sleep(0.2)
            status, health = get(server.port, "/api/health")
        assert (status, health["state"]) == (200, "degraded")
        assert health["generation"] == good and health["current"] == bad
        assert bad in health["problem"] and "has" in health["problem"]
        status, found = get(server.port, "/api/search?q=Klimapaket")
        assert status == 200 and found["generation"] == good and found["total"] == 1
    finally:
        log = server.stop()
    assert f"{bad} cannot be read" in log and f"serving generation {good} instead" in log


@pytest.mark.slow
def test_a_server_started_on_a_damaged_generation_serves_the_one_before(index, tmp_path):
    good = index.current_name()
    bad = publish_damaged_copy(index, tmp_path)
    server = Server(index.path)
    try:
        server.wait_until_up()
        status, health = get(server.port, "/api/health")
        assert (status, health["state"], health["generation"]) == (200, "degraded", good)
        status, found = get(server.port, "/api/search?q=Soldat")
        assert status == 200 and found["generation"] == good
    finally:
        log = server.stop()
    assert f"{bad} cannot be read" in log


def test_serve_refuses_to_start_when_no_generation_opens(index):
    damage(index.current().path, "truncated")
    result = cli("serve", "--index", str(index.path), "--port", str(free_port()))
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: index generation") and "truncated" in line


def test_health_over_http(client, index_dir):
    response = client.get("/api/health")
    assert response.status_code == 200
    health = response.get_json()
    assert list(health) == ["state", "generation", "documents", "current", "problem"]
    assert health["state"] == "ok" and health["documents"] == 8
    assert health["generation"] == health["current"] == IndexStore(index_dir).current_name()
    assert "/api/health" in client.get("/api/openapi.json").get_json()["paths"]


def test_health_without_any_index_is_a_503(tmp_path):
    from web import create_app
    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.get_json()["state"] == "unavailable"
