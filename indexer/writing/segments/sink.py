"""Records in, closed whoosh segments out: what the build and update hand their documents to.

A :class:`SegmentSink` gathers the ``add_document`` arguments of
:func:`indexer.writing.schema.to_fields` and writes every ``segment_docs``
of them as one segment (:func:`~indexer.writing.segments.writer.write_segment`),
with their text fields analysed once per word form
(:class:`~indexer.writing.segments.forms.FormAnalyser`), starting from the
forms a build before it saved when given its ``forms_file``
(:mod:`~indexer.writing.segments.form_cache`); its time goes to the
phases ``analyse`` and ``write`` of a :class:`~indexer.writing.phases.PhaseClock`.
A schema with term vectors or spelling words, which the segment writer does
not write, has its segments written by whoosh's own ``SegmentWriter`` instead.  The caller
lists the segments in a table of contents, as it would whoosh's own.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Mapping

from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.fields import Schema
from whoosh.writing import SegmentWriter

from indexer.writing.phases import ANALYSE, WRITE, PhaseClock
from indexer.writing.segments import form_cache
from indexer.writing.segments.forms import FormAnalyser
from indexer.writing.segments.malloc import give_back_freed_memory
from indexer.writing.segments.postfile import CodecOptions
from indexer.writing.segments.small_fields import Indexer
from indexer.writing.segments.writer import SegmentBatch, write_segment


def codec_options(codec: W3Codec) -> CodecOptions:
    """The segment writer's options for whoosh's ``codec`` (block size, compression, inlining)."""
    return CodecOptions(blocklimit=codec._blocklimit, compression=codec._compression,
                        inlinelimit=codec._inlinelimit)


class SegmentSink:
    """Writes the records it is given into segments of ``segment_docs`` documents.

    ``turn``, a lock shared by several sinks, lets one of them at a time
    analyse and write, so that writer processes do not all hold a segment's
    memory at once.  What a segment took is given back to the system once it
    is written.
    """

    def __init__(self, ix, codec: W3Codec, segment_docs: int,
                 forms_file: Path | None = None, clock: PhaseClock | None = None,
                 turn: AbstractContextManager | None = None) -> None:
        self.ix, self.codec = ix, codec
        self.clock = clock or PhaseClock()
        self.turn = turn or nullcontext()
        self.storage, self.indexname, self.schema = ix.storage, ix.indexname, ix.schema
        self.own_writer = writes(self.schema)
        self.options = codec_options(codec)
        self.segment_docs = segment_docs
        self.analyser = FormAnalyser(self.schema)
        self.forms_file = forms_file
        if forms_file is not None:
            form_cache.load(forms_file, self.analyser)
        self.indexers: dict[str, Indexer] = {}  # kept across segments for their memos
        self.pending: list[Mapping] = []
        self.segments: list[W3Segment] = []

    def add(self, record: Mapping) -> None:
        self.pending.append(record)
        if len(self.pending) >= self.segment_docs:
            self.close_segment()

    def close_segment(self) -> None:
        """Write the records gathered so far as one segment (none when there are none)."""
        if not self.pending:
            return
        records, self.pending = self.pending, []
        if self.own_writer:
            with self.turn:
                with self.clock.phase(ANALYSE):
                    batch = SegmentBatch(records, self.analyser.analyse(records))
                with self.clock.phase(WRITE):
                    self.segments.append(write_segment(self.storage, self.indexname,
                                                       self.schema, batch, self.options,
                                                       self.indexers))
                    del batch, records
                    give_back_freed_memory()
        else:
            with self.clock.phase(WRITE):
                writer = SegmentWriter(self.ix, _lk=False, codec=self.codec)
                for record in records:
                    writer.add_document(**record)
                self.segments.append(writer._finalize_segment())

    def finish(self) -> list[W3Segment]:
        """Close the last segment and save the form table; every segment written, in order."""
        self.close_segment()
        if self.forms_file is not None:
            with self.clock.phase(WRITE):
                form_cache.save(self.forms_file, self.analyser)
        return self.segments


def writes(schema: Schema) -> bool:
    """Whether the segment writer writes every field of ``schema`` (no vectors, no spelling)."""
    return not any(field.vector or field.separate_spelling() for _, field in schema.items())


def commit_segments(writer, segments: list[W3Segment]) -> None:
    """List ``segments`` after the index's own in a new table of contents, and unlock.

    ``writer`` is the whoosh writer that holds the index lock; it has added
    nothing itself.
    """
    commit_toc(writer, list(writer.segments) + segments)


def commit_toc(writer, segments: list[W3Segment]) -> None:
    """List exactly ``segments`` in a new table of contents, and unlock.

    Files of the index's segments not listed are removed.  ``writer`` is the
    whoosh writer that holds the index lock; it has added nothing itself.
    """
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()
