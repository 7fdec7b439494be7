"""Segments merged by size: many small segments of an index into few large ones.

:func:`plan_merges` chooses: consecutive segments under ``target_docs``
articles are gathered into groups of at most ``target_docs`` (a segment
with deleted articles is rewritten even alone, without them).
:func:`merge_tiers` merges each group into one segment with the segment
writer's encoders (:func:`~indexer.writing.segments.merge.merge_segments`),
where the group stood, inside an index directory that is not live: a
staged generation of a first build or of a consolidation
(:mod:`indexer.writing.consolidate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Segment

from indexer.writing.segments.merge import merge_segments
from indexer.writing.segments.sink import commit_toc

#: Articles a consolidated segment holds at most: 20 segments of a build.
TARGET_DOCS = 100_000


@dataclass
class Tiers:
    """Segments of an index before and after :func:`merge_tiers`, and the groups it merged."""

    before: int
    after: int
    groups: int


def plan_merges(segments: list[W3Segment], target_docs: int) -> list[list[W3Segment]]:
    """The groups of consecutive segments to merge, each into one.

    Segments of at least ``target_docs`` live articles without deletions
    stay; the others are gathered in order while their articles add up to
    at most ``target_docs``.  A group of one is merged only to drop its
    deleted articles.
    """
    groups: list[list[W3Segment]] = []
    group: list[W3Segment] = []
    for segment in segments:
        live = segment.doc_count()
        if live >= target_docs and not segment.has_deletions():
            groups.append(group)
            group = []
            continue
        if group and sum(s.doc_count() for s in group) + live > target_docs:
            groups.append(group)
            group = []
        group.append(segment)
    groups.append(group)
    return [g for g in groups if len(g) > 1 or (g and g[0].has_deletions())]


def merge_tiers(directory: Path, target_docs: int = TARGET_DOCS) -> Tiers:
    """Merge the segments of the index in ``directory`` as :func:`plan_merges` plans.

    Each group takes the place of its first segment, so the articles keep
    their order.  Posting arrays are written for the new segments.  The
    index is not live: its files change in place.
    """
    ix = whoosh_index.open_dir(directory)
    writer = ix.writer()  # holds the index lock; adds nothing
    segments = list(writer.segments)
    groups = plan_merges(segments, target_docs)
    if not groups:
        writer.cancel()
        ix.close()
        return Tiers(len(segments), len(segments), 0)
    try:  # (a group whose articles are all deleted leaves nothing)
        merged_into = {id(group[0]): merge_segments(ix.storage, ix.indexname, ix.schema, group)
                       for group in groups if sum(s.doc_count() for s in group)}
    except BaseException:
        writer.cancel()
        raise
    merged = {id(s) for group in groups for s in group}
    after = [merged_into[id(s)] if id(s) in merged_into else s
             for s in segments if id(s) in merged_into or id(s) not in merged]
    commit_toc(writer, after)
    ix.close()
    return Tiers(len(segments), len(after), len(groups))
