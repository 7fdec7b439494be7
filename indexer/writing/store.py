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
sharing them is safe and costs no copying.  Nothing here writes through such
a link either: a generation's own files (the manifest) are written under a
new name and renamed into place, and published files are made read-only.

The manifest lists every file of its generation with size, modification
time and SHA-256 (:meth:`Generation.check_files` compares them), so that a
truncated, missing or altered file is found and named.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
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
#: Generations kept, the live one included, unless the writer asks for another number:
#: readers that still have an older one open, and searches pinned to one.
KEEP_GENERATIONS = 3
#: One line per generation ever published, so a pruned one can be told from an unknown one.
HISTORY = "HISTORY"
#: whoosh's own lock file in an index it writes: never part of a generation.
WHOOSH_LOCK_SUFFIX = "_WRITELOCK"
HASH_CHUNK = 1 << 20
#: Files derived from a segment (:mod:`indexer.writing.posting_arrays`): a search
#: can do without them, so a damaged one does not keep a generation from opening.
DERIVED_SUFFIX = ".frequent"
#: Files derived from all segments of a generation (:mod:`indexer.writing.written_forms`,
#: :mod:`indexer.writing.document_columns`), which a search can do without as well.
WRITTEN_FORMS = "written-forms.arrays"
DOCUMENT_COLUMNS = "document-columns.arrays"


class StoreError(Exception):
    """An index directory that cannot be used as asked; the message says what to do."""


class IndexMissingError(StoreError, FileNotFoundError):
    """There is no published index in the directory."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"no index at {path}: build one with `newsindex build --index {path} CORPUS...`"
        )
        self.path = path


class IndexLockedError(StoreError, RuntimeError):
    """Another process holds the writer lock."""

    def __init__(self, path: Path, holder: dict) -> None:
        who = ", ".join(f"{k} {v}" for k, v in holder.items()) or "unknown holder"
        super().__init__(f"index {path} is being written by another process ({who})")
        self.holder = holder


class GenerationNotKeptError(LookupError):
    """A search pinned to a generation that was published here but is kept no longer."""

    def __init__(self, name: str, current: str | None) -> None:
        super().__init__(f"Generation {name} is no longer kept; the current one is {current}. "
                         "Leave out generation= to search the current archive.")
        self.name, self.current = name, current


class GenerationUnknownError(LookupError):
    """A search pinned to a generation that was never published here."""

    def __init__(self, name: str, current: str | None) -> None:
        super().__init__(f"There is no generation {name!r} in this archive; the current one "
                         f"is {current}.")
        self.name, self.current = name, current


class IndexDamagedError(StoreError, RuntimeError):
    """A generation that cannot be read: a file is missing, truncated or altered."""

    def __init__(self, generation: Path, detail: str) -> None:
        index = generation.parent
        super().__init__(
            f"index generation {generation} cannot be read: {detail}. "
            f"`newsindex verify --deep --index {index}` checks every file; "
            f"`newsindex build --index {index} CORPUS...` writes a new index")
        self.generation = generation


class NoSpaceError(StoreError, RuntimeError):
    """A build or update ran out of disk space; nothing was published."""

    def __init__(self, path: Path, free_bytes: int, needed_bytes: int) -> None:
        super().__init__(
            f"no space left on the index's file system ({free_bytes / 1e6:,.0f} MB free, "
            f"about {needed_bytes / 1e6:,.0f} MB needed) at {path}: free some space there or "
            "write the index elsewhere (--index); the live index is unchanged")


class IndexNotWritableError(StoreError, PermissionError):
    """The index directory cannot be written (read-only file system, permissions)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"cannot write to the index directory {path} ({reason}): build and update need "
            "write access; search, stats, verify and serve only read it")


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

    def published(self, name: str) -> dict:
        """The manifest's record of the file ``name`` (size, time, checksum; empty if none)."""
        return self.manifest().get("files", {}).get(name, {})

    def check_files(self, deep: bool = False, times: bool = True,
                    derived: bool = True) -> list[str]:
        """What differs from the manifest, one line per damaged file (empty if nothing).

        Every file the manifest lists must be there with the size and (if
        ``times``) the modification time it was published with; ``deep``
        compares every byte through its SHA-256 instead of the time (slow
        on a large index).  ``derived=False`` leaves out the files derived
        from segments, which their reader checks itself.
        """
        try:
            files = json.loads((self.path / MANIFEST).read_text("utf-8")).get("files", {})
        except (OSError, ValueError, AttributeError):
            return [f"{self.path / MANIFEST} is missing or unreadable"]
        problems = []  # (no files listed: published before they were)
        for name, published in sorted(files.items()):
            if not derived and (name.endswith(DERIVED_SUFFIX)
                                or name in (WRITTEN_FORMS, DOCUMENT_COLUMNS)):
                continue
            problem = _file_problem(self.path / name, published, deep, times)
            if problem:
                problems.append(problem)
        return problems


def describe_failure(store: "IndexStore", failure: Exception) -> str:
    """One line for an error raised while the index at ``store`` was read or written.

    Names the first file that differs from its manifest, if one does.
    """
    if isinstance(failure, StoreError):
        return str(failure)
    if isinstance(failure, OSError) and failure.strerror:
        where = f"{failure.filename}: " if failure.filename else ""
        return f"{where}{failure.strerror} (index {store.path})"
    try:
        generation = store.current()
    except StoreError as exc:
        return str(exc)
    problems = generation.check_files()
    if problems:
        return str(IndexDamagedError(generation.path, first_problems(problems)))
    checked = ("no file differs from its manifest in size or time"
               if "files" in generation.manifest() else "its manifest lists no files")
    return str(IndexDamagedError(generation.path, f"{type(failure).__name__}: {failure} "
                                                  f"({checked})"))


def first_problems(problems: list[str]) -> str:
    """The first of several problems, and how many more there are."""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return problems[0] + more


def _file_problem(path: Path, published: dict, deep: bool, times: bool) -> str | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return f"{path} is missing"
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror})"
    if stat.st_size != published["size"]:
        return (f"{path} has {stat.st_size:,} bytes, {published['size']:,} when published "
                "(truncated or overwritten)")
    if deep:
        if _sha256(path) != published["sha256"]:
            return f"{path} has changed since it was published (its SHA-256 differs)"
    elif times and stat.st_mtime_ns != published["mtime_ns"]:
        return (f"{path} was modified after it was published (its time differs; "
                "`verify --deep` compares its contents)")
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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
        dies, however it dies: a stale lock cannot outlive its process (and
        processes forked while it is held do not inherit it, see
        :func:`_drop_inherited_locks`).  Leftovers of a writer that died are
        cleared before anything is written, so that a full disk cannot stop
        the next run; a run that fails removes what it staged.
        """
        fd = self._open_lock_file()
        _HELD_LOCKS.add(fd)
        locked = False
        try:
            _acquire(fd, self.path, wait)
            locked = True
            self._remove_abandoned_builds()
            _write_holder(fd, command)
            generations = GenerationWriter(self, free_bytes=shutil.disk_usage(self.path).free)
            try:
                yield generations
            except BaseException:
                generations.discard_staged()
                raise
        finally:
            if locked:  # only the holder may clear the holder's note
                try:
                    os.ftruncate(fd, 0)
                except OSError:
                    pass
            _HELD_LOCKS.discard(fd)
            os.close(fd)  # releases the flock

    def _open_lock_file(self) -> int:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            return os.open(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise IndexNotWritableError(self.path, exc.strerror) from None
            raise

    def _remove_abandoned_builds(self) -> None:
        # Only called with the lock held: any temporary build is a dead one's.
        for entry in self.path.glob(TEMP_PREFIX + "*"):
            shutil.rmtree(entry, ignore_errors=True)

    def history(self) -> dict[str, dict]:
        """Every generation ever published here, by name: when, and how many documents."""
        try:
            lines = (self.path / HISTORY).read_text("utf-8").splitlines()
        except FileNotFoundError:
            return {}
        found = {}
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash says nothing
            found[entry.get("generation")] = entry
        return found

    def retained(self, name: str) -> Generation | None:
        """The published generation ``name`` if it is still kept, else None."""
        path = self.path / name
        if name.startswith(GENERATION_PREFIX) and "/" not in name and path.is_dir():
            return Generation(path)
        return None

    def disk_usage(self) -> list[dict]:
        """Each kept generation, oldest first, with the disk it uses.

        ``bytes`` counts all of its files, ``own_bytes`` only those no other
        kept generation shares (updates share unchanged files as hard links),
        i.e. what deleting it would free.
        """
        inodes: dict[Path, dict[int, int]] = {}
        for path in self.generations():
            inodes[path] = {st.st_ino: st.st_size for st in
                            (f.stat() for f in path.iterdir() if f.is_file())}
        history = self.history()
        usage = []
        for path, files in inodes.items():
            shared = set().union(*(other for p, other in inodes.items() if p != path))
            usage.append({"generation": path.name,
                          "documents": history.get(path.name, {}).get("documents"),
                          "published": history.get(path.name, {}).get("published"),
                          "bytes": sum(files.values()),
                          "own_bytes": sum(size for ino, size in files.items()
                                           if ino not in shared)})
        return usage

    def _record(self, generation: Path, documents: int | None) -> None:
        """Note a published generation in the history (best effort: it is live already,
        and a full disk must not make the run report a failure)."""
        entry = {"generation": generation.name, "documents": documents,
                 "published": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        try:
            with open(self.path / HISTORY, "a", encoding="utf-8") as history:
                history.write(json.dumps(entry) + "\n")
                history.flush()
                os.fsync(history.fileno())
        except OSError:
            pass

    def _publish(self, staging: Path, keep: int = KEEP_GENERATIONS,
                 documents: int | None = None) -> Generation:
        final = self.path / (GENERATION_PREFIX + staging.name[len(TEMP_PREFIX):])
        _fsync_tree(staging)
        _make_read_only(staging)
        os.rename(staging, final)
        pointer = self.path / (CURRENT + ".tmp")
        try:
            with open(pointer, "w", encoding="utf-8") as handle:
                handle.write(final.name + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(pointer, self.path / CURRENT)
        except BaseException:  # not published after all: leave no generation behind
            shutil.rmtree(final, ignore_errors=True)
            raise
        _fsync_dir(self.path)
        self._record(final, documents)
        self._prune(final.name, keep)
        return Generation(final)

    def generations(self) -> list[Path]:
        return sorted(p for p in self.path.glob(GENERATION_PREFIX + "*") if p.is_dir())

    def _prune(self, live: str, keep: int) -> None:
        older = [p for p in self.generations() if p.name != live]
        for path in older[: max(0, len(older) - (keep - 1))]:
            shutil.rmtree(path, ignore_errors=True)


class GenerationWriter:
    """Stages a new generation; only :meth:`publish` makes it visible."""

    def __init__(self, store: IndexStore, free_bytes: int) -> None:
        self.store = store
        self.free_bytes = free_bytes  # on the index's file system, when the writer started
        self._staged: list[Path] = []

    def stage_empty(self) -> Path:
        """A fresh, empty directory for a full build."""
        staging = self.store.path / (TEMP_PREFIX + _generation_stamp())
        staging.mkdir()
        self._staged.append(staging)
        return staging

    def stage_copy_of_current(self) -> Path:
        """A new directory sharing the live generation's whoosh files (hard links).

        The manifest is not shared: the new generation gets its own.
        """
        source = self.store.current().path
        staging = self.stage_empty()
        for item in source.iterdir():
            if item.is_file() and item.name != MANIFEST and not _is_lock(item):
                try:
                    os.link(item, staging / item.name)
                except OSError:  # another file system, or no hard links
                    shutil.copy2(item, staging / item.name)
        return staging

    def discard(self, staging: Path) -> None:
        """Drop a staged generation that turned out to be unnecessary."""
        shutil.rmtree(staging, ignore_errors=True)

    def discard_staged(self) -> None:
        """Drop whatever this writer staged and did not publish (after a failure)."""
        for staging in self._staged:
            self.discard(staging)

    def publish(self, staging: Path, manifest: dict,
                keep: int = KEEP_GENERATIONS) -> Generation:
        """Record every file in the manifest and make ``staging`` the live generation.

        Of the older generations, the newest ``keep - 1`` stay on disk.
        """
        for lock in filter(_is_lock, staging.iterdir()):
            lock.unlink()
        files = _file_records(staging, self._live_files())
        _write_new_file(staging / MANIFEST, json.dumps({**manifest, "files": files}, indent=2))
        return self.store._publish(staging, keep, manifest.get("documents"))

    def _live_files(self) -> dict[str, tuple[os.stat_result, dict]]:
        """The live generation's files with their manifest records, to reuse checksums."""
        try:
            live = self.store.current()
        except IndexMissingError:
            return {}
        known = {}
        for name, record in live.manifest().get("files", {}).items():
            try:
                known[name] = (os.stat(live.path / name), record)
            except OSError:
                continue
        return known


def _file_records(directory: Path, known: dict[str, tuple[os.stat_result, dict]]) -> dict:
    """Size, modification time and SHA-256 of every file in ``directory``.

    A file that is a hard link of a known one (same inode, size and time)
    keeps its checksum: published files never change.
    """
    records = {}
    for item in sorted(directory.iterdir()):
        if not item.is_file() or item.name == MANIFEST:
            continue
        stat = item.stat()
        previous = known.get(item.name)
        if previous and _same_file(previous[0], stat) and "sha256" in previous[1]:
            digest = previous[1]["sha256"]
        else:
            digest = _sha256(item)
        records[item.name] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                              "sha256": digest}
    return records


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (
        b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


def _write_new_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as a new file (a new inode), replacing any old one.

    Never opens an existing file for writing, so a file shared with the
    live generation through a hard link stays as it was.
    """
    partial = path.with_name(path.name + ".partial")
    with open(partial, "x", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


def _is_lock(path: Path) -> bool:
    return path.name.endswith((".lock", WHOOSH_LOCK_SUFFIX))


def _make_read_only(directory: Path) -> None:
    """Published files are never written again; say so to the file system."""
    for item in directory.iterdir():
        if item.is_file():
            os.chmod(item, 0o444)


#: File descriptors of the writer locks this process holds.
_HELD_LOCKS: set[int] = set()


def _acquire(fd: int, path: Path, wait: float) -> None:
    """Take the ``flock`` on ``fd``, retrying for ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            if time.monotonic() >= deadline:
                raise IndexLockedError(path, _read_holder(fd)) from None
            time.sleep(0.2)


def _drop_inherited_locks() -> None:
    """In a forked child: close the writer locks inherited from the parent.

    An ``flock`` belongs to the open file, which a fork shares: a writer
    process forked during a build would keep the lock held after its
    parent died.  Closing the child's copies (never unlocking, which would
    release the parent's lock too) leaves the lock to the parent alone.
    """
    for fd in _HELD_LOCKS:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_drop_inherited_locks)


def _write_holder(fd: int, command: str) -> None:
    """Note who holds the lock, for the error of the next writer (best effort:
    a full disk must not stop the run that would free it)."""
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
    except OSError:
        pass


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
