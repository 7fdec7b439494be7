"""Checking an index against itself and against the corpus it was built from.

:func:`verify` checks that every file of the live generation is as it was
published (size and modification time; with ``deep``, the SHA-256 of every
byte), opens it, checks that its document count matches its ids, and, given
corpus paths, compares ids and content hashes with what the readers produce
now: missing, extra and changed articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import index as whoosh_index

from indexer.writing.build import BuildReport, read_documents
from indexer.writing.store import IndexStore


@dataclass
class VerifyReport:
    generation: str
    documents: int | None = None  # None: the index could not be read
    missing: list[str] = field(default_factory=list)  # in the corpus, not in the index
    extra: list[str] = field(default_factory=list)  # in the index, not in the corpus
    changed: list[str] = field(default_factory=list)  # content hash differs
    problems: list[str] = field(default_factory=list)  # damaged files, structural faults

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.changed or self.problems)

    def lines(self, limit: int = 20) -> list[str]:
        count = "cannot be read" if self.documents is None else f"{self.documents:,} documents"
        out = [f"index {self.generation}: {count}"]
        for label, ids in (("problem", self.problems), ("missing", self.missing),
                           ("extra", self.extra), ("changed", self.changed)):
            for doc_id in ids[:limit]:
                out.append(f"{label}: {doc_id}")
            if len(ids) > limit:
                out.append(f"{label}: … and {len(ids) - limit:,} more")
        out.append("OK" if self.ok else
                   f"DIFFERENCES: {len(self.missing)} missing, {len(self.extra)} extra, "
                   f"{len(self.changed)} changed, {len(self.problems)} problems")
        return out


def verify(store: IndexStore, paths: list[str] | None = None, deep: bool = False
           ) -> VerifyReport:
    """Check the live generation's files, open it and compare it with ``paths`` if given."""
    generation = store.current()
    report = VerifyReport(generation.name)
    report.problems += generation.check_files(deep=deep)
    try:
        hashes = _read_ids(generation.path, report)
    except Exception as exc:  # whatever whoosh raises on a damaged file
        report.problems.append(f"the index cannot be read ({type(exc).__name__}: {exc})")
        return report
    manifest = generation.manifest()
    if manifest.get("documents") not in (None, report.documents):
        report.problems.append(f"manifest says {manifest['documents']} documents, "
                               f"index has {report.documents}")
    if paths:
        seen: set[str] = set()
        for doc in read_documents(paths, BuildReport("verify")):
            seen.add(doc.id)
            if doc.id not in hashes:
                report.missing.append(doc.id)
            elif hashes[doc.id] != doc.content_hash:
                report.changed.append(doc.id)
        report.extra = sorted(hashes.keys() - seen)
    return report


def _read_ids(path, report: VerifyReport) -> dict[str, str]:
    """id -> content hash of every document; notes the count and duplicate ids."""
    ix = whoosh_index.open_dir(path)
    try:
        with ix.reader() as reader:
            hashes: dict[str, str] = {}
            for _, stored in reader.iter_docs():
                doc_id = stored.get("id", "")
                if doc_id in hashes:
                    report.problems.append(f"duplicate id {doc_id!r}")
                hashes[doc_id] = stored.get("content_hash", "")
            report.documents = reader.doc_count()
    finally:
        ix.close()
    return hashes
