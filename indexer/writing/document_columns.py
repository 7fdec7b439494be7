"""A generation's per-document columns for facets, timelines and sorting, gathered once.

Facets, timelines, near-duplicate collapsing and the sort by date need a
value per document for the whole archive: its day, when it arrived, its
cluster of near-duplicates, section, source, year and month as codes, the
names of its persons, places and organisations, and whoosh's sortable date.
:func:`gather` reads them from the stored ``facet_data`` and ``date``
columns, one document at a time through whoosh: about two seconds at
100,000 articles and twenty at a million.  So the writer does it before a
generation is published and keeps the arrays beside it as
``document-columns.arrays`` (:func:`write`), which a server loads in a fraction
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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.whoosh_compat import deleted_numbers, index_reader
from indexer.writing import array_file
from indexer.writing.store import DOCUMENT_COLUMNS

LOG = logging.getLogger(__name__)

FILENAME = DOCUMENT_COLUMNS
MAGIC = b"DOCCOLUMNS"
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
    ``entities``: per facet, (document, value code) entries and the values (in the
    order the documents first name them)."""

    days: np.ndarray
    indexed: np.ndarray
    clusters: np.ndarray
    dates: np.ndarray
    scalars: dict[str, tuple[np.ndarray, list[str]]]
    entities: dict[str, tuple[np.ndarray, np.ndarray, list[str]]]
    fingerprint: str  # the segments and deletions they were gathered for
    cluster_values: list[str] = field(default_factory=list)  # the cluster of code i
    segments: tuple[tuple[str, int], ...] = ()  # (segment id, documents) in reader order

    @property
    def doc_count(self) -> int:
        return self.days.size


@dataclass
class _Part:
    """The columns of one segment's documents (numbered from 0 within it); value codes
    index the part's value lists, which parts may share (code 0, "", is none, for
    clusters too)."""

    days: np.ndarray
    indexed: np.ndarray
    dates: np.ndarray
    clusters: np.ndarray
    cluster_values: list[str]
    scalars: dict[str, tuple[np.ndarray, list[str]]]
    entities: dict[str, tuple[np.ndarray, np.ndarray, list[str]]]


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
        digest.update(f"{_segment_id(leaf)}:{leaf.doc_count_all()};".encode())
        if leaf.has_deletions():
            digest.update(deleted_numbers(leaf).tobytes())
    return digest.hexdigest()


def gather(reader, earlier: DocumentColumns | None = None) -> DocumentColumns:
    """The columns of every document of ``reader`` (a whoosh reader).

    ``earlier``: the columns of a generation that shares segments with this
    one (the one an update started from); what they hold for a shared
    segment is taken from them, with the documents deleted since left out,
    and only the other segments are read.
    """
    known, earlier_clusters = {}, []
    if earlier is not None:
        earlier_clusters = ["", *earlier.cluster_values]  # one list, shared by every slice
        start = 0
        for segment in earlier.segments:
            known[segment] = start
            start += segment[1]
    parts = []
    codes = {name: _Codes() for name in (*SCALAR_FACETS, *ENTITY_FACETS, "cluster")}
    for leaf, _ in reader.leaf_readers():
        at = known.get((_segment_id(leaf), leaf.doc_count_all()))
        part = (_read_part(leaf, codes) if at is None
                else _slice(earlier, earlier_clusters, at, leaf.doc_count_all()))
        if at is not None and leaf.has_deletions():
            _leave_out(part, deleted_numbers(leaf))
        parts.append(part)
    return _combined(parts, fingerprint(reader),
                     tuple((_segment_id(leaf), leaf.doc_count_all())
                           for leaf, _ in reader.leaf_readers()))


def _read_part(leaf, codes: dict[str, _Codes]) -> _Part:
    """One segment's columns, read from its stored ``facet_data`` and ``date`` columns;
    values are coded by ``codes`` (shared by the parts read together: their value lists
    are then merged once)."""
    size = leaf.doc_count_all()
    days = np.zeros(size, dtype=np.int32)
    scalar_codes = {name: np.zeros(size, dtype=np.int32) for name in SCALAR_FACETS}
    entry_doc: dict[str, list[int]] = {name: [] for name in ENTITY_FACETS}
    entry_code: dict[str, list[int]] = {name: [] for name in ENTITY_FACETS}
    deleted = set(deleted_numbers(leaf).tolist()) if leaf.has_deletions() else ()
    cluster_codes = codes["cluster"]
    clusters = np.zeros(size, dtype=np.int64)
    indexed = np.zeros(size, dtype=np.int64)
    column = leaf.column_reader("facet_data") if leaf.has_column("facet_data") else None
    for docnum in range(size) if column is not None else ():
        raw = column[docnum]
        if not raw or docnum in deleted:
            continue
        day, section, source, persons, places, orgs, cluster, arrived = json.loads(raw)
        clusters[docnum] = cluster_codes.code(cluster)
        indexed[docnum] = arrived
        days[docnum] = day
        scalar_codes["section"][docnum] = codes["section"].code(section)
        scalar_codes["source"][docnum] = codes["source"].code(source)
        if day:
            scalar_codes["year"][docnum] = codes["year"].code(str(day // 10000))
            scalar_codes["month"][docnum] = codes["month"].code(
                f"{day // 10000:04d}-{day // 100 % 100:02d}")
        for name, names in (("persons", persons), ("places", places), ("orgs", orgs)):
            for value in names:
                entry_doc[name].append(docnum)
                entry_code[name].append(codes[name].code(value))
    return _Part(days, indexed, dates(leaf), clusters, cluster_codes.values,
                 {name: (scalar_codes[name], codes[name].values) for name in SCALAR_FACETS},
                 {name: (np.asarray(entry_doc[name], dtype=np.int32),
                         np.asarray(entry_code[name], dtype=np.int32), codes[name].values)
                  for name in ENTITY_FACETS})


def _slice(columns: DocumentColumns, clusters_from_one: list[str], start: int,
           size: int) -> _Part:
    """The documents ``start`` to ``start + size`` of ``columns``, numbered from 0
    (``clusters_from_one``: "" and the clusters of ``columns``)."""
    end = start + size
    clusters = columns.clusters[start:end].astype(np.int64) + 1
    clusters[clusters > len(columns.cluster_values)] = 0  # a code of its own: none
    entities = {}
    for name, (docs, codes, values) in columns.entities.items():
        first, last = np.searchsorted(docs, np.array([start, end], dtype=docs.dtype))
        entities[name] = ((docs[first:last] - start).astype(np.int32), codes[first:last], values)
    return _Part(columns.days[start:end], columns.indexed[start:end],
                 columns.dates[start:end], clusters, clusters_from_one,
                 {name: (codes[start:end], values)
                  for name, (codes, values) in columns.scalars.items()}, entities)


def _leave_out(part: _Part, deleted: np.ndarray) -> None:
    """Blank the columns of the ``deleted`` documents of ``part`` (except whoosh's dates)."""
    part.days, part.indexed, part.clusters = (part.days.copy(), part.indexed.copy(),
                                              part.clusters.copy())
    part.days[deleted], part.indexed[deleted], part.clusters[deleted] = 0, 0, 0
    for name, (codes, values) in part.scalars.items():
        codes = codes.copy()
        codes[deleted] = 0
        part.scalars[name] = (codes, values)
    for name, (docs, codes, values) in part.entities.items():
        keep = ~np.isin(docs, deleted)
        part.entities[name] = (docs[keep], codes[keep], values)


def _combined(parts: list[_Part], fingerprint: str,
              segments: tuple[tuple[str, int], ...]) -> DocumentColumns:
    """The parts one after the other, the value lists of each column merged into one."""
    offsets = np.cumsum([0] + [part.days.size for part in parts])
    size = int(offsets[-1])

    def concatenated(arrays: list[np.ndarray], dtype) -> np.ndarray:
        return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype=dtype)

    scalars = {}
    for name in SCALAR_FACETS:
        codes, values = _merged([part.scalars[name] for part in parts])
        scalars[name] = (concatenated(codes, np.int32), values)
    entities = {}
    for name in ENTITY_FACETS:
        codes, values = _merged([part.entities[name][1:] for part in parts])
        docs = [part.entities[name][0].astype(np.int64) + offset
                for part, offset in zip(parts, offsets)]
        entities[name] = (concatenated(docs, np.int32), concatenated(codes, np.int32), values)
    coded, cluster_values = _merged([(part.clusters, part.cluster_values) for part in parts])
    clusters = concatenated(coded, np.int64) - 1  # codes of the clusters without ""
    cluster_values = cluster_values[1:]
    alone = np.flatnonzero(clusters < 0)
    clusters[alone] = len(cluster_values) + alone  # no cluster: a code of its own
    return DocumentColumns(
        concatenated([p.days for p in parts], np.int32),
        concatenated([p.indexed for p in parts], np.int64), clusters,
        concatenated([p.dates for p in parts], np.uint64) if size else np.zeros(0, np.uint64),
        scalars, entities, fingerprint, cluster_values, segments)


def _merged(coded: list[tuple[np.ndarray, list[str]]]) -> tuple[list[np.ndarray], list[str]]:
    """Codes into several value lists (code 0 of each is ""), as codes into one list of
    the values in use, in the order the lists first give them.  Parts sharing a list are
    mapped together; the first list is taken as it is when all of it is in use."""
    lists: dict[int, list[str]] = {}
    used: dict[int, np.ndarray] = {}
    for codes, values in coded:
        key = id(values)
        lists[key] = values
        here = np.bincount(codes, minlength=len(values)).astype(bool)
        used[key] = here if key not in used else used[key] | here
    merged: list[str] = [""]
    number: dict[str, int] | None = None
    mapping: dict[int, np.ndarray] = {}
    for key, values in lists.items():
        kept = np.flatnonzero(used[key][1:]) + 1  # the codes in use, "" left out
        mapping[key] = np.zeros(len(values), dtype=np.int64)
        if len(merged) == 1:  # the first list: its values in use, in its order
            merged += values[1:] if kept.size == len(values) - 1 else \
                [values[code] for code in kept.tolist()]
            mapping[key][kept] = np.arange(1, kept.size + 1)
            continue
        if number is None:
            number = {value: code for code, value in enumerate(merged)}
        for code in kept.tolist():
            found = number.get(values[code])
            if found is None:
                found = number[values[code]] = len(merged)
                merged.append(values[code])
            mapping[key][code] = found
    return [mapping[id(values)][codes] for codes, values in coded], merged


def _segment_id(leaf) -> str:
    segment = leaf.segment()
    return segment.segment_id() if segment is not None else ""


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


def write(directory: Path, columns: DocumentColumns) -> Path:
    """Keep ``columns`` in ``directory`` (:mod:`indexer.writing.array_file`)."""
    arrays = {"days": columns.days, "indexed": columns.indexed, "clusters": columns.clusters,
              "dates": columns.dates}
    header = {"fingerprint": columns.fingerprint, "clusters": columns.cluster_values,
              "segments": columns.segments}
    for name, (codes, values) in columns.scalars.items():
        arrays[f"{name}.codes"] = codes
        header[name] = values
    for name, (docs, codes, values) in columns.entities.items():
        arrays[f"{name}.docs"], arrays[f"{name}.codes"] = docs, codes
        header[name] = values
    return array_file.write(Path(directory) / FILENAME, MAGIC, header, arrays)


def write_for(directory: Path, earlier: DocumentColumns | None = None) -> Path:
    """Gather the columns of the index in ``directory`` (taking what ``earlier`` holds for
    the segments it shares with it) and keep them beside it."""
    with index_reader(directory) as reader:
        return write(directory, gather(reader, earlier))


def kept(directory: Path, published: dict) -> bool:
    """Whether the index in ``directory`` keeps usable columns (see :func:`load`)."""
    with index_reader(directory) as reader:
        return load(directory, published, reader) is not None


def load(directory: Path, published: dict, reader) -> DocumentColumns | None:
    """The columns kept in ``directory`` if they were gathered for ``reader``'s segments
    and deletions and the file has the size its manifest record ``published`` gives;
    else None."""
    path = Path(directory) / FILENAME
    try:
        if not path.exists() or path.stat().st_size != published.get("size"):
            return None
        header, arrays = array_file.read(path, MAGIC)
        if header["fingerprint"] != fingerprint(reader):
            return None
        columns = DocumentColumns(
            arrays["days"], arrays["indexed"], arrays["clusters"], arrays["dates"],
            {f: (arrays[f"{f}.codes"], header[f]) for f in SCALAR_FACETS},
            {f: (arrays[f"{f}.docs"], arrays[f"{f}.codes"], header[f]) for f in ENTITY_FACETS},
            header["fingerprint"], header["clusters"],
            tuple((segment, size) for segment, size in header["segments"]))
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
