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
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable

from indexer.entities import Entity, model_version
from indexer.reading.documents import Document
from indexer.writing import schema
from indexer.writing.schema import AnalysedDocument, Filing, analyse

DIRECTORY = "entity-cache"
SUFFIX = ".pickle"
#: Entities of an article's body and title, as :func:`~indexer.writing.schema.analyse` finds them.
Annotation = tuple[list[Entity], list[Entity]]


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


def annotated(doc: Document, filing: Filing, annotation: Annotation | None) -> AnalysedDocument:
    """The document with its entities: the cached ones if given, else found now."""
    if annotation is None:
        return analyse(doc, filing)
    body, title = annotation
    return AnalysedDocument(doc, body, title, filing)


def annotation_of(item: AnalysedDocument) -> Annotation:
    return item.entities, item.title_entities


class EntityCache:
    """The annotations of one index directory, for the current extractor version.

    ``get`` answers from the file read at the start; ``put`` adds what was
    found now.  A build keeps only the articles it looked up or found
    (``keep_unused=False``); an update keeps everything and :meth:`forget`\\ s
    the versions it replaces or deletes.
    """

    def __init__(self, index_dir: Path, keep_unused: bool) -> None:
        self.directory = Path(index_dir) / DIRECTORY
        self.version = extractor_version(EXTRACTOR, schema.extract_entities)
        self.path = self.directory / f"{self.version}{SUFFIX}"
        self.known: dict[str, Annotation] = _read(self.path)
        self.kept: dict[str, Annotation] = dict(self.known) if keep_unused else {}

    def get(self, content_hash: str) -> Annotation | None:
        found = self.known.get(content_hash)
        if found is not None:
            self.kept[content_hash] = found
        return found

    def put(self, content_hash: str, annotation: Annotation) -> None:
        self.kept[content_hash] = annotation

    def update(self, annotations: dict[str, Annotation]) -> None:
        self.kept.update(annotations)

    def forget(self, content_hash: str) -> None:
        self.kept.pop(content_hash, None)

    def save(self) -> None:
        """Write the kept annotations and remove the files of other versions."""
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = self.directory / f".{self.version}.{os.getpid()}.partial"
        try:
            with open(partial, "wb") as out:
                pickle.dump(self.kept, out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, self.path)
        finally:
            partial.unlink(missing_ok=True)
        for other in self.directory.iterdir():
            if other != self.path and other.suffix in (SUFFIX, ".partial"):
                other.unlink(missing_ok=True)


def _read(path: Path) -> dict[str, Annotation]:
    """The annotations in ``path``; none if it is missing or cannot be read."""
    try:
        with open(path, "rb") as handle:
            found = pickle.load(handle)
    except FileNotFoundError:
        return {}
    except Exception:  # a damaged file: derived data, written anew at the end of the run
        return {}
    return found if isinstance(found, dict) else {}
