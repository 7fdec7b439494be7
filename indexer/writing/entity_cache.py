"""Entity annotations kept beside the generations, so a rebuild finds entities only in new text.

Finding an article's entities costs more than analysing and writing it, and
its result depends only on the article and on the extractor.  So each
build and update keeps what it found in ``<index>/entity-cache/``, keyed by
the article's content hash, in a file named after the extractor's version:
a hash of every file of :mod:`indexer.entities`, code and name lists alike,
of what the tagger reads besides (:func:`indexer.entities.model_version`:
the lexicon, the sentence splitter, the versions of the packages it runs on)
and of the name of the function that runs (:func:`extractor_version`), so a
new model, list, lexicon or extractor starts a new cache and the old file is
removed.
A rebuild then runs the extractor only on articles that are new or changed.

The annotations live in an SQLite table (content hash -> packed entities), so
neither a build nor an update holds them in memory: a lookup reads one row,
and what a run keeps goes straight into a new file.  Writer processes put the
entities they find into files of their own (:class:`AnnotationFile`), which
the parent adds to the new cache at the end (:meth:`EntityCache.take`).

The cache is derived data: a missing, stale or damaged file costs time, never
a wrong index (it is then ignored and written anew).  It holds the articles
of the last build and what updates added since, less what they replaced or
deleted, so it grows with the archive, not with the number of runs.  It is
written under a temporary name and renamed, so a crash leaves the old file
or the new one.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sqlite3
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

from indexer.entities import Entity, model_version
from indexer.reading.documents import Document
from indexer.writing import schema
from indexer.writing.schema import AnalysedDocument, Filing, analyse

DIRECTORY = "entity-cache"
SUFFIX = ".sqlite"
#: Entities of an article's body and title, as :func:`~indexer.writing.schema.analyse` finds them.
Annotation = tuple[list[Entity], list[Entity]]
#: An annotation as stored: bytes that :func:`unpack` turns back into one.
Packed = bytes
#: Pages SQLite keeps in memory per open file (negative: KiB).
CACHE_KIB = 32 * 1024


#: The entity extractor's package: its code and its data.
EXTRACTOR = Path(str(resources.files("indexer.entities")))


@lru_cache(maxsize=8)
def extractor_version(root: Path = EXTRACTOR, extractor: Callable | None = None) -> str:
    """A hash of every code and data file under ``root`` and of the ``extractor``'s name.

    By default, the extractor the build runs (``schema.extract_entities``) and its package.
    """
    extractor = extractor or schema.extract_entities
    digest = hashlib.sha256(f"{extractor.__module__}.{extractor.__qualname__}\0"
                            f"{model_version()}\0".encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def pack(annotation: Annotation) -> Packed:
    """An annotation as plain tuples, pickled."""
    return pickle.dumps(tuple([(e.start, e.end, e.type, e.text, e.canonical) for e in entities]
                              for entities in annotation), protocol=pickle.HIGHEST_PROTOCOL)


def unpack(packed: Packed) -> Annotation:
    body, title = pickle.loads(packed)
    return [Entity(*row) for row in body], [Entity(*row) for row in title]


def annotated(doc: Document, filing: Filing, packed: Packed | None) -> AnalysedDocument:
    """The document with its entities: the cached ones if given, else found now."""
    if packed is None:
        return analyse(doc, filing)
    body, title = unpack(packed)
    return AnalysedDocument(doc, body, title, filing)


def annotation_of(item: AnalysedDocument) -> Annotation:
    return item.entities, item.title_entities


class AnnotationFile:
    """One SQLite file of packed annotations by content hash.

    Written without a journal: a file being written is only ever a temporary
    one, renamed once complete, and thrown away after a crash.
    """

    def __init__(self, path: Path, create: bool = False) -> None:
        self.path = Path(path)
        uri = f"{self.path.resolve().as_uri()}?mode={'rwc' if create else 'ro'}"
        self.db = sqlite3.connect(uri, uri=True, isolation_level=None)
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if create:
            self.db.execute("PRAGMA journal_mode = OFF")
            self.db.execute("PRAGMA synchronous = OFF")
            self.db.execute("CREATE TABLE IF NOT EXISTS annotations "
                            "(hash BLOB PRIMARY KEY, packed BLOB NOT NULL) WITHOUT ROWID")
            self.db.execute("BEGIN")

    @classmethod
    def existing(cls, path: Path) -> AnnotationFile | None:
        """The file at ``path`` to read, or None when it is missing or not a cache."""
        if not path.is_file():
            return None
        try:
            found = cls(path)
            found.db.execute("SELECT count(*) FROM annotations").fetchone()
        except sqlite3.DatabaseError:  # damaged: derived data, written anew at the end
            return None
        return found

    def get(self, content_hash: str) -> Packed | None:
        try:
            row = self.db.execute("SELECT packed FROM annotations WHERE hash = ?",
                                  (_key(content_hash),)).fetchone()
        except sqlite3.DatabaseError:  # damaged in the middle: found again
            return None
        return row[0] if row else None

    def put(self, content_hash: str, packed: Packed) -> None:
        self.db.execute("INSERT OR REPLACE INTO annotations VALUES (?, ?)",
                        (_key(content_hash), packed))

    def delete(self, content_hash: str) -> None:
        self.db.execute("DELETE FROM annotations WHERE hash = ?", (_key(content_hash),))

    def take(self, other: Path) -> None:
        """Add every annotation of the file at ``other``."""
        self.db.execute("COMMIT")  # a database is attached and detached between transactions
        self.db.execute("ATTACH DATABASE ? AS other", (str(other),))
        self.db.execute("INSERT OR REPLACE INTO annotations SELECT * FROM other.annotations")
        self.db.execute("DETACH DATABASE other")
        self.db.execute("BEGIN")

    def count(self) -> int:
        """How many annotations the file holds (reads the whole table)."""
        return self.db.execute("SELECT count(*) FROM annotations").fetchone()[0]

    def hashes(self) -> Iterator[str]:
        for (key,) in self.db.execute("SELECT hash FROM annotations"):
            yield key.hex()

    def finish(self) -> None:
        """Write everything to disk and close."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self.db.close()
        with open(self.path, "rb+") as handle:
            os.fsync(handle.fileno())

    def close(self) -> None:
        self.db.close()


def _key(content_hash: str) -> bytes:
    return bytes.fromhex(content_hash)


class EntityCache:
    """The annotations of one index directory, for the current extractor version.

    ``get`` answers from the file saved by the run before; ``put`` adds what
    was found now.  A build keeps only the articles it looked up or found
    (``keep_unused=False``); an update keeps everything and :meth:`forget`\\ s
    the versions it replaces or deletes.  What is kept goes into a new file,
    opened on the first write, which :meth:`save` puts in the old one's place.
    """

    def __init__(self, index_dir: Path, keep_unused: bool) -> None:
        self.directory = Path(index_dir) / DIRECTORY
        self.version = extractor_version(EXTRACTOR, schema.extract_entities)
        self.path = self.directory / f"{self.version}{SUFFIX}"
        self.keep_unused = keep_unused
        self.known = AnnotationFile.existing(self.path)
        self._kept: AnnotationFile | None = None
        self._found: list[Path] = []

    def get(self, content_hash: str) -> Packed | None:
        found = self.known.get(content_hash) if self.known is not None else None
        if found is not None and not self.keep_unused:
            self._kept_file().put(content_hash, found)
        return found

    def put(self, content_hash: str, packed: Packed) -> None:
        self._kept_file().put(content_hash, packed)

    def forget(self, content_hash: str) -> None:
        self._kept_file().delete(content_hash)

    def found_files(self, count: int) -> list[Path]:
        """Fresh files for ``count`` writer processes to put what they find in."""
        self.directory.mkdir(parents=True, exist_ok=True)
        files = [self.directory / f".{self.version}.{os.getpid()}.found-{n}" for n in range(count)]
        for path in files:
            path.unlink(missing_ok=True)
        self._found += files
        return files

    def take(self, paths: Iterable[Path]) -> None:
        """Keep the annotations that writer processes put in ``paths``, and remove the files."""
        for path in paths:
            if path.exists():
                self._kept_file().take(path)
                path.unlink()

    def __len__(self) -> int:
        """Annotations in the saved file."""
        return self.known.count() if self.known is not None else 0

    def hashes(self) -> set[str]:
        """Content hashes in the saved file."""
        return set(self.known.hashes()) if self.known is not None else set()

    def save(self) -> None:
        """Put the kept annotations in place of the old file; remove the files of other versions."""
        kept = self._kept_file()
        kept.finish()
        self._kept = None
        if self.known is not None:
            self.known.close()
        os.replace(kept.path, self.path)
        self.known = AnnotationFile.existing(self.path)
        for other in self.directory.iterdir():
            if other != self.path:
                other.unlink(missing_ok=True)

    def discard(self) -> None:
        """Throw away what this run kept and found (the saved file stays as it was)."""
        if self._kept is not None:
            self._kept.close()
            self._kept.path.unlink(missing_ok=True)
            self._kept = None
        for path in self._found:
            path.unlink(missing_ok=True)

    def _kept_file(self) -> AnnotationFile:
        if self._kept is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = self.directory / f".{self.version}.{os.getpid()}.partial"
            partial.unlink(missing_ok=True)
            if self.keep_unused and self.known is not None:
                shutil.copyfile(self.path, partial)
            self._kept = AnnotationFile(partial, create=True)
        return self._kept
