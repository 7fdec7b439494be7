"""Consolidating an index: its small segments merged into one, as a new generation.

Every update adds a segment of its own, and whoosh merges them only once
there are many (:func:`indexer.writing.build.merge_small_segments`); replaced
and deleted articles stay in their segments, marked deleted, until then.  A
search reads every segment, so many small ones cost time.  :func:`consolidate`
merges every segment under ``segment_docs`` articles and every segment with
deleted articles into one (whoosh's own merge, which leaves the deleted
articles out) and publishes the result like a build: a running server goes
on answering from the generation it has open and swaps at its next refresh.
Vocabulary, entity forms, duplicates and arrival times are the live
generation's, unchanged, since the articles are; the written forms are
gathered again for the new segments.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader

from indexer.writing import document_columns, written_forms
from indexer.writing.build import CODEC, check_opens
from indexer.writing.parallel import SEGMENT_DOCS
from indexer.writing.posting_arrays import write_missing
from indexer.writing.store import KEEP_GENERATIONS, IndexStore


@dataclass
class ConsolidateReport:
    """What a consolidation did."""

    segments_before: int
    segments_after: int
    documents: int
    seconds: float
    generation: str

    def summary(self) -> str:
        if self.segments_after == self.segments_before:
            return (f"consolidate: nothing to merge ({self.segments_before} segments, "
                    f"documents {self.documents:,}); generation {self.generation} unchanged")
        return (f"consolidate: {self.segments_before} segments merged into "
                f"{self.segments_after}; documents {self.documents:,}; in {self.seconds:.1f} s")

    def to_dict(self) -> dict:
        return {"command": "consolidate", "segments_before": self.segments_before,
                "segments_after": self.segments_after, "documents": self.documents,
                "seconds": round(self.seconds, 3)}


def consolidate(store: IndexStore, segment_docs: int = SEGMENT_DOCS, wait: float = 0.0,
                keep: int = KEEP_GENERATIONS) -> ConsolidateReport:
    """Merge the live generation's small segments, and those with deletions, into one."""
    started = time.monotonic()
    with store.writer("consolidate", wait=wait) as generations:
        staging = generations.stage_copy_of_current()
        ix = whoosh_index.open_dir(staging)
        writer = ix.writer(codec=CODEC)
        segments = list(writer.segments)
        chosen = [s for s in segments if s.doc_count_all() < segment_docs or s.has_deletions()]
        documents = ix.doc_count()
        if len(chosen) < 2 and not any(s.has_deletions() for s in chosen):
            writer.cancel()
            ix.close()
            generations.discard(staging)
            return ConsolidateReport(len(segments), len(segments), documents,
                                     time.monotonic() - started, store.current().name)

        def merge_chosen(writer, segments: list) -> list:
            for segment in chosen:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                writer.add_reader(reader)
                reader.close()
            return [s for s in segments if s not in chosen]

        writer.commit(mergetype=merge_chosen)
        ix.close()
        check_opens(staging, expected=documents)
        write_missing(staging, {s.segment_id() for s in segments})
        written_forms.write_for(staging)
        document_columns.write_for(staging)
        after = _segment_count(staging)
        report = ConsolidateReport(len(segments), after, documents,
                                   time.monotonic() - started, "")
        manifest = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    **report.to_dict()}
        report.generation = generations.publish(staging, manifest, keep).name
    return report


def _segment_count(directory) -> int:
    ix = whoosh_index.open_dir(directory)
    try:
        with ix.reader() as reader:
            return len(reader.leaf_readers())
    finally:
        ix.close()
