"""Building and updating the index: corpus → documents → entities → whoosh.

:func:`build` writes a complete new generation from the given paths;
:func:`update` starts from the live generation and adds new articles,
replaces changed ones (by content hash) and optionally deletes vanished ones.
Both hold the writer lock, stage their work beside the live index and publish
it atomically (see :mod:`indexer.writing.store`), and both report every skipped
record with its file, line and reason.  A generation is published only after
it has been opened and searched (:func:`check_opens`); a full disk ends the
run with :class:`~indexer.writing.store.NoSpaceError` and leaves nothing behind.
"""

from __future__ import annotations

import errno
import os
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import SegmentReader

from indexer.reading.corpus import Problem, iter_files, read_file
from indexer.reading.documents import Document
from indexer.whoosh_compat import read_each_segment
from indexer.writing import document_columns, written_forms
from indexer.writing.arrivals import Arrivals
from indexer.writing.duplicates import DuplicateFinder, clustered
from indexer.writing.entity_cache import EntityCache
from indexer.writing.entity_forms import read_forms, uncount_forms, write_forms
from indexer.writing.feed import ArticleFeed
from indexer.writing.parallel import SEGMENT_DOCS, write_in_parallel
from indexer.writing.phases import CLUSTER, COMMIT, ENTITIES, MERGE, READ, PhaseClock
from indexer.writing.posting_arrays import segment_ids, write_missing
from indexer.writing.progress import Progress
from indexer.writing.schema import (
    Filing,
    build_schema,
    stored_mention_forms,
)
from indexer.writing.segments import form_cache
from indexer.writing.segments.sink import SegmentSink, commit_segments
from indexer.writing.store import (
    KEEP_GENERATIONS,
    Generation,
    GenerationWriter,
    IndexMissingError,
    IndexStore,
    NoSpaceError,
    StoreError,
)
from indexer.writing.tiers import merge_tiers
from indexer.writing.vocabulary import read_counts, write_vocabulary

#: Problems kept verbatim in a report; beyond that they are only counted.
MAX_LISTED_PROBLEMS = 1000
#: whoosh's codec, with posting lists of a single document kept in the term
#: table instead of a compressed block of their own (most word pairs and
#: names occur in one article only).
CODEC = W3Codec(inlinelimit=2)
#: Corpora larger than this are indexed by one writer process per core.
PARALLEL_FROM_BYTES = 8_000_000
#: Index bytes per corpus byte (about 6.5 at 20,000 and 1,000,000 articles).
INDEX_BYTES_PER_CORPUS_BYTE = 7


class UnreadableBuildError(StoreError, RuntimeError):
    """The index just written does not open; it was not published."""

    def __init__(self, staging: Path, detail: str) -> None:
        super().__init__(
            f"the index just written to {staging} does not open ({detail}), so it was not "
            "published and the live index is unchanged; check the disk, then run the command "
            "again")


@dataclass
class BuildReport:
    """What a build or update did, for the summary line and the manifest."""

    command: str
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: Counter = field(default_factory=Counter)  # error kind -> count
    warnings: Counter = field(default_factory=Counter)  # warning kind -> count
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    generation: str = ""
    documents: int = 0  # documents in the index afterwards
    phases: Counter = field(default_factory=Counter)  # phase -> CPU seconds, all processes

    @property
    def indexed(self) -> int:
        return self.added + self.replaced

    def record(self, problem: Problem) -> None:
        counter = self.skipped if problem.severity == "error" else self.warnings
        counter[problem.kind] += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(problem)

    def summary(self) -> str:
        parts = [f"{self.command}: indexed {self.indexed:,}"]
        if self.command == "update":
            parts.append(f"(added {self.added:,}, replaced {self.replaced:,}, "
                         f"unchanged {self.unchanged:,}, deleted {self.deleted:,})")
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items()))
        parts.append(f"skipped {skipped:,}" + (f" ({reasons})" if reasons else ""))
        if self.warnings:
            warned = ", ".join(f"{k} {v}" for k, v in sorted(self.warnings.items()))
            parts.append(f"warnings {sum(self.warnings.values()):,} ({warned})")
        parts.append(f"documents {self.documents:,}")
        parts.append(f"in {self.seconds:.1f} s")
        return "; ".join(parts)

    def to_dict(self) -> dict:
        return {
            "command": self.command,
            "indexed": self.indexed,
            "added": self.added,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "skipped": dict(self.skipped),
            "warnings": dict(self.warnings),
            "seconds": round(self.seconds, 3),
            "documents": self.documents,
            "phases": {name: round(seconds, 3) for name, seconds in self.phases.items()},
        }


ProblemSink = Callable[[Problem], None]


def read_documents(paths: Iterable[str | os.PathLike], report: BuildReport,
                   progress: Progress | None = None,
                   on_problem: ProblemSink | None = None) -> Iterator[Document]:
    """Every good document under ``paths``, once per id; problems go to the report."""
    files = list(iter_files(paths))
    first_seen: dict[str, str] = {}
    done_bytes = docs = 0

    def note(problem: Problem) -> None:
        report.record(problem)
        if on_problem:
            on_problem(problem)

    for entry in files:
        if isinstance(entry, Problem):
            note(entry)
            continue
        size = _size(entry)
        in_file = 0
        for item in read_file(entry):
            if isinstance(item, Problem):
                note(item)
                continue
            if item.id in first_seen:
                note(Problem("duplicate-id", item.origin,
                             f"duplicate id {item.id!r} (first seen at {first_seen[item.id]})"))
                continue
            first_seen[item.id] = item.origin
            docs += 1
            in_file = min(size, in_file + len(item.body) + len(item.title))
            if progress:
                progress.advance(done_bytes + in_file, docs)
            yield item
        done_bytes += size
        if progress:
            progress.advance(done_bytes, docs)


def total_bytes(paths: Iterable[str | os.PathLike]) -> int:
    return sum(_size(p) for p in iter_files(paths) if isinstance(p, Path))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def filed(documents: Iterable[Document], duplicates: DuplicateFinder,
          arrivals: Arrivals) -> Iterator[tuple[Document, Filing]]:
    """Each document with its near-duplicate cluster and the moment it arrived."""
    now = int(time.time())
    for doc, cluster in clustered(documents, duplicates):
        yield doc, Filing(cluster, arrivals.stamp(doc, now))


def build(store: IndexStore, paths: list[str], progress: bool | Progress = False,
          on_problem: ProblemSink | None = None, wait: float = 0.0,
          processes: int | None = None, segment_docs: int | None = None,
          keep: int = KEEP_GENERATIONS, merge_to: int | None = None) -> BuildReport:
    """Build a complete new index generation from ``paths`` and publish it.

    ``processes`` writer processes find entities, analyse and write segments
    in parallel (:mod:`indexer.writing.parallel`, ``segment_docs`` articles per
    segment); by default one per core for large corpora, one for small ones.
    Entities and analysed word forms of earlier builds are taken from their
    caches beside the generations (:mod:`indexer.writing.entity_cache`,
    :mod:`indexer.writing.segments.form_cache`).
    With ``merge_to``, the segments are then merged into segments of up to
    that many articles (:func:`indexer.writing.tiers.merge_tiers`) before
    the generation is published.  ``keep`` generations stay on disk, the new
    one included.
    """
    started = time.monotonic()
    clock = PhaseClock()
    report = BuildReport("build")
    meter = _progress(progress, paths)
    if processes is None:
        large = total_bytes(paths) >= PARALLEL_FROM_BYTES
        processes = min(os.cpu_count() or 1, 4) if large else 1
    with store.writer("build", wait=wait) as generations, _disk_space_reported(generations, paths):
        staging = generations.stage_empty()
        ix = whoosh_index.create_in(staging, build_schema())
        duplicates = DuplicateFinder()
        arrivals = Arrivals(earlier=Arrivals.load(_live_path(store)).stamps)
        documents = clock.timed(filed(clock.timed(read_documents(paths, report, meter, on_problem),
                                                  READ), duplicates, arrivals), CLUSTER)
        cache = EntityCache(store.path, keep_unused=False)
        looked_up = clock.timed(((doc, filing, cache.get(doc.content_hash))
                                 for doc, filing in documents), ENTITIES)
        forms_files = form_cache.table_files(store.path, processes)
        try:
            if processes > 1:
                found_files = cache.found_files(processes)
                report.added, words, forms, phases = write_in_parallel(
                    ix, looked_up, forms_files, found_files, CODEC, clock,
                    segment_docs or SEGMENT_DOCS)
                report.phases.update(phases)
                with clock.phase(COMMIT):
                    cache.take(found_files)
            else:
                report.added, words, forms = _write_here(
                    ix, looked_up, cache, forms_files[0], clock, segment_docs or SEGMENT_DOCS)
            with clock.phase(COMMIT):
                write_vocabulary(staging, words)
                write_forms(staging, forms)
                duplicates.save(staging)
                arrivals.save(staging)
                ix.close()
                if meter:
                    meter.finish()
            if merge_to:
                with clock.phase(MERGE):
                    merge_tiers(staging, merge_to)
            with clock.phase(COMMIT):
                report.documents = check_opens(staging, expected=report.added)
                write_missing(staging)  # none missing unless whoosh wrote a segment
                written_forms.write_for(staging)
                document_columns.write_for(staging)
                report.seconds = time.monotonic() - started
                report.phases.update(clock.totals())
                generation = generations.publish(staging, _manifest(report, paths), keep)
        except BaseException:
            cache.discard()
            raise
        _save_best_effort(cache)
        form_cache.remove_others(store.path, forms_files)
    report.generation = generation.name
    return report


def _write_here(ix, looked_up, cache: EntityCache, forms_file: Path, clock: PhaseClock,
                segment_docs: int) -> tuple[int, Counter, Counter]:
    """Index (document, filing, cached entities or None) in this process.

    Returns the number of documents, their word counts and their entity form counts.
    """
    writer = ix.writer(codec=CODEC)  # holds the index lock
    try:
        sink = SegmentSink(ix, CODEC, segment_docs, forms_file, clock)
        feed = ArticleFeed(sink, cache, clock=clock)
        for doc, filing, packed in looked_up:
            feed.add(doc, filing, packed)
        segments = sink.finish()
        with clock.phase(COMMIT):
            commit_segments(writer, segments)
    except BaseException:
        writer.cancel()
        raise
    return feed.count, feed.words, feed.forms


def update(store: IndexStore, paths: list[str], delete_missing: bool = False,
           progress: bool | Progress = False, on_problem: ProblemSink | None = None,
           wait: float = 0.0, keep: int = KEEP_GENERATIONS) -> BuildReport:
    """Apply the corpus at ``paths`` to the live index as a new generation.

    Unchanged articles are left alone, so running the same update twice
    publishes nothing the second time.
    """
    started = time.monotonic()
    report = BuildReport("update")
    meter = _progress(progress, paths)
    with store.writer("update", wait=wait) as generations, \
            _disk_space_reported(generations, paths):
        staging = generations.stage_copy_of_current()
        ix = whoosh_index.open_dir(staging)
        earlier_segments = segment_ids(staging)
        arrivals = Arrivals.load(staging)
        with ix.reader() as reader:
            known = _known_hashes(reader, arrivals)
            earlier_columns = document_columns.load(  # reused for the segments that stay
                staging, store.current().published(document_columns.FILENAME), reader)
            earlier_forms = written_forms.load(
                staging, store.current().published(written_forms.FILENAME), reader)
        seen: set[str] = set()
        cache = EntityCache(store.path, keep_unused=True)
        words, forms = read_counts(staging), read_forms(staging)
        duplicates = DuplicateFinder.load(staging)

        def changed_documents() -> Iterator[Document]:
            for doc in read_documents(paths, report, meter, on_problem):
                seen.add(doc.id)
                if known.get(doc.id) == doc.content_hash:
                    report.unchanged += 1
                else:
                    yield doc

        before = ix.searcher()  # the articles as they were, to uncount their forms
        writer = ix.writer(codec=CODEC)  # deletes, merges and commits; the sink adds
        try:
            feed = ArticleFeed(SegmentSink(ix, CODEC, SEGMENT_DOCS), cache, words, forms)
            for doc, filing in filed(changed_documents(), duplicates, arrivals):
                previous = known.get(doc.id)
                feed.add(doc, filing, cache.get(doc.content_hash))
                if previous is None:
                    report.added += 1
                else:
                    _uncount_previous(forms, before, doc.id)
                    writer.delete_by_term("id", doc.id)
                    cache.forget(previous)
                    report.replaced += 1
            if delete_missing:
                for doc_id in known.keys() - seen:
                    _uncount_previous(forms, before, doc_id)
                    writer.delete_by_term("id", doc_id)
                    cache.forget(known[doc_id])
                    duplicates.remove(doc_id)
                    arrivals.forget(doc_id)
                    report.deleted += 1
            changed = report.added or report.replaced or report.deleted
            if changed:
                added = feed.sink.finish()
                writer.commit(mergetype=lambda w, segments: merge_small_segments(w, segments)
                              + added)
                write_vocabulary(staging, words)
                write_forms(staging, forms)
                duplicates.save(staging)
                arrivals.save(staging)
            else:
                writer.cancel()
        except BaseException:
            writer.cancel()
            cache.discard()
            raise
        finally:
            before.close()
        report.documents = check_opens(staging) if changed else ix.doc_count()
        ix.close()
        if changed:
            write_missing(staging, earlier_segments)  # for the segments whoosh merged
            written_forms.write_for(staging, earlier_forms)
            document_columns.write_for(staging, earlier_columns)
        if meter:
            meter.finish()
        report.seconds = time.monotonic() - started
        if changed:
            generation = generations.publish(staging, _manifest(report, paths), keep)
            report.generation = generation.name
            _save_best_effort(cache)
        else:
            generations.discard(staging)
            cache.discard()
            report.generation = store.current().name
    return report


def _save_best_effort(cache: EntityCache) -> None:
    """Keep the entities found for the next run; the published generation does not need them."""
    try:
        cache.save()
    except OSError:  # a full disk, say: the next run finds the entities again
        cache.discard()


def _uncount_previous(forms: Counter, searcher, doc_id: str) -> None:
    stored = searcher.document(id=doc_id)
    if stored:
        uncount_forms(forms, stored_mention_forms(stored))


#: Segments with fewer articles are written by updates (or end a worker's share).
SMALL_SEGMENT_DOCS = 5_000
#: How many small segments an index keeps before an update merges them.
MAX_SMALL_SEGMENTS = 10


def merge_small_segments(writer, segments: list) -> list:
    """whoosh merge policy for updates: merge the small segments once there are many.

    whoosh's default policy would, on a large archive, merge dozens of the
    build's full segments during a one-article update; here only segments
    under :data:`SMALL_SEGMENT_DOCS` articles are ever merged, so an update
    costs time in proportion to what it changes.
    """
    small = [s for s in segments if s.doc_count() < SMALL_SEGMENT_DOCS]
    if len(small) < MAX_SMALL_SEGMENTS:
        return segments
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in small]


def check_opens(staging: Path, expected: int | None = None) -> int:
    """The number of documents in a staged generation, once it has opened and been searched.

    Raises :class:`UnreadableBuildError` for a generation that fails, or
    that does not hold the ``expected`` number of documents.
    """
    try:
        ix = whoosh_index.open_dir(staging)
        try:
            with ix.reader() as reader:
                found = reader.doc_count()
                read_each_segment(reader)
        finally:
            ix.close()
    except Exception as exc:  # whatever whoosh raises on a damaged file
        raise UnreadableBuildError(staging, f"{type(exc).__name__}: {exc}") from exc
    if expected is not None and found != expected:
        raise UnreadableBuildError(staging, f"it holds {found:,} documents, not {expected:,}")
    return found


@contextmanager
def _disk_space_reported(generations: GenerationWriter, paths: list[str]) -> Iterator[None]:
    """A full disk becomes :class:`NoSpaceError`: free and needed space, no traceback.

    The free space is what the run started with, which is free again once
    the writer has removed what it staged.
    """
    try:
        yield
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        needed = INDEX_BYTES_PER_CORPUS_BYTE * total_bytes(paths)
        raise NoSpaceError(generations.store.path, generations.free_bytes, needed) from exc

def _live_path(store: IndexStore) -> Path | None:
    """The live generation's directory, or None before the first build."""
    try:
        return store.current().path
    except IndexMissingError:
        return None


def _known_hashes(reader, arrivals: Arrivals) -> dict[str, str]:
    """id -> content hash of every live document.

    From the generation's arrival stamps, which every writer keeps for each
    live article, when there is one for each; else (an index written before
    them) from every stored document, which takes seconds per 100,000.
    """
    if len(arrivals.stamps) == reader.doc_count():
        return dict(zip(arrivals.stamps, map(itemgetter(0), arrivals.stamps.values())))
    known = {}
    for _, stored in reader.iter_docs():
        known[stored["id"]] = stored.get("content_hash", "")
    return known


def _progress(progress: bool | Progress, paths: list[str]) -> Progress | None:
    if isinstance(progress, Progress):
        return progress
    return Progress(total_bytes(paths)) if progress else None


def _manifest(report: BuildReport, paths: list[str]) -> dict:
    return {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "paths": [os.path.basename(os.path.normpath(p)) or str(p) for p in paths],
        **report.to_dict(),
    }


def open_generation(generation: Generation):
    """Open a published generation's whoosh index."""
    return whoosh_index.open_dir(generation.path)
