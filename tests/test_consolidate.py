"""Consolidation: small segments and deleted articles merged away in a new generation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO

from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing.build import build, update
from indexer.writing.consolidate import consolidate
from indexer.writing.store import IndexStore
from indexer.writing.verify import verify


def segment_sizes(store: IndexStore) -> list[int]:
    """Articles per segment of the live generation, deleted ones included."""
    reader = Archive(store.path, refresh_seconds=0).snapshot().searcher.reader()
    return sorted(leaf.doc_count_all() for leaf, _ in reader.leaf_readers())


def hits(snapshot, text: str) -> list[str]:
    return [hit.id for hit in search(snapshot, SearchRequest(q=text, size=50)).hits]


def updated_archive(tmp_path: Path) -> tuple[IndexStore, Path]:
    """Built in segments of 10, then five updates: three additions, two replacements."""
    feed = tmp_path / "feed.jsonl"
    lines = [f'{{"id": "a{i}", "body": "Meldung Nummer {i} aus Berlin"}}\n' for i in range(40)]
    feed.write_text("".join(lines), "utf-8")
    store = IndexStore(tmp_path / "ix")
    build(store, [str(feed)], processes=2, segment_docs=10)
    for i in range(3):
        with feed.open("a", encoding="utf-8") as out:
            out.write(f'{{"id": "u{i}", "body": "Nachtrag {i} aus Hamburg"}}\n')
        update(store, [str(feed)])
    for i in (3, 17):
        lines[i] = f'{{"id": "a{i}", "body": "Berichtigte Meldung {i} aus Bremen"}}\n'
        feed.write_text("".join(lines) + "".join(
            f'{{"id": "u{k}", "body": "Nachtrag {k} aus Hamburg"}}\n' for k in range(3)), "utf-8")
        update(store, [str(feed)])
    return store, feed


def test_small_segments_and_deleted_articles_are_merged_away(tmp_path: Path):
    store, feed = updated_archive(tmp_path)
    before = segment_sizes(store)
    assert len(before) == 9 and sum(before) == 45  # two replaced versions still in place
    old = Archive(store.path, refresh_seconds=0).snapshot()
    answers = {text: hits(old, text) for text in ("Berlin", "Hamburg", "Bremen", "Meldung")}

    report = consolidate(store, segment_docs=10)

    assert (report.segments_before, report.segments_after, report.documents) == (9, 3, 43)
    assert segment_sizes(store) == [10, 10, 23]
    new = Archive(store.path, refresh_seconds=0).snapshot()
    assert new.generation.name == report.generation != old.generation.name
    for text, expected in answers.items():
        assert sorted(hits(new, text)) == sorted(expected), text
        assert sorted(hits(old, text)) == sorted(expected), text  # still open, still answering
    assert verify(store, [str(feed)], deep=True).ok


def test_nothing_to_merge_publishes_nothing(tmp_path: Path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(f'{{"id": "a{i}", "body": "Meldung {i}"}}\n' for i in range(20)),
                    "utf-8")
    store = IndexStore(tmp_path / "ix")
    build(store, [str(feed)], processes=2, segment_docs=10)
    live = store.current().name
    report = consolidate(store, segment_docs=10)
    assert (report.segments_before, report.segments_after) == (2, 2)
    assert report.generation == live == store.current().name
    assert "nothing to merge" in report.summary()


def test_the_command_line_consolidates(tmp_path: Path):
    store, _ = updated_archive(tmp_path)
    out = subprocess.run([sys.executable, "-m", "indexer.cli", "consolidate", "--json",
                          "--segment-docs", "10", "--index", str(store.path)],
                         capture_output=True, text=True, cwd=REPO, check=True)
    assert json.loads(out.stdout)["segments_after"] == 3
    assert len(segment_sizes(store)) == 3
