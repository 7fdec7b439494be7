"""Every written form of a generation, its article count and its segments, gathered once.

The word-form lists (:mod:`indexer.searching.expansions`) need every form of
``title_forms`` and ``body_forms`` (each word as written, folded), the
number of articles holding it (the larger of its title and body counts,
deleted articles included, exactly whoosh's ``doc_frequency``) and the
segments holding it.  :func:`gather` reads them in one pass over each
segment's term table; that takes about a second at 100,000 articles and
over half a minute at a million, so the writer does it before a generation
is published and keeps the result beside it as ``written-forms.npz``
(:func:`write`), which a server loads in a fraction of a second
(:func:`load`).

The file is derived data: one that is missing, differs from its manifest
record in size, cannot be read, or was gathered from other segments (a
generation staged as a copy of an older one) is not used, and the forms are
gathered from the term tables instead.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from indexer.whoosh_compat import field_terms
from indexer.writing.store import WRITTEN_FORMS

LOG = logging.getLogger(__name__)

FILENAME = WRITTEN_FORMS
#: The fields whose terms are the written forms.
FIELDS = ("title_forms", "body_forms")


@dataclass(frozen=True)
class WrittenForms:
    """The sorted distinct forms of some fields and, per form, its article count and segments.

    The segments of form ``i`` are ``segments[segment_ends[i - 1]:segment_ends[i]]``:
    indices into ``segment_ids``, the generation's segments in its reader's order.
    """

    forms: list[str]
    frequencies: np.ndarray
    segment_ends: np.ndarray
    segments: np.ndarray
    segment_ids: tuple[str, ...]


def segment_ids(reader) -> tuple[str, ...]:
    """The ids of ``reader``'s segments, in its order (an empty index has none)."""
    return tuple(leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()
                 if leaf.segment() is not None)


def gather(reader, fieldnames: Iterable[str] = FIELDS) -> WrittenForms:
    """The forms of ``fieldnames`` in every segment of ``reader`` (a whoosh reader)."""
    numbers: dict[bytes, int] = {}  # form → number in the order first met
    counts: list[np.ndarray] = []  # per field, articles per form number
    held: list[np.ndarray] = []  # per segment and field, the form numbers it holds
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    for fieldname in fieldnames:
        in_field = np.zeros(0, dtype=np.int64)
        for leaf in leaves:
            terms, frequencies = field_terms(leaf, fieldname)
            here = np.array([numbers.setdefault(t, len(numbers)) for t in terms], dtype=np.int64)
            if len(numbers) > in_field.size:
                in_field = np.concatenate([in_field, np.zeros(len(numbers) - in_field.size,
                                                              dtype=np.int64)])
            in_field[here] += frequencies  # a segment holds a term once
            held.append(here)
        counts.append(in_field)
    ordered = sorted(numbers)  # UTF-8 byte order is code point order
    order = np.fromiter(map(numbers.__getitem__, ordered), dtype=np.int64, count=len(ordered))
    frequency = np.zeros(len(numbers), dtype=np.int64)
    for in_field in counts:
        frequency[:in_field.size] = np.maximum(frequency[:in_field.size], in_field)
    position = np.empty(len(numbers), dtype=np.int64)
    position[order] = np.arange(len(numbers))
    width = max(len(leaves), 1)  # (form, segment) pairs as form * width + segment
    segment_of = np.concatenate([np.full(h.size, i % width, dtype=np.int64)
                                 for i, h in enumerate(held)] or [np.zeros(0, np.int64)])
    form_of = position[np.concatenate(held or [np.zeros(0, np.int64)])]
    pairs = np.unique(form_of * width + segment_of)  # a form in both fields: once
    ends = np.searchsorted(pairs // width, np.arange(len(numbers)), "right")
    return WrittenForms([b.decode("utf-8") for b in ordered], frequency[order], ends,
                        (pairs % width).astype(np.int32), segment_ids(reader))


def write(directory: Path, forms: WrittenForms) -> Path:
    """Keep ``forms`` in ``directory``, under a temporary name first and then renamed
    (a staged generation shares its files with the live one through hard links)."""
    path = Path(directory) / FILENAME
    partial = path.with_name(FILENAME + ".partial")
    text = "\n".join(forms.forms).encode("utf-8")
    with open(partial, "wb") as out:
        np.savez(out, text=np.frombuffer(text, dtype=np.uint8),
                 count=np.array([len(forms.forms)], dtype=np.int64),
                 frequencies=forms.frequencies.astype(np.int64),
                 segment_ends=forms.segment_ends.astype(np.int64),
                 segments=forms.segments.astype(np.int32),
                 segment_ids=np.array(forms.segment_ids, dtype=np.str_))
    os.replace(partial, path)
    return path


def write_for(directory: Path) -> Path:
    """Gather the forms of the index in ``directory`` and keep them beside it."""
    ix = whoosh_index.open_dir(str(directory))
    try:
        with ix.reader() as reader:
            return write(directory, gather(reader))
    finally:
        ix.close()


def kept(directory: Path, published: dict) -> bool:
    """Whether the index in ``directory`` keeps usable written forms (see :func:`load`)."""
    ix = whoosh_index.open_dir(str(directory))
    try:
        with ix.reader() as reader:
            return load(directory, published, reader) is not None
    finally:
        ix.close()


def load(directory: Path, published: dict, reader) -> WrittenForms | None:
    """The forms kept in ``directory`` if they are ``reader``'s (same segments, in its
    order) and the file has the size its manifest record ``published`` gives; else None."""
    path = Path(directory) / FILENAME
    try:
        if not path.exists() or path.stat().st_size != published.get("size"):
            return None
        with np.load(path, allow_pickle=False) as stored:
            if tuple(stored["segment_ids"].tolist()) != segment_ids(reader):
                return None
            count = int(stored["count"][0])
            text = stored["text"].tobytes().decode("utf-8")
            forms = text.split("\n") if count else []
            found = WrittenForms(forms, stored["frequencies"], stored["segment_ends"],
                                 stored["segments"], segment_ids(reader))
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
        LOG.warning("%s cannot be read (%s); the forms are gathered from the segments",
                    path, exc)
        return None
    sizes = {count, found.frequencies.size, found.segment_ends.size}
    if sizes != {len(forms)} or (count and int(found.segment_ends[-1]) != found.segments.size):
        LOG.warning("%s does not describe its forms; they are gathered from the segments", path)
        return None
    return found
