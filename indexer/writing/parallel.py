"""Writing a new index with one process per core, each closing whole segments.

whoosh's own multi-process writer gives each process one segment for all of
its documents: the postings outgrow memory, are pickled to temporary runs
and merged back one by one, which costs about a third of a large build, and
the parent finds every article's entities alone.  Here the parent only reads
documents and hands out batches; each worker finds entities, analyses,
counts words for the vocabulary and entity forms, and writes, closing a segment every
``segment_docs`` documents, few enough for its postings to be sorted in
memory.  The parent then lists every worker's segments in one new table of
contents: no merge, no temporary runs.

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
from typing import Iterable

from whoosh.writing import SegmentWriter

from indexer.reading.documents import Document
from indexer.writing.entity_forms import count_forms
from indexer.writing.schema import Filing, analyse, mention_forms, to_fields
from indexer.writing.vocabulary import count_words

#: Documents per segment: a worker's postings for this many articles fit in
#: its in-memory pool (about 750 MB at 1.8 KB per article).
SEGMENT_DOCS = 10_000
BATCH_DOCS = 100
#: Memory a worker's posting pool may use before whoosh spills it to disk.
POOL_MB = 1024
POLL_SECONDS = 1.0
#: prctl(2) option: the signal a process gets when its parent dies (Linux).
PR_SET_PDEATHSIG = 1


class WorkerFailed(RuntimeError):
    """A writer process stopped with an error; nothing was published."""


def write_in_parallel(ix, documents: Iterable[tuple[Document, Filing]], processes: int,
                      writer_options: dict, segment_docs: int = SEGMENT_DOCS
                      ) -> tuple[int, Counter, Counter]:
    """Index (document, filing) pairs into ``ix`` with ``processes`` workers.

    Returns the number of documents, their word counts and their entity form counts.

    The index must be new and empty; its lock is held by this process for the
    whole build, and the new segments become visible in one commit.
    """
    context = get_context("fork")
    jobs = context.Queue(maxsize=processes * 4)
    results = context.Queue()
    options = {**writer_options, "limitmb": POOL_MB}
    workers = [context.Process(target=_work, daemon=True,
                               args=(ix.storage, ix.indexname, jobs, results, options,
                                     segment_docs, os.getpid()))
               for _ in range(processes)]
    parent = ix.writer(**writer_options)  # holds the index lock
    try:
        for worker in workers:
            worker.start()
        count, batch = 0, []
        for item in documents:
            batch.append(item)
            count += 1
            if len(batch) >= BATCH_DOCS:
                _put(jobs, batch, workers, results)
                batch = []
        if batch:
            _put(jobs, batch, workers, results)
        for _ in workers:
            _put(jobs, None, workers, results)
        segments, words, forms = _collect(results, workers)
        parent._close_segment()
        parent._commit_toc(list(parent.segments) + segments)
        parent._finish()
        return count, words, forms
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


def _collect(results, workers) -> tuple[list, Counter, Counter]:
    segments, words, forms, reported = [], Counter(), Counter(), 0
    while reported < len(workers):
        try:
            kind, payload = results.get(timeout=POLL_SECONDS)
        except queue.Empty:
            _check_alive(workers)
            continue
        if kind == "error":
            _raise_failure(payload)
        found, word_counts, form_counts = payload
        segments += found
        words.update(word_counts)
        forms.update(form_counts)
        reported += 1
    return segments, words, forms


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


def _work(storage, indexname, jobs, results, options, segment_docs, parent_pid) -> None:
    """A worker: documents in, closed segments, word and entity form counts out."""
    die_with_parent(parent_pid)
    try:
        ix = storage.open_index(indexname)
        segments, words, forms = [], Counter(), Counter()
        writer, in_segment = None, 0
        while True:
            try:
                batch = jobs.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if os.getppid() != parent_pid:  # the parent was killed: stop
                    return
                continue
            if batch is None:
                break
            for doc, filing in batch:
                if writer is None:
                    writer = SegmentWriter(ix, _lk=False, **options)
                item = analyse(doc, filing)
                writer.add_document(**to_fields(item))
                count_words(words, doc.title, doc.body)
                count_forms(forms, mention_forms(item.entities))
                in_segment += 1
                if in_segment >= segment_docs:
                    segments.append(writer._finalize_segment())
                    writer, in_segment = None, 0
        if writer is not None:
            segments.append(writer._finalize_segment())
        results.put(("done", (segments, words, forms)))
    except BaseException as exc:
        results.put(("error", (getattr(exc, "errno", None), traceback.format_exc())))
