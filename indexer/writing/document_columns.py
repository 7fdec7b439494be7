"""A generation's per-document columns for facets, timelines and sorting, gathered once.

Facets, timelines, near-duplicate collapsing and the sort by date need a
value per document for the whole archive: its day, when it arrived, its
cluster of near-duplicates, section, source, year and month as codes, the
names of its persons, places and organisations, and whoosh's sortable date.
:func:`gather` reads them from the stored ``facet_data`` and ``date``
columns, one document at a time through whoosh: about two seconds at
100,000 articles and twenty at a million.  So the writer does it before a
generation is published and keeps the arrays beside it as
``document-columns.npz`` (:func:`write`), which a server loads in a fraction
of a second (:func:`load`).  Deleted documents get no values.

The file is derived data: one that is missing, differs from its manifest
record in size, cannot be read, or was gathered for other segments or other
deletions (a generation staged as a copy of an older one) is not used, and
the columns are gathered from the stored fields instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from indexer.writing.store import DOCUMENT_COLUMNS

LOG = logging.getLogger(__name__)

FILENAME = DOCUMENT_COLUMNS
ENTITY_FACETS = ("persons", "places", "orgs")
SCALAR_FACETS = ("section", "source", "year", "month")
#: whoosh's column default for a missing date: sorts after every date.
UNDATED = np.iinfo(np.uint64).max


@dataclass(frozen=True)
class DocumentColumns:
    """Per document (by global number): ``days`` (``yyyymmdd``, 0 if undated),
    ``indexed`` (Unix seconds of arrival), ``clusters`` (equal codes: one cluster of
    near-duplicates), ``dates`` (whoosh's sortable date, :data:`UNDATED` if none);
    ``scalars``: per facet, a value code per document and the values (code 0: none);
    ``entities``: per facet, (document, value code) entries and the values."""

    days: np.ndarray
    indexed: np.ndarray
    clusters: np.ndarray
    dates: np.ndarray
    scalars: dict[str, tuple[np.ndarray, list[str]]]
    entities: dict[str, tuple[np.ndarray, np.ndarray, list[str]]]
    fingerprint: str  # the segments and deletions they were gathered for

    @property
    def doc_count(self) -> int:
        return self.days.size


class _Codes:
    """Dense integer codes of strings; code 0 is "no value"."""

    def __init__(self) -> None:
        self.values: list[str] = [""]
        self.codes: dict[str, int] = {"": 0}

    def code(self, value: str) -> int:
        code = self.codes.get(value)
        if code is None:
            code = self.codes[value] = len(self.values)
            self.values.append(value)
        return code


def fingerprint(reader) -> str:
    """What the columns of ``reader`` depend on besides the segments' own bytes: which
    segments, in which order, and which of their documents are deleted."""
    digest = hashlib.sha256()
    for leaf, _ in reader.leaf_readers():
        segment = leaf.segment()
        digest.update(f"{segment.segment_id() if segment else ''}:"
                      f"{leaf.doc_count_all()};".encode())
        if leaf.has_deletions():
            deleted = np.fromiter(leaf.all_doc_ids(), dtype=np.int64)
            digest.update(np.setdiff1d(np.arange(leaf.doc_count_all()), deleted).tobytes())
    return digest.hexdigest()


def gather(reader) -> DocumentColumns:
    """The columns of every document of ``reader`` (a whoosh reader)."""
    size = reader.doc_count_all()
    days = np.zeros(size, dtype=np.int32)
    codes = {field: _Codes() for field in (*SCALAR_FACETS, *ENTITY_FACETS)}
    scalar_codes = {field: np.zeros(size, dtype=np.int32) for field in SCALAR_FACETS}
    entry_doc: dict[str, list[int]] = {field: [] for field in ENTITY_FACETS}
    entry_code: dict[str, list[int]] = {field: [] for field in ENTITY_FACETS}
    live = _live_documents(reader)
    cluster_codes: dict[str, int] = {}
    clusters = np.arange(size, dtype=np.int64) + size  # no cluster: a code of its own
    indexed = np.zeros(size, dtype=np.int64)
    column = reader.column_reader("facet_data")
    for docnum in range(size):
        raw = column[docnum]
        if not raw or (live is not None and not live[docnum]):
            continue
        day, section, source, persons, places, orgs, cluster, arrived = json.loads(raw)
        clusters[docnum] = cluster_codes.setdefault(cluster, len(cluster_codes))
        indexed[docnum] = arrived
        days[docnum] = day
        scalar_codes["section"][docnum] = codes["section"].code(section)
        scalar_codes["source"][docnum] = codes["source"].code(source)
        if day:
            scalar_codes["year"][docnum] = codes["year"].code(str(day // 10000))
            scalar_codes["month"][docnum] = codes["month"].code(
                f"{day // 10000:04d}-{day // 100 % 100:02d}")
        for field, names in (("persons", persons), ("places", places), ("orgs", orgs)):
            for name in names:
                entry_doc[field].append(docnum)
                entry_code[field].append(codes[field].code(name))
    scalars = {f: (scalar_codes[f], codes[f].values) for f in SCALAR_FACETS}
    entities = {f: (np.asarray(entry_doc[f], dtype=np.int32),
                    np.asarray(entry_code[f], dtype=np.int32), codes[f].values)
                for f in ENTITY_FACETS}
    return DocumentColumns(days, indexed, clusters, dates(reader), scalars, entities,
                           fingerprint(reader))


def dates(reader) -> np.ndarray:
    """whoosh's sortable ``date`` of every document, segment by segment (whoosh's
    multi-segment column reader yields nothing when a segment has no dated article)."""
    parts = []
    for leaf, _ in reader.leaf_readers():
        dates = np.full(leaf.doc_count_all(), UNDATED, dtype=np.uint64)
        if leaf.has_column("date"):
            column = leaf.column_reader("date", translate=False)
            dates = np.fromiter(column, dtype=np.uint64, count=dates.size)
        parts.append(dates)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def _live_documents(reader) -> np.ndarray | None:
    """A mask of the documents not deleted, or None when none are."""
    if not reader.has_deletions():
        return None
    live = np.zeros(reader.doc_count_all(), dtype=bool)
    live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
    return live


def write(directory: Path, columns: DocumentColumns) -> Path:
    """Keep ``columns`` in ``directory``, under a temporary name first and then renamed
    (a staged generation shares its files with the live one through hard links)."""
    arrays = {"days": columns.days, "indexed": columns.indexed, "clusters": columns.clusters,
              "dates": columns.dates}
    values = {"fingerprint": columns.fingerprint}
    for field, (codes, names) in columns.scalars.items():
        arrays[f"{field}.codes"] = codes
        values[field] = names
    for field, (docs, codes, names) in columns.entities.items():
        arrays[f"{field}.docs"], arrays[f"{field}.codes"] = docs, codes
        values[field] = names
    arrays["values"] = np.frombuffer(json.dumps(values, ensure_ascii=False).encode("utf-8"),
                                     dtype=np.uint8)
    path = Path(directory) / FILENAME
    partial = path.with_name(FILENAME + ".partial")
    with open(partial, "wb") as out:
        np.savez(out, **arrays)
    os.replace(partial, path)
    return path


def write_for(directory: Path) -> Path:
    """Gather the columns of the index in ``directory`` and keep them beside it."""
    ix = whoosh_index.open_dir(str(directory))
    try:
        with ix.reader() as reader:
            return write(directory, gather(reader))
    finally:
        ix.close()


def kept(directory: Path, published: dict) -> bool:
    """Whether the index in ``directory`` keeps usable columns (see :func:`load`)."""
    ix = whoosh_index.open_dir(str(directory))
    try:
        with ix.reader() as reader:
            return load(directory, published, reader) is not None
    finally:
        ix.close()


def load(directory: Path, published: dict, reader) -> DocumentColumns | None:
    """The columns kept in ``directory`` if they were gathered for ``reader``'s segments
    and deletions and the file has the size its manifest record ``published`` gives;
    else None."""
    path = Path(directory) / FILENAME
    try:
        if not path.exists() or path.stat().st_size != published.get("size"):
            return None
        with np.load(path, allow_pickle=False) as stored:
            values = json.loads(stored["values"].tobytes().decode("utf-8"))
            if values["fingerprint"] != fingerprint(reader):
                return None
            columns = DocumentColumns(
                stored["days"], stored["indexed"], stored["clusters"], stored["dates"],
                {f: (stored[f"{f}.codes"], values[f]) for f in SCALAR_FACETS},
                {f: (stored[f"{f}.docs"], stored[f"{f}.codes"], values[f])
                 for f in ENTITY_FACETS},
                values["fingerprint"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        LOG.warning("%s cannot be read (%s); the columns are gathered from the stored fields",
                    path, exc)
        return None
    size = reader.doc_count_all()
    if {columns.indexed.size, columns.clusters.size, columns.dates.size,
            *(codes.size for codes, _ in columns.scalars.values())} != {size} \
            or columns.doc_count != size:
        LOG.warning("%s does not describe its documents; they are gathered again", path)
        return None
    return columns
