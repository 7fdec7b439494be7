"""Consolidating an index: its segments merged into few large ones, as a new generation.

A first build leaves one segment per ``SEGMENT_DOCS`` articles (201 at a
million), every update adds one of its own, and replaced and deleted
articles stay in their segments, marked deleted.  A search reads every
segment for every term, so many segments cost time.  :func:`consolidate`
merges them by size: consecutive segments under ``target_docs`` articles
are gathered into groups of at most ``target_docs`` (a segment with deleted
articles is rewritten even alone, without them), and each group becomes one
segment (:func:`~indexer.writing.segments.merge.merge_segments`), where the
group stood.  The result is published like a build: a running server goes
on answering from the generation it has open and swaps at its next refresh.
Vocabulary, entity forms, duplicates and arrival times are the live
generation's, unchanged, since the articles are; the written forms and the
document columns are gathered again for the new segments.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from indexer.writing import document_columns, written_forms
from indexer.writing.build import check_opens
from indexer.writing.posting_arrays import write_missing
from indexer.writing.store import KEEP_GENERATIONS, IndexStore
from indexer.writing.tiers import TARGET_DOCS, merge_tiers


@dataclass
class ConsolidateReport:
    """What a consolidation did."""

    segments_before: int
    segments_after: int
    groups: int  # groups of segments merged (0: nothing to merge)
    documents: int
    seconds: float
    generation: str

    def summary(self) -> str:
        if not self.groups:
            return (f"consolidate: nothing to merge ({self.segments_before} segments, "
                    f"documents {self.documents:,}); generation {self.generation} unchanged")
        return (f"consolidate: {self.segments_before} segments merged into "
                f"{self.segments_after}; documents {self.documents:,}; in {self.seconds:.1f} s")

    def to_dict(self) -> dict:
        return {"command": "consolidate", "segments_before": self.segments_before,
                "segments_after": self.segments_after, "groups_merged": self.groups,
                "documents": self.documents, "seconds": round(self.seconds, 3)}


def consolidate(store: IndexStore, target_docs: int = TARGET_DOCS, wait: float = 0.0,
                keep: int = KEEP_GENERATIONS) -> ConsolidateReport:
    """Merge the live generation's segments into segments of up to ``target_docs`` articles."""
    started = time.monotonic()
    with store.writer("consolidate", wait=wait) as generations:
        staging = generations.stage_copy_of_current()
        documents = check_opens(staging)
        tiers = merge_tiers(staging, target_docs)
        report = ConsolidateReport(tiers.before, tiers.after, tiers.groups, documents, 0.0,
                                   store.current().name)
        if tiers.groups:
            check_opens(staging, expected=documents)
            write_missing(staging)  # (none missing: the merge writes them)
            written_forms.write_for(staging)
            document_columns.write_for(staging)
            report.seconds = time.monotonic() - started
            manifest = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        **report.to_dict()}
            report.generation = generations.publish(staging, manifest, keep).name
        else:
            generations.discard(staging)
            report.seconds = time.monotonic() - started
    return report
