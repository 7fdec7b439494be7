"""Consolidation: small segments and deleted articles merged away in a new generation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from whoosh.codec.whoosh3 import W3Codec, W3Segment

from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing import document_columns, written_forms
from indexer.writing.build import build, update
from indexer.writing.consolidate import consolidate
from indexer.writing.store import IndexStore
from indexer.writing.tiers import plan_merges
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

    report = consolidate(store, target_docs=25)

    assert (report.segments_before, report.segments_after, report.documents) == (9, 2, 43)
    sizes = segment_sizes(store)  # deleted articles included: there are none left
    assert sum(sizes) == 43 and max(sizes) <= 25
    new = Archive(store.path, refresh_seconds=0).snapshot()
    assert new.generation.name == report.generation != old.generation.name
    for text, expected in answers.items():
        assert sorted(hits(new, text)) == sorted(expected), text
        assert sorted(hits(old, text)) == sorted(expected), text  # still open, still answering
    assert verify(store, [str(feed)], deep=True).ok
    published = new.generation.manifest()["files"]
    for kept_beside in (written_forms, document_columns):  # gathered for the new segments
        assert kept_beside.kept(new.generation.path, published[kept_beside.FILENAME])


def test_nothing_to_merge_publishes_nothing(tmp_path: Path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(f'{{"id": "a{i}", "body": "Meldung {i}"}}\n' for i in range(20)),
                    "utf-8")
    store = IndexStore(tmp_path / "ix")
    build(store, [str(feed)], processes=2, segment_docs=10)
    live = store.current().name
    report = consolidate(store, target_docs=10)
    assert (report.segments_before, report.segments_after, report.groups) == (2, 2, 0)
    assert report.generation == live == store.current().name
    assert "nothing to merge" in report.summary()


def test_the_command_line_consolidates(tmp_path: Path):
    store, _ = updated_archive(tmp_path)
    out = subprocess.run([sys.executable, "-m", "indexer.cli", "consolidate", "--json",
                          "--target-docs", "100", "--index", str(store.path)],
                         capture_output=True, text=True, cwd=REPO, check=True)
    assert json.loads(out.stdout)["segments_after"] == 1
    assert segment_sizes(store) == [43]


def test_segments_are_planned_in_groups_of_up_to_the_target():
    codec = W3Codec()
    sizes = [10, 4, 4, 4, 12, 3, 3, 9, 2]
    segments = [W3Segment(codec, "MAIN", doccount=n) for n in sizes]
    segments[7].delete_document(0)  # 8 live articles, and one to drop
    groups = plan_merges(segments, target_docs=10)
    assert [[sizes[segments.index(s)] for s in group] for group in groups] == [
        [4, 4], [3, 3], [9, 2]]  # the third 4 alone has nothing to merge with
    alone = plan_merges([segments[0], segments[4], segments[7]], target_docs=10)
    assert alone == [[segments[7]]]  # large ones stay; one with deletions is rewritten


QUESTIONS = [SearchRequest(q=q) for q in ("Regierung", "Soldaten", '"in der"', "Bundes*",
                                          "title:Haushalt", "Soldaten -Russland", "")]
QUESTIONS += [SearchRequest(q="Regierung", sort="-date"), SearchRequest(q="Wahl", collapse=True)]


def answers(store: IndexStore) -> list[dict]:
    snapshot = Archive(store.path, refresh_seconds=0).snapshot()
    found = [search(snapshot, request).to_dict() for request in QUESTIONS]
    return [{"total": f["total"], "facets": f["facets"],
             "hits": [(hit["id"], hit["score"]) for hit in f["hits"]]} for f in found]


def test_a_build_merged_at_its_end_answers_as_without(tmp_path: Path):
    plain, merged = IndexStore(tmp_path / "plain"), IndexStore(tmp_path / "merged")
    build(plain, [str(REPO / "corpus")], processes=1, segment_docs=7)
    report = build(merged, [str(REPO / "corpus")], processes=1, segment_docs=7, merge_to=25)
    assert report.phases["merge"] > 0
    before, after = segment_sizes(plain), segment_sizes(merged)
    assert len(after) < len(before) and max(after) <= 25 and sum(after) == sum(before)
    assert len(list(merged.current().path.glob("*.frequent"))) == len(after)
    expected = answers(plain)
    assert sum(len(a["hits"]) for a in expected) > 20
    assert answers(merged) == expected


def test_a_segment_whose_articles_are_all_deleted_is_dropped(tmp_path: Path):
    feed = tmp_path / "feed.jsonl"
    lines = [f'{{"id": "a{i}", "body": "Meldung {i} aus Kiel"}}\n' for i in range(20)]
    feed.write_text("".join(lines), "utf-8")
    store = IndexStore(tmp_path / "ix")
    build(store, [str(feed)], processes=1, segment_docs=10)
    feed.write_text("".join(lines[10:]), "utf-8")
    update(store, [str(feed)], delete_missing=True)
    assert segment_sizes(store) == [10, 10]  # the first ten deleted, still in place

    report = consolidate(store, target_docs=10)

    assert (report.segments_after, report.groups, report.documents) == (1, 1, 10)
    assert segment_sizes(store) == [10]
    snapshot = Archive(store.path, refresh_seconds=0).snapshot()
    assert sorted(hits(snapshot, "Kiel")) == sorted(f"a{i}" for i in range(10, 20))
