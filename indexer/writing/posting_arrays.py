"""Document numbers and frequencies of a segment's frequent terms, as flat arrays.

whoosh stores each posting block as one compressed pickle of ids, weights
and positions, so the ids of a common word cannot be read without decoding
all its positions: at a million articles, finding every article with
``Jahr`` spent half a second in that.  Beside each segment
(``MAIN_<segment>.seg``) a generation may hold ``MAIN_<segment>.frequent``:
for every term of the segment in at least :data:`MIN_DOC_FREQUENCY`
documents, and for every term of the word-form fields
(:data:`EVERY_TERM_FIELDS`, which the word-form lists count up to twenty
forms at a time in every segment, most of them rare), its document numbers
and weights (whoosh's term frequencies) as arrays a search maps into memory
and slices.  whoosh's own postings stay the source of truth; these are
derived from them and equal them, deleted documents included (deletions
are kept apart from segments).

The file (:mod:`indexer.writing.array_file`)::

    b"FREQPOST"   magic
    uint32 LE     length of the JSON header
    JSON          {"version", "segment", "documents", "min_doc_frequency",
                   "every_term_fields", "arrays": {name: [dtype, offset, count]}}
    arrays        keys   (``S<n>``, sorted: field name, NUL, term bytes, 0x01),
                  ends   (int64: where each key's postings end),
                  ids    (uint16 or uint32), weights (uint16, float32 or float64)

The file name follows whoosh's segment file pattern, so whoosh deletes it
with its segment when segments are merged.  It is written when a segment is
written (:mod:`indexer.writing.segments.writer`), derived from whoosh's
postings for segments without one before a generation is published
(:func:`write_missing`; whoosh's merges make such segments), and for an
existing generation by ``newsindex posting-arrays`` (:func:`add_to_live`).
The generation's manifest lists the files with their checksums; a file that
is not listed, has another size, or whose header does not describe its
segment is never used (:func:`load_generation`): the search reads whoosh's
postings instead.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

import numpy as np
from whoosh import index as whoosh_index

from indexer.whoosh_compat import read_postings, term_doc_frequency
from indexer.writing import array_file, document_columns, written_forms
from indexer.writing.store import DERIVED_SUFFIX, KEEP_GENERATIONS, IndexStore

LOG = logging.getLogger(__name__)

MAGIC = b"FREQPOST"
VERSION = 2
#: Versions still read (version 1 files have no ``every_term_fields``).
READABLE_VERSIONS = (1, 2)
#: Terms in fewer documents of a segment are read from whoosh's postings: at
#: about 1.1 µs a posting, at most about 0.1 ms per term and segment.
MIN_DOC_FREQUENCY = 64
#: Fields whose every term has arrays, however rare (keys short enough allowing).
EVERY_TERM_FIELDS = ("title_forms", "body_forms")
#: Longer keys (field name and term) are left to whoosh's postings.
MAX_KEY_BYTES = 64

#: One term's postings: field name, term bytes, document numbers, weights.
TermPostings = tuple[str, bytes, np.ndarray, np.ndarray]


def file_name(segment_id: str) -> str:
    """The arrays file beside whoosh's ``<segment_id>.seg`` (ids name their index)."""
    return segment_id + DERIVED_SUFFIX


def has_arrays(fieldname: str, doc_frequency: int) -> bool:
    """Whether a term of ``fieldname`` in ``doc_frequency`` documents of a segment gets arrays."""
    return doc_frequency >= MIN_DOC_FREQUENCY or fieldname in EVERY_TERM_FIELDS


def _key(fieldname: str, btext: bytes) -> bytes | None:
    """The key of a term in the arrays file (None: too long to have one).

    It ends in a byte that is never NUL, since NumPy's byte strings drop
    trailing NULs (numbers end in them).
    """
    key = fieldname.encode("utf-8") + b"\0" + btext + b"\1"
    return key if len(key) <= MAX_KEY_BYTES else None


# -- writing ----------------------------------------------------------------------


def encode(segment_id: str, documents: int, postings: Iterable[TermPostings]) -> bytes:
    """The arrays file of one segment of ``documents`` documents, from its frequent terms."""
    out = io.BytesIO()
    write(out, segment_id, documents, postings)
    return out.getvalue()


#: Postings converted and written at a time by :func:`write`.
WRITE_POSTINGS = 1 << 22


def write(out: BinaryIO, segment_id: str, documents: int,
          postings: Iterable[TermPostings]) -> None:
    """Write the arrays file of :func:`encode` to ``out``, the postings a batch at a time
    (memory holds the terms' arrays as given and one batch of them converted)."""
    keyed = sorted(((key, ids, weights) for fieldname, btext, ids, weights in postings
                    if (key := _key(fieldname, btext)) is not None), key=itemgetter(0))
    # (b"" gives a file without terms a key type too.)
    keys = np.array([k for k, _, _ in keyed] or [b""], dtype=bytes)[:len(keyed)]
    lengths = np.array([ids.size for _, ids, _ in keyed], dtype=np.int64)
    total = int(lengths.sum())
    id_type = np.dtype(np.uint16 if documents <= 1 << 16 else np.uint32)
    weights = [w for _, _, w in keyed]
    arrays = {"keys": keys, "ends": np.cumsum(lengths),
              "ids": array_file.Chunked(id_type, total, _batches([i for _, i, _ in keyed])),
              "weights": array_file.Chunked(np.dtype(_weight_dtype(weights)), total,
                                            _batches(weights))}
    header = {"version": VERSION, "segment": segment_id, "documents": documents,
              "min_doc_frequency": MIN_DOC_FREQUENCY, "every_term_fields": list(EVERY_TERM_FIELDS)}
    array_file.write_to(out, MAGIC, header, arrays)


def _batches(parts: list[np.ndarray]) -> Iterator[np.ndarray]:
    """``parts`` joined about :data:`WRITE_POSTINGS` at a time."""
    batch, size = [], 0
    for part in parts:
        batch.append(part)
        size += part.size
        if size >= WRITE_POSTINGS:
            yield np.concatenate(batch)
            batch, size = [], 0
    if batch:
        yield np.concatenate(batch)


def _weight_dtype(parts: list[np.ndarray]) -> type:
    """The smallest type that holds every weight exactly (term frequencies are whole)."""
    if all(not w.size or (np.all(w == np.round(w)) and w.min() >= 0 and w.max() < 1 << 16)
           for w in parts):
        return np.uint16
    if all(np.all(w.astype(np.float32) == w) for w in parts):
        return np.float32
    return np.float64


def frequent_terms(reader) -> Iterator[TermPostings]:
    """Every term of a whoosh segment reader that gets arrays (:func:`has_arrays`)."""
    terms = reader._terms  # whoosh's W3TermsReader: its term table, read without
    decode = terms._keydecoder  # unpacking the term info of each of its many rare terms
    for key, terminfo in terms._tindex.items():
        fieldname, btext = decode(key)
        if has_arrays(fieldname, term_doc_frequency(terminfo)):
            if fieldname in reader.schema:
                ids, weights = read_postings(reader, fieldname, btext)
                yield fieldname, btext, ids.astype(np.uint32), weights


def write_missing(directory: Path, earlier: Iterable[str] = (), processes: int = 1) -> int:
    """Derive the arrays of every segment in ``directory`` (a staged generation) lacking them
    (or holding them in an older version).

    Segments in ``earlier`` (ids of the generation this one started from)
    are left as they are: an update should not spend minutes on the
    segments of an archive built before arrays existed; ``newsindex
    posting-arrays`` derives theirs, in ``processes`` processes.  Returns
    how many files were written.
    """
    missing = [segment for segment in segment_ids(directory) - set(earlier)
               if file_version(directory / file_name(segment)) != VERSION]
    if processes > 1 and len(missing) > 1:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pool.starmap(_derive, [(directory, segment) for segment in missing])
    else:
        for segment in missing:
            _derive(directory, segment)
    return len(missing)


def _derive(directory: Path, segment: str) -> None:
    ix = whoosh_index.open_dir(directory)
    try:
        with ix.reader() as reader:
            [leaf] = [leaf for leaf, _ in reader.leaf_readers() if leaf._segid == segment]
            _write_new(directory / file_name(segment),
                       encode(segment, leaf.doc_count_all(), frequent_terms(leaf)))
    finally:
        ix.close()


def file_version(path: Path) -> int | None:
    """The format version of an arrays file, or None if there is none (or no such file)."""
    header = array_file.read_header(path, MAGIC)
    return None if header is None else header.get("version")


def segment_ids(directory: Path) -> set[str]:
    """The ids of the segments of the whoosh index in ``directory``."""
    ix = whoosh_index.open_dir(directory)
    try:
        return {segment.segment_id() for segment in ix._segments()}
    finally:
        ix.close()


def _write_new(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    with open(partial, "xb") as handle:
        handle.write(data)
    partial.rename(path)


@dataclass
class AddReport:
    """What ``newsindex posting-arrays`` did."""

    written: int
    seconds: float
    generation: str
    gathered: tuple[str, ...] = ()  # the generation's files gathered from all its segments

    def summary(self) -> str:
        if not self.written and not self.gathered:
            return (f"posting arrays: every segment has them, and the generation keeps its "
                    f"written forms and document columns; generation {self.generation} "
                    f"unchanged")
        gathered = f"; {', '.join(self.gathered)} gathered" if self.gathered else ""
        return (f"posting arrays: written for {self.written} segments{gathered} in "
                f"{self.seconds:.1f} s; generation {self.generation}")

    def to_dict(self) -> dict:
        return {"command": "posting-arrays", "written": self.written,
                "gathered": list(self.gathered), "seconds": round(self.seconds, 3),
                "generation": self.generation}


def add_to_live(store: IndexStore, wait: float = 0.0, keep: int = KEEP_GENERATIONS,
                processes: int = 1) -> AddReport:
    """Publish the live generation again with the arrays of every segment that lacks them,
    and its written forms and document columns if it keeps none for its segments.

    The new generation shares every other file with the live one (hard links).
    """
    started = time.monotonic()
    with store.writer("posting-arrays", wait=wait) as generations:
        live = store.current()
        staging = generations.stage_copy_of_current()
        written = write_missing(staging, processes=processes)
        published = live.manifest().get("files", {})
        missing = [kind for kind in (written_forms, document_columns)
                   if not kind.kept(staging, published.get(kind.FILENAME, {}))]
        for kind in missing:
            kind.write_for(staging)
        gathered = tuple(kind.FILENAME for kind in missing)
        if not written and not gathered:
            generations.discard(staging)
            return AddReport(0, time.monotonic() - started, live.name)
        manifest = {**live.manifest(), "posting_arrays": datetime.now(timezone.utc)
                    .isoformat(timespec="seconds")}
        generation = generations.publish(staging, manifest, keep)
    return AddReport(written, time.monotonic() - started, generation.name, gathered)


# -- reading ----------------------------------------------------------------------


class SegmentArrays:
    """One segment's arrays file, mapped into memory."""

    def __init__(self, keys: np.ndarray, ends: np.ndarray, ids: np.ndarray,
                 weights: np.ndarray, every_term_fields: Iterable[str] = ()) -> None:
        self.keys, self.ends, self.ids, self.weights = keys, ends, ids, weights
        #: fields whose terms are all here: a term not found is in no document of the segment
        self.every_term_fields = frozenset(every_term_fields)

    def holds_every_term(self, fieldname: str, btext: bytes) -> bool:
        """Whether this file would hold the term if the segment had it."""
        return fieldname in self.every_term_fields and _key(fieldname, btext) is not None

    def ids_of(self, fieldname: str, texts: list[bytes]) -> list[np.ndarray | None]:
        """The document numbers (as stored) of each of ``texts``, in one search of the keys.

        None for a term not here (for a field of :attr:`every_term_fields`
        and a short enough key: in no document of the segment).
        """
        found: list[np.ndarray | None] = [None] * len(texts)
        keys = [_key(fieldname, text) for text in texts]
        asked = [i for i, key in enumerate(keys)
                 if key is not None and len(key) <= self.keys.dtype.itemsize]
        if not asked or not self.keys.size:
            return found
        wanted = np.array([keys[i] for i in asked], dtype=self.keys.dtype)
        at = np.searchsorted(self.keys, wanted)
        inside = at < self.keys.size
        hit = np.zeros(len(asked), dtype=bool)
        hit[inside] = self.keys[at[inside]] == wanted[inside]
        for i, position in zip(np.array(asked)[hit].tolist(), at[hit].tolist()):
            start = int(self.ends[position - 1]) if position else 0
            found[i] = self.ids[start:int(self.ends[position])]
        return found

    def __len__(self) -> int:
        return self.keys.size

    def get(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """The term's document numbers (int64) and weights (float64), or None if not here."""
        key = _key(fieldname, btext)
        if key is None or not self.keys.size or len(key) > self.keys.dtype.itemsize:
            return None
        at = int(np.searchsorted(self.keys, key))
        if at == self.keys.size or self.keys[at] != key:
            return None
        start = int(self.ends[at - 1]) if at else 0
        end = int(self.ends[at])
        return self.ids[start:end].astype(np.int64), self.weights[start:end].astype(np.float64)

    @classmethod
    def open(cls, path: Path, segment_id: str, documents: int) -> "SegmentArrays":
        """Map ``path``; raises ValueError if it does not describe this segment."""
        header, arrays = array_file.read(path, MAGIC)
        if header.get("version") not in READABLE_VERSIONS:
            raise ValueError(f"version {header.get('version')}, not one of {READABLE_VERSIONS}")
        if header.get("segment") != segment_id or header.get("documents") != documents:
            raise ValueError(f"written for segment {header.get('segment')} of "
                             f"{header.get('documents')} documents")
        keys, ends, ids = arrays["keys"], arrays["ends"], arrays["ids"]
        if ends.size != keys.size or (ends.size and int(ends[-1]) != ids.size) \
                or ids.size != arrays["weights"].size:
            raise ValueError("its arrays do not fit together")
        return cls(keys, ends, ids, arrays["weights"], header.get("every_term_fields", ()))


def load_generation(path: Path, files: dict, segments: Iterable[tuple[str, int]]
                    ) -> dict[str, SegmentArrays]:
    """The arrays of a generation's segments, by segment id, as far as they can be trusted.

    ``files``: the manifest's records by file name; ``segments``: (segment
    id, documents) of each segment.  A file the manifest does
    not list with its present size, or whose header does not describe its
    segment, is logged and left out.
    """
    found = {}
    for segment_id, documents in segments:
        name = file_name(segment_id)
        file = path / name
        if not file.exists():
            continue
        try:
            if name not in files or file.stat().st_size != files[name]["size"]:
                raise ValueError("it differs from the generation's manifest")
            found[segment_id] = SegmentArrays.open(file, segment_id, documents)
        except (OSError, ValueError, KeyError, TypeError) as exc:  # whatever a bad header gives
            LOG.warning("posting arrays %s not used (%s): whoosh's postings answer instead",
                        file, exc)
    return found
