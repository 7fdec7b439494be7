"""Writing a new index with one process per core, each closing whole segments.

whoosh's own multi-process writer gives each process one segment for all of
its documents: the postings outgrow memory, are pickled to temporary runs
and merged back one by one, which costs about a third of a large build, and
the parent finds every article's entities alone.  Here the parent only reads
documents and hands out batches; each worker finds the entities the cache
does not hold (:mod:`indexer.writing.entity_cache`) and puts them in a file
of its own, which the parent adds to the cache at the end, counts words for
the vocabulary and entity forms, and hands the documents to its
:class:`~indexer.writing.segments.sink.SegmentSink`, which analyses and
writes a segment every ``segment_docs`` documents, few enough for its
postings to be sorted in memory.  The parent then lists every worker's
segments in one new table of contents: no merge, no temporary runs.
Nothing a worker keeps grows with the number of articles but its list of
segments: what it found goes to disk, its word counts grow with the
vocabulary, its form table is bounded (:data:`~indexer.writing.segments.forms.MAX_FORMS`).
The workers take turns to write a segment, the part of a build that needs
the most memory; after a first wait their turns fall at different times.

Workers never outlive the build: the kernel kills them when the parent
dies, even by SIGKILL (:func:`die_with_parent`), and they do not inherit
the parent's writer lock (see :mod:`indexer.writing.store`).
"""

from __future__ import annotations

import ctypes
import os
import queue
import signal
import sys
import traceback
from collections import Counter
from multiprocessing import get_context
from pathlib import Path
from typing import Iterable

from whoosh.codec.whoosh3 import W3Codec

from indexer.reading.documents import Document
from indexer.writing.entity_cache import AnnotationFile, Packed
from indexer.writing.feed import ArticleFeed
from indexer.writing.phases import COMMIT, ENTITIES, HAND_OFF, PhaseClock
from indexer.writing.schema import Filing
from indexer.writing.segments.sink import SegmentSink, commit_segments

#: Documents per segment: a worker sorts the postings of this many articles
#: in memory, about 100 KB per article of 1.8 KB at its peak (token arrays
#: and the encoded positions of the body), so 500 MB; the largest part of a
#: build's memory, held by each worker.
SEGMENT_DOCS = 5_000
BATCH_DOCS = 100
POLL_SECONDS = 1.0
#: prctl(2) option: the signal a process gets when its parent dies (Linux).
PR_SET_PDEATHSIG = 1


class WorkerFailed(RuntimeError):
    """A writer process stopped with an error; nothing was published."""


def write_in_parallel(ix, documents: Iterable[tuple[Document, Filing, Packed | None]],
                      forms_files: list[Path], found_files: list[Path], codec: W3Codec,
                      clock: PhaseClock, segment_docs: int = SEGMENT_DOCS
                      ) -> tuple[int, Counter, Counter, Counter]:
    """Index (document, filing, cached entities or None) into ``ix``, one worker per form file.

    Worker ``n`` starts from the word forms in ``forms_files[n]`` and saves its own there
    (:mod:`indexer.writing.segments.form_cache`); it puts the entities it finds
    in ``found_files[n]`` (an :class:`~indexer.writing.entity_cache.AnnotationFile`).
    The time spent handing out documents and committing is charged to ``clock``.

    Returns the number of documents, their word counts, their entity form
    counts and the workers' CPU seconds by phase.

    The index must be new and empty; its lock is held by this process for the
    whole build, and the new segments become visible in one commit.
    """
    context = get_context("fork")
    jobs = context.Queue(maxsize=len(forms_files) * 4)
    results = context.Queue()
    turn = context.Lock()
    workers = [context.Process(target=_work, daemon=True,
                               args=(ix.storage, ix.indexname, jobs, results, codec,
                                     segment_docs, turn, forms_file, found_file, os.getpid()))
               for forms_file, found_file in zip(forms_files, found_files)]
    parent = ix.writer(codec=codec)  # holds the index lock
    try:
        for worker in workers:
            worker.start()
        count, batch = 0, []
        for item in documents:
            batch.append(item)
            count += 1
            if len(batch) >= BATCH_DOCS:
                with clock.phase(HAND_OFF):
                    _put(jobs, batch, workers, results)
                batch = []
        with clock.phase(HAND_OFF):
            if batch:
                _put(jobs, batch, workers, results)
            for _ in workers:
                _put(jobs, None, workers, results)
            segments, words, forms, phases = _collect(results, workers)
        with clock.phase(COMMIT):
            commit_segments(parent, segments)
        return count, words, forms, phases
    except BaseException:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        jobs.cancel_join_thread()  # nobody reads the jobs left: do not wait for them at exit
        parent.cancel()
        raise
    finally:
        for worker in workers:
            worker.join(timeout=5)


def _put(jobs, item, workers, results) -> None:
    """Queue ``item``, noticing a worker that stopped instead of waiting forever."""
    while True:
        try:
            jobs.put(item, timeout=POLL_SECONDS)
            return
        except queue.Full:
            if any(worker.exitcode is not None for worker in workers):
                _raise_reported_error(results)


def _collect(results, workers) -> tuple[list, Counter, Counter, Counter]:
    segments, words, forms, phases, reported = [], Counter(), Counter(), Counter(), 0
    while reported < len(workers):
        try:
            kind, payload = results.get(timeout=POLL_SECONDS)
        except queue.Empty:
            _check_alive(workers)
            continue
        if kind == "error":
            _raise_failure(payload)
        written, word_counts, form_counts, seconds = payload
        segments += written
        words.update(word_counts)
        forms.update(form_counts)
        phases.update(seconds)
        reported += 1
    return segments, words, forms, phases


def _raise_reported_error(results) -> None:
    """A worker stopped before the end of the jobs, which it does only on an error: raise it."""
    while True:
        try:
            kind, payload = results.get(timeout=POLL_SECONDS)
        except queue.Empty:
            raise WorkerFailed("A writer process stopped before the end of the jobs.") from None
        if kind == "error":
            _raise_failure(payload)


def _raise_failure(payload: tuple[int | None, str]) -> None:
    code, trace = payload
    failure = WorkerFailed(f"A writer process failed:\n{trace}")
    if code is not None:  # a full disk, say: the same error as in this process
        raise OSError(code, f"{os.strerror(code)} (in a writer process)") from failure
    raise failure


def _check_alive(workers) -> None:
    for worker in workers:
        if worker.exitcode not in (None, 0):
            raise WorkerFailed(f"A writer process ended with exit code {worker.exitcode}.")


def die_with_parent(parent_pid: int) -> None:
    """Make the kernel kill this process when its parent dies; stop now if it has.

    Without it, a worker whose parent was killed goes on writing for a
    build nobody will publish (on systems other than Linux, workers notice
    the parent's death between batches instead).
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)


def _work(storage, indexname, jobs, results, codec, segment_docs, turn, forms_file,
          found_file, parent_pid) -> None:
    """A worker: documents in; closed segments, word and entity form counts, CPU by phase out.

    It writes a segment only when it holds ``turn``, and puts the entities it
    finds in ``found_file``.
    """
    die_with_parent(parent_pid)
    try:
        clock = PhaseClock()
        sink = SegmentSink(storage.open_index(indexname), codec, segment_docs, forms_file,
                           clock, turn=turn)
        found = AnnotationFile(found_file, create=True)
        feed = ArticleFeed(sink, found, clock=clock)
        while True:
            with clock.phase(HAND_OFF):
                batch = _next_batch(jobs, parent_pid)
            if batch is None:
                break
            for doc, filing, packed in batch:
                feed.add(doc, filing, packed)
        segments = sink.finish()
        with clock.phase(ENTITIES):
            found.finish()
        results.put(("done", (segments, feed.words, feed.forms, clock.totals())))
    except BaseException as exc:
        results.put(("error", (getattr(exc, "errno", None), traceback.format_exc())))


def _next_batch(jobs, parent_pid) -> list | None:
    """The next batch of documents; None at the end of the jobs."""
    while True:
        try:
            return jobs.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if os.getppid() != parent_pid:  # the parent was killed: stop
                os._exit(1)
