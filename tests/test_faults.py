"""Faults injected into builds and updates for real: killed processes, a full or
read-only file system, a damaged new index.  Each test checks a promise of the
README's "Indexing" section."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, Server, get, write_large_feed, write_sample_corpus

from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing.build import build
from indexer.writing.store import IndexStore

pytestmark = pytest.mark.slow

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer.cli", *args], env=ENV,
                          capture_output=True, text=True, timeout=timeout)


def start_python(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen, timeout: float = 120) -> tuple[str, str]:
    """The output of ``process`` once it ends; killed if it outlives ``timeout``."""
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise


def file_digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir()) if p.is_file()}


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_until(condition, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


@pytest.fixture(scope="module")
def large_feed(tmp_path_factory) -> Path:
    return write_large_feed(tmp_path_factory.mktemp("feed") / "bulk.jsonl", 2500)


# -- a killed parallel build --------------------------------------------------------

PARALLEL_BUILD = """
import sys
from indexer.writing.build import build
from indexer.writing.store import IndexStore
build(IndexStore(sys.argv[1]), [sys.argv[2]], processes=2, segment_docs=100)
"""


def test_killed_parallel_build_leaves_no_worker_and_no_lock(live_index, large_feed, tmp_path):
    builder = start_python(PARALLEL_BUILD, str(live_index.path), str(large_feed))
    assert wait_until(lambda: len(children(builder.pid)) >= 2, timeout=30), "no workers"
    workers = children(builder.pid)
    assert wait_until(lambda: list(live_index.path.glob(".tmp-gen-*/*.seg")), timeout=60)
    assert builder.poll() is None, "the build ended before it could be killed"
    builder.send_signal(signal.SIGKILL)
    builder.wait(timeout=10)

    assert wait_until(lambda: not any(running(pid) for pid in workers), timeout=5), \
        "writer processes outlived their parent"
    started = time.monotonic()
    result = run_cli("update", "--index", str(live_index.path), str(tmp_path / "corpus"))
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    assert "being written by another process" not in result.stderr
    assert not list(live_index.path.glob(".tmp-gen-*"))


FAILING_WORKERS = """
import sys
from indexer.writing import schema
from indexer.writing.build import build
from indexer.writing.store import IndexStore

def broken(text):
    raise RuntimeError("entity extraction failed")

schema.extract_entities = broken  # in the workers, forked from here
build(IndexStore(sys.argv[1]), [sys.argv[2]], processes=2)
"""


def test_workers_failing_while_jobs_queue_up_stop_the_build(live_index, large_feed):
    """More batches than the job queue holds: the parent must notice, not wait forever."""
    live = live_index.current_name()
    failing = start_python(FAILING_WORKERS, str(live_index.path), str(large_feed))
    _, err = finish(failing)
    assert failing.returncode == 1
    assert "entity extraction failed" in err
    assert live_index.current_name() == live
    assert not list(live_index.path.glob(".tmp-gen-*"))


# -- a full file system -------------------------------------------------------------


@pytest.fixture()
def small_filesystem(tmp_path):
    """A 1 MB tmpfs: a file system that really fills up."""
    mountpoint = tmp_path / "small"
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mountpoint)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip()}); "
                    "this test needs root and a kernel that allows mounts")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=True)


def fill(filesystem: Path) -> None:
    """Write a file until the file system is full."""
    try:
        with open(filesystem / "filler", "wb") as handle:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
    except OSError:  # the disk is full (closing the file can say so too)
        pass


def staged_bytes(index: Path) -> int:
    """Bytes written so far into staged generations (whoosh renames and removes its
    temporary files as it goes: a file listed may be gone when it is measured)."""
    total = 0
    for path in index.glob(".tmp-gen-*/*"):
        try:
            total += path.stat().st_size
        except FileNotFoundError:
            continue
    return total


def test_build_on_a_full_disk_fails_cleanly_and_the_next_run_works(small_filesystem, tmp_path):
    corpus = write_sample_corpus(tmp_path / "corpus")
    feed = write_large_feed(tmp_path / "feed.jsonl", 800)  # about 1.4 MB of index
    store = IndexStore(small_filesystem / "ix")
    build(store, [str(corpus)])
    live = store.current_name()

    failed = run_cli("build", "--index", str(store.path), str(feed))
    assert failed.returncode == 1
    assert "no space left on the index's file system (" in failed.stderr
    assert "MB free, about" in failed.stderr and "MB needed" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert store.current_name() == live
    assert not list(store.path.glob(".tmp-gen-*"))  # the failed run removed what it wrote
    snapshot = Archive(store.path, refresh_seconds=0).snapshot()
    assert search(snapshot, SearchRequest(q="Soldat")).total == 3

    # A build killed while the disk fills leaves its files behind, and the disk stays full.
    killed = start_python(PARALLEL_BUILD, str(store.path), str(feed))
    assert wait_until(lambda: staged_bytes(store.path) > 300_000, timeout=60, step=0.01)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    assert list(store.path.glob(".tmp-gen-*"))
    fill(small_filesystem)

    # The next run clears those leftovers before it writes anything.
    updated = run_cli("update", "--index", str(store.path), str(corpus))
    assert updated.returncode == 0, updated.stderr
    assert not list(store.path.glob(".tmp-gen-*"))
    assert store.current_name() == live  # nothing changed, nothing published


# -- a killed update ----------------------------------------------------------------

UPDATE_KILLED_BEFORE_SWAP = """
import os, signal, sys
from indexer.writing import store
from indexer.writing.build import update

def killed(self, staging, *rest):  # the new manifest is written; the swap would come next
    os.kill(os.getpid(), signal.SIGKILL)

store.IndexStore._publish = killed
update(store.IndexStore(sys.argv[1]), [sys.argv[2]])
"""


def test_update_killed_before_the_swap_leaves_the_live_generation_as_published(live_index,
                                                                              tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "feeds" / "neu.jsonl").write_text(
        '{"id": "neu", "body": "Ein neuer Artikel über den Hafen."}\n', "utf-8")
    live = live_index.current()
    before = file_digests(live.path)

    killed = start_python(UPDATE_KILLED_BEFORE_SWAP, str(live_index.path), str(corpus))
    finish(killed)
    assert killed.returncode == -signal.SIGKILL
    staged = list(live_index.path.glob(".tmp-gen-*"))
    assert staged and (staged[0] / "manifest.json").exists()  # it died after writing it

    assert live_index.current_name() == live.name
    assert file_digests(live.path) == before
    verified = run_cli("verify", "--deep", "--index", str(live_index.path))
    assert verified.returncode == 0, verified.stdout
    assert run_cli("update", "--index", str(live_index.path), str(corpus)).returncode == 0
    assert file_digests(live.path) == before  # the next update does not touch it either


def test_published_files_are_read_only(live_index):
    for path in live_index.current().path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o444, path.name


# -- a new index that does not open -------------------------------------------------

BUILD_WITH_DAMAGED_SEGMENT = """
import sys
from pathlib import Path
from indexer.writing import build as build_module

write_vocabulary = build_module.write_vocabulary

def damaging(directory, counts):  # the segments are written: cut the largest in half
    segment = max(Path(directory).glob("*.seg"), key=lambda p: p.stat().st_size)
    with open(segment, "r+b") as handle:
        handle.truncate(segment.stat().st_size // 2)
    return write_vocabulary(directory, counts)

build_module.write_vocabulary = damaging
from indexer.cli import main
main(["build", "--index", sys.argv[1], sys.argv[2]])
"""


def test_a_new_index_that_does_not_open_is_not_published(live_index, tmp_path):
    live = live_index.current_name()
    damaged = start_python(BUILD_WITH_DAMAGED_SEGMENT, str(live_index.path),
                           str(tmp_path / "corpus"))
    _, err = finish(damaged)
    assert damaged.returncode == 1
    message = err.strip().splitlines()[-1]
    assert message.startswith("Error: the index just written to") and "Traceback" not in err
    assert "does not open (EOFError" in message and "it was not published" in message
    assert live_index.current_name() == live
    assert not list(live_index.path.glob(".tmp-gen-*"))
    assert run_cli("verify", "--index", str(live_index.path)).returncode == 0


# -- a read-only index directory ----------------------------------------------------


@pytest.fixture()
def read_only_index(small_filesystem, tmp_path) -> Path:
    """An index on a file system remounted read-only."""
    build(IndexStore(small_filesystem / "ix"), [str(write_sample_corpus(tmp_path / "corpus"))])
    subprocess.run(["mount", "-o", "remount,ro", str(small_filesystem)], check=True)
    return small_filesystem / "ix"


@pytest.mark.parametrize("command", ["build", "update"])
def test_writing_a_read_only_index_says_so(read_only_index, tmp_path, command):
    result = run_cli(command, "--index", str(read_only_index), str(tmp_path / "corpus"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert f"cannot write to the index directory {read_only_index}" in lines[0]
    assert "Read-only file system" in lines[0]


def test_a_read_only_index_can_be_searched_and_served(read_only_index):
    assert run_cli("search", "--index", str(read_only_index), "Soldat").returncode == 0
    assert run_cli("stats", "--index", str(read_only_index)).returncode == 0
    assert run_cli("verify", "--deep", "--index", str(read_only_index)).returncode == 0
    server = Server(read_only_index)
    try:
        server.wait_until_up()
        assert get(server.port, "/api/health")[1]["state"] == "ok"
        status, found = get(server.port, "/api/search?q=Soldat")
        assert status == 200 and found["total"] == 3
    finally:
        server.stop()
