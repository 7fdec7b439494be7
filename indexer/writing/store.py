"""The index directory: generations, the atomic swap, and the writer lock.

An index directory holds whole, immutable whoosh indexes ("generations") and
a pointer file naming the live one::

    index/
      CURRENT                 "gen-20241101T155300-4711\\n", replaced atomically
      gen-20241101T155300-4711/   a complete whoosh index + manifest.json
      .tmp-gen-…/             a build in progress (removed if its writer died)
      .writer.lock            held (flock) by the one process that writes

Builds and updates write a new generation beside the live one and publish it
by replacing ``CURRENT`` with :func:`os.replace`, so a reader sees either the
old or the new index, never a half-written one, and a writer killed at any
moment leaves the live generation untouched.  Updates start from hard links of
the live generation's files: whoosh never rewrites a segment file in place, so
sharing them is safe and costs no copying.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

CURRENT = "CURRENT"
LOCK_FILE = ".writer.lock"
MANIFEST = "manifest.json"
GENERATION_PREFIX = "gen-"
TEMP_PREFIX = ".tmp-gen-"
#: Superseded generations kept for readers that still have them open.
KEEP_PREVIOUS = 2


class IndexMissingError(FileNotFoundError):
    """There is no published index in the directory."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"no index at {path}: build one with `newsindex build --index {path} CORPUS...`"
        )
        self.path = path


class IndexLockedError(RuntimeError):
    """Another process holds the writer lock."""

    def __init__(self, path: Path, holder: dict) -> None:
        who = ", ".join(f"{k} {v}" for k, v in holder.items()) or "unknown holder"
        super().__init__(f"index {path} is being written by another process ({who})")
        self.holder = holder


@dataclass(frozen=True)
class Generation:
    """One published, immutable whoosh index inside an index directory."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def manifest(self) -> dict:
        try:
            return json.loads((self.path / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return {}


class IndexStore:
    """An index directory with its generations."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    # -- reading ----------------------------------------------------------

    def current(self) -> Generation:
        """The live generation; raises :class:`IndexMissingError` if none."""
        try:
            name = (self.path / CURRENT).read_text("utf-8").strip()
        except FileNotFoundError:
            raise IndexMissingError(self.path) from None
        generation = self.path / name
        if not name.startswith(GENERATION_PREFIX) or not generation.is_dir():
            raise IndexMissingError(self.path)
        return Generation(generation)

    def current_name(self) -> str | None:
        """The live generation's name, cheaply, or ``None``."""
        try:
            return (self.path / CURRENT).read_text("utf-8").strip() or None
        except OSError:
            return None

    def exists(self) -> bool:
        return self.current_name() is not None

    # -- writing ----------------------------------------------------------

    @contextmanager
    def writer(self, command: str, wait: float = 0.0) -> Iterator["GenerationWriter"]:
        """Hold the writer lock for the duration of one build or update.

        ``wait`` seconds are spent retrying if another process holds the
        lock; then :class:`IndexLockedError` names the holder.  The lock is an
        ``flock`` on an open file, so the kernel releases it when its holder
        dies, however it dies: a stale lock cannot outlive its process.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        locked = False
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    locked = True
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise IndexLockedError(self.path, _read_holder(fd)) from None
                    time.sleep(0.2)
            holder = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "command": command,
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(holder).encode(), 0)
            self._remove_abandoned_builds()
            yield GenerationWriter(self)
        finally:
            if locked:  # only the holder may clear the holder's note
                try:
                    os.ftruncate(fd, 0)
                except OSError:
                    pass
            os.close(fd)  # releases the flock

    def _remove_abandoned_builds(self) -> None:
        # Only called with the lock held: any temporary build is a dead one's.
        for entry in self.path.glob(TEMP_PREFIX + "*"):
            shutil.rmtree(entry, ignore_errors=True)

    def _publish(self, staging: Path) -> Generation:
        final = self.path / (GENERATION_PREFIX + staging.name[len(TEMP_PREFIX):])
        _fsync_tree(staging)
        os.rename(staging, final)
        pointer = self.path / (CURRENT + ".tmp")
        with open(pointer, "w", encoding="utf-8") as handle:
            handle.write(final.name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(pointer, self.path / CURRENT)
        _fsync_dir(self.path)
        self._prune(keep=final.name)
        return Generation(final)

    def generations(self) -> list[Path]:
        return sorted(p for p in self.path.glob(GENERATION_PREFIX + "*") if p.is_dir())

    def _prune(self, keep: str) -> None:
        older = [p for p in self.generations() if p.name != keep]
        for path in older[: max(0, len(older) - KEEP_PREVIOUS)]:
            shutil.rmtree(path, ignore_errors=True)


class GenerationWriter:
    """Stages a new generation; only :meth:`publish` makes it visible."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store

    def stage_empty(self) -> Path:
        """A fresh, empty directory for a full build."""
        staging = self.store.path / (TEMP_PREFIX + _generation_stamp())
        staging.mkdir()
        return staging

    def stage_copy_of_current(self) -> Path:
        """A new directory sharing the live generation's files (hard links)."""
        source = self.store.current().path
        staging = self.stage_empty()
        for item in source.iterdir():
            if item.is_file() and not item.name.endswith(".lock"):
                try:
                    os.link(item, staging / item.name)
                except OSError:  # another file system, or no hard links
                    shutil.copy2(item, staging / item.name)
        return staging

    def discard(self, staging: Path) -> None:
        """Drop a staged generation that turned out to be unnecessary."""
        shutil.rmtree(staging, ignore_errors=True)

    def publish(self, staging: Path, manifest: dict) -> Generation:
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), "utf-8")
        return self.store._publish(staging)


def _generation_stamp() -> str:
    now = datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}-{os.getpid()}"


def _read_holder(fd: int) -> dict:
    try:
        return json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return {}


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    for item in path.iterdir():
        if item.is_file():
            with open(item, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(path)
