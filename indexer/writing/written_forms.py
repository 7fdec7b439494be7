"""Every written form of a generation, its article count and its segments, gathered once.

The word-form lists (:mod:`indexer.searching.expansions`) need every form of
``title_forms`` and ``body_forms`` (each word as written, folded), the
number of articles holding it (the larger of its title and body counts,
deleted articles included, exactly whoosh's ``doc_frequency``) and the
segments holding it.  :func:`gather` reads them in one pass over each
segment's term table; that takes about a second at 100,000 articles and
over half a minute at a million, so the writer does it before a generation
is published and keeps the result beside it as ``written-forms.arrays``
(:func:`write`), which a server loads in a fraction of a second
(:func:`load`).

The file is derived data: one that is missing, differs from its manifest
record in size, cannot be read, or was gathered from other segments (a
generation staged as a copy of an older one) is not used, and the forms are
gathered from the term tables instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.whoosh_compat import field_terms, index_reader
from indexer.writing import array_file
from indexer.writing.store import WRITTEN_FORMS

LOG = logging.getLogger(__name__)

FILENAME = WRITTEN_FORMS
MAGIC = b"WRITFORM"
#: The fields whose terms are the written forms.
FIELDS = ("title_forms", "body_forms")


@dataclass(frozen=True)
class WrittenForms:
    """The sorted distinct forms of some fields and, per form, its article count and segments.

    The segments of form ``i`` are ``segments[segment_ends[i - 1]:segment_ends[i]]``:
    indices into ``segment_ids``, the generation's segments in its reader's order.
    """

    forms: list[str]
    frequencies: np.ndarray  # the largest of the field counts
    segment_ends: np.ndarray
    segments: np.ndarray
    segment_ids: tuple[str, ...]
    field_counts: np.ndarray | None = None  # articles per field (rows) and form (columns)
    fields: tuple[str, ...] = FIELDS


def segment_ids(reader) -> tuple[str, ...]:
    """The ids of ``reader``'s segments, in its order (an empty index has none)."""
    return tuple(leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()
                 if leaf.segment() is not None)


def gather(reader, fieldnames: Iterable[str] = FIELDS,
           earlier: WrittenForms | None = None) -> WrittenForms:
    """The forms of ``fieldnames`` in every segment of ``reader`` (a whoosh reader).

    Each segment's terms are read from its term table in key order; forms are
    numbered in the order first met, and each segment's numbers, counts and
    holdings stay arrays (a million articles hold some fifteen million
    (form, segment) pairs, so nothing is done per pair in Python but one
    dictionary look-up).  ``earlier``: the forms of a generation whose
    segments this one's begin with (an update that merged none adds its own
    after them); they are taken over, and only the segments after them read.
    """
    fieldnames = tuple(fieldnames)
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    numbers: dict[bytes, int] = {}  # form → number, in the order first met
    counts = [np.zeros(0, dtype=np.int64) for _ in fieldnames]  # per field: articles per form
    pair_forms: list[np.ndarray] = []  # (form number, segment index) pairs, segments in order
    pair_segments: list[np.ndarray] = []
    shared = _shared_segments(earlier, fieldnames, segment_ids(reader))
    if shared:
        numbers = {form.encode("utf-8"): n for n, form in enumerate(earlier.forms)}
        counts = [row.astype(np.int64) for row in earlier.field_counts]
        pair_forms.append(np.repeat(np.arange(len(earlier.forms), dtype=np.int32),
                                    np.diff(earlier.segment_ends, prepend=0)))
        pair_segments.append(earlier.segments.astype(np.int32))
    for index, leaf in enumerate(leaves[shared:], start=shared):
        in_segment = []
        for field, fieldname in enumerate(fieldnames):
            terms, frequencies = field_terms(leaf, fieldname)
            here = _numbered(numbers, terms)
            if len(numbers) > counts[field].size:
                counts[field] = np.concatenate([counts[field], np.zeros(
                    len(numbers) - counts[field].size, dtype=np.int64)])
            counts[field][here] += frequencies  # a segment holds a term once
            in_segment.append(here)
        held = _distinct(in_segment)
        pair_forms.append(held)
        pair_segments.append(np.full(held.size, index, dtype=np.int32))
    for field in range(len(fieldnames)):
        counts[field] = np.concatenate([counts[field], np.zeros(
            len(numbers) - counts[field].size, dtype=np.int64)])
    ordered = sorted(numbers)  # UTF-8 byte order is code point order
    order = np.fromiter(map(numbers.__getitem__, ordered), dtype=np.int64, count=len(ordered))
    field_counts = (np.stack(counts)[:, order] if fieldnames
                    else np.zeros((0, len(ordered)), dtype=np.int64))
    position = np.empty(len(numbers), dtype=np.int32)
    position[order] = np.arange(len(numbers), dtype=np.int32)
    # A stable sort by form keeps each form's segments in order.
    form_of = position[np.concatenate(pair_forms)] if pair_forms else np.zeros(0, np.int32)
    segments = (np.concatenate(pair_segments)[np.argsort(form_of, kind="stable")]
                if pair_segments else np.zeros(0, dtype=np.int32))
    ends = np.cumsum(np.bincount(form_of, minlength=len(numbers))).astype(np.int64)
    return WrittenForms([b.decode("utf-8") for b in ordered],
                        field_counts.max(axis=0, initial=0), ends, segments,
                        segment_ids(reader), field_counts, fieldnames)


def _shared_segments(earlier: WrittenForms | None, fieldnames: tuple[str, ...],
                     segments: tuple[str, ...]) -> int:
    """How many of ``segments`` the ``earlier`` forms cover: all of theirs if they
    are the first of ``segments``, for the same fields, with counts per field; else 0."""
    if earlier is None or earlier.field_counts is None or earlier.fields != fieldnames:
        return 0
    shared = len(earlier.segment_ids)
    return shared if segments[:shared] == earlier.segment_ids else 0


def _distinct(arrays: list[np.ndarray]) -> np.ndarray:
    """The distinct numbers of ``arrays``, sorted (a form in both fields is held once)."""
    found = np.sort(np.concatenate(arrays)) if arrays else np.zeros(0, dtype=np.int32)
    return found[np.concatenate(([True], found[1:] != found[:-1]))] if found.size else found


def _numbered(numbers: dict[bytes, int], terms: list[bytes]) -> np.ndarray:
    """The numbers of ``terms``, new ones numbered on from ``len(numbers)``."""
    for term in sorted(set(terms).difference(numbers)):
        numbers[term] = len(numbers)
    return np.fromiter(map(numbers.__getitem__, terms), dtype=np.int32, count=len(terms))


def write(directory: Path, forms: WrittenForms) -> Path:
    """Keep ``forms`` in ``directory`` (:mod:`indexer.writing.array_file`)."""
    text = "\n".join(forms.forms).encode("utf-8")
    header = {"forms": len(forms.forms), "segment_ids": list(forms.segment_ids),
              "fields": list(forms.fields) if forms.field_counts is not None else None}
    arrays = {"text": np.frombuffer(text, dtype=np.uint8),
              "frequencies": forms.frequencies.astype(np.int64),
              "segment_ends": forms.segment_ends.astype(np.int64),
              "segments": forms.segments.astype(np.int32)}
    if forms.field_counts is not None:
        arrays["field_counts"] = forms.field_counts.astype(np.int32).ravel()
    return array_file.write(Path(directory) / FILENAME, MAGIC, header, arrays)


def write_for(directory: Path, earlier: WrittenForms | None = None) -> Path:
    """Gather the forms of the index in ``directory`` (taking over ``earlier`` if its
    segments come first there) and keep them beside it."""
    with index_reader(directory) as reader:
        return write(directory, gather(reader, earlier=earlier))


def kept(directory: Path, published: dict) -> bool:
    """Whether the index in ``directory`` keeps usable written forms (see :func:`load`)."""
    with index_reader(directory) as reader:
        return load(directory, published, reader) is not None


def load(directory: Path, published: dict, reader) -> WrittenForms | None:
    """The forms kept in ``directory`` if they are ``reader``'s (same segments, in its
    order) and the file has the size its manifest record ``published`` gives; else None."""
    path = Path(directory) / FILENAME
    try:
        if not path.exists() or path.stat().st_size != published.get("size"):
            return None
        header, arrays = array_file.read(path, MAGIC)
        if tuple(header["segment_ids"]) != segment_ids(reader):
            return None
        count = int(header["forms"])
        forms = arrays["text"].tobytes().decode("utf-8").split("\n") if count else []
        fields = tuple(header.get("fields") or ())  # (none before counts per field were kept)
        field_counts = (arrays["field_counts"].reshape(len(fields), count)
                        if "field_counts" in arrays else None)
        found = WrittenForms(forms, arrays["frequencies"], arrays["segment_ends"],
                             arrays["segments"], segment_ids(reader), field_counts,
                             fields or FIELDS)
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        LOG.warning("%s cannot be read (%s); the forms are gathered from the segments",
                    path, exc)
        return None
    sizes = {count, found.frequencies.size, found.segment_ends.size}
    if sizes != {len(forms)} or (count and int(found.segment_ends[-1]) != found.segments.size):
        LOG.warning("%s does not describe its forms; they are gathered from the segments", path)
        return None
    return found
