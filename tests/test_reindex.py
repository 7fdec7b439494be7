"""Reindexing under fire: killed writers, lock holders, and live swaps in a real server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, write_large_feed, write_sample_corpus

from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing.build import build
from indexer.writing.store import CURRENT, IndexLockedError

pytestmark = pytest.mark.slow

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "indexer.cli", *args], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def large_feed(tmp_path_factory) -> Path:
    return write_large_feed(tmp_path_factory.mktemp("feed") / "bulk.jsonl", 4000)


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.5])
def test_build_killed_with_sigkill_leaves_the_old_index_servable(live_index, large_feed, delay):
    before = live_index.current_name()
    process = cli("build", "--index", str(live_index.path), str(large_feed))
    time.sleep(delay)
    if process.poll() is not None:
        pytest.fail(f"the build finished before it could be killed (delay {delay}s); "
                    "the test corpus is too small for this machine")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    assert live_index.current_name() == before
    snapshot = Archive(live_index.path, refresh_seconds=0).snapshot()
    assert search(snapshot, SearchRequest(q="Soldat")).total == 3
    assert search(snapshot, SearchRequest(q="Meldung")).total == 0

    # The kernel released the dead writer's lock: the next build starts at once and
    # clears the half-written staging directory.
    finished = cli("build", "--index", str(live_index.path), str(large_feed))
    out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err.decode()
    assert not list(live_index.path.glob(".tmp-gen-*"))
    fresh = Archive(live_index.path, refresh_seconds=0).snapshot()
    assert search(fresh, SearchRequest(q="Meldung")).total == 4000


def test_second_writer_is_told_who_holds_the_lock(live_index, large_feed):
    process = cli("build", "--index", str(live_index.path), str(large_feed))
    try:
        deadline = time.monotonic() + 20
        holder = {}
        while time.monotonic() < deadline and not holder.get("pid"):
            text = (live_index.path / ".writer.lock").read_text() or "{}"
            holder = json.loads(text)
            time.sleep(0.05)
        assert holder["pid"] == process.pid
        with pytest.raises(IndexLockedError) as caught:
            with live_index.writer("update"):
                pass
        message = str(caught.value)
        assert f"pid {process.pid}" in message and "started" in message

        refused = cli("update", "--index", str(live_index.path), str(large_feed))
        _, err = refused.communicate(timeout=60)
        assert refused.returncode == 1
        assert f"pid {process.pid}" in err.decode()
    finally:
        process.kill()
        process.wait()


def test_running_server_switches_generations_without_failed_requests(live_index, tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", "--index", str(live_index.path),
         "--port", str(port)],
        env={**ENV, "NEWSINDEX_REFRESH_SECONDS": "0.5"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/search?q=Soldat&size=1"
    results: list[tuple[int, str, int]] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    data = json.load(response)
                    results.append((response.status, data["generation"], data["total"]))
            except urllib.error.HTTPError as exc:
                results.append((exc.code, "", -1))
            except OSError:
                if results:  # the server is up: a refused connection is a failure
                    results.append((0, "", -1))
            time.sleep(0.02)

    try:
        _wait_for(lambda: _get(url) is not None)
        first = live_index.current_name()
        pollers = [threading.Thread(target=poll) for _ in range(4)]
        for thread in pollers:
            thread.start()
        time.sleep(1)
        corpus = write_sample_corpus(tmp_path / "second")
        (corpus / "2021" / "hochwasser.txt").unlink()
        build(live_index, [str(corpus)])
        second = live_index.current_name()
        _wait_for(lambda: any(gen == second for _, gen, _ in results), timeout=10)
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in pollers:
            thread.join()
        server.terminate()
        server.wait(timeout=10)

    assert results and all(status == 200 for status, _, _ in results)
    totals = {gen: {total for _, g, total in results if g == gen} for _, gen, _ in results}
    assert totals == {first: {3}, second: {2}}  # each response saw one whole generation


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read()
    except OSError:
        return None


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_pointer_file_is_replaced_atomically(live_index, tmp_path):
    """CURRENT is only ever replaced by rename, never rewritten in place."""
    inode = (live_index.path / CURRENT).stat().st_ino
    build(live_index, [str(write_large_feed(tmp_path / "small.jsonl", 3))])
    assert (live_index.path / CURRENT).stat().st_ino != inode
