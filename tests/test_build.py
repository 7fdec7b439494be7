"""Building and updating indexes, the writer lock, and the newsindex CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, write_sample_corpus

from indexer.cli import main
from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing.build import build, update
from indexer.writing.store import CURRENT, IndexLockedError, IndexStore


@pytest.fixture()
def corpus(tmp_path) -> Path:
    return write_sample_corpus(tmp_path / "corpus")


def all_ids(index_dir) -> set[str]:
    snapshot = Archive(index_dir, refresh_seconds=0).snapshot()
    return {h.id for h in search(snapshot, SearchRequest(size=100)).hits}


def test_build_reports_and_skips_bad_records(tmp_path, corpus):
    (corpus / "broken.txt").write_bytes(b"\x00\x01binary")
    (corpus / "feeds" / "more.jsonl").write_text(
        '{"id": "feed-1", "body": "Doppelte Kennung."}\n{"id": "x", "body": "abgebrochen\n',
        "utf-8")
    problems = []
    report = build(IndexStore(tmp_path / "ix"), [str(corpus)], on_problem=problems.append)
    assert report.added == 8
    assert dict(report.skipped) == {"binary": 1, "duplicate-id": 1, "invalid-json": 1}
    origins = sorted(p.origin.replace(str(corpus), "") for p in problems)
    assert origins == ["/broken.txt", "/feeds/more.jsonl:1", "/feeds/more.jsonl:2"]
    assert "first seen at" in next(p.reason for p in problems if p.kind == "duplicate-id")
    assert report.documents == 8
    assert "skipped 3 (binary 1, duplicate-id 1, invalid-json 1)" in report.summary()


def test_rebuild_swaps_generations_and_old_snapshot_keeps_working(tmp_path, corpus):
    store = IndexStore(tmp_path / "ix")
    build(store, [str(corpus)])
    old = Archive(store.path, refresh_seconds=0)
    old_snapshot = old.snapshot()
    first = store.current_name()
    (corpus / "2019" / "klima.txt").unlink()
    build(store, [str(corpus)])
    assert store.current_name() != first
    # A request that started on the old generation still completes on it.
    assert search(old_snapshot, SearchRequest(q="Klimapaket")).total == 1
    assert search(old.snapshot(), SearchRequest(q="Klimapaket")).total == 0
    assert not list(store.path.glob(".tmp-gen-*"))


def test_update_adds_replaces_deletes_and_is_idempotent(tmp_path, corpus):
    store = IndexStore(tmp_path / "ix")
    build(store, [str(corpus)])
    generation = store.current_name()

    again = update(store, [str(corpus)])
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 8)
    assert store.current_name() == generation  # nothing changed, nothing published

    klima = corpus / "2019" / "klima.txt"
    klima.write_text(klima.read_text("utf-8").replace("Klimapaket", "Klimaschutzpaket"), "utf-8")
    (corpus / "2019" / "neu.txt").write_text(
        " date 2019-12 Neu Ein neuer Artikel über Windkraft Stand: 02.12.2019 10:00 Uhr\n\n"
        "Windräder in Brandenburg liefern Rekordstrom.\n", "utf-8")
    (corpus / "2019" / "muenchen.txt").unlink()

    report = update(store, [str(corpus)], delete_missing=True)
    assert (report.added, report.replaced, report.deleted, report.unchanged) == (1, 1, 1, 6)
    assert report.documents == 8
    assert all_ids(store.path) == {"soldaten", "haushalt", "hochwasser", "klima", "neu",
                                   "feed-1", "feed-2", "feed-3"}
    snapshot = Archive(store.path, refresh_seconds=0).snapshot()
    assert search(snapshot, SearchRequest(q="Klimaschutzpaket")).total == 1
    assert search(snapshot, SearchRequest(q="Windkraft")).total == 1

    second = update(store, [str(corpus)], delete_missing=True)
    assert (second.added, second.replaced, second.deleted) == (0, 0, 0)


@pytest.mark.parametrize("stamps", ["kept", "missing", "stale"])
def test_update_knows_the_archive_from_its_stamps_or_else_from_the_stored_articles(
        tmp_path, corpus, stamps):
    """The arrival stamps hold every live article's content hash, so an update need not
    read every stored article; without a stamp for each, it reads them."""
    store = IndexStore(tmp_path / "ix")
    build(store, [str(corpus)])
    if stamps != "kept":
        with store.writer("test") as generations:
            staging = generations.stage_copy_of_current()
            arrivals = staging / "arrivals.tsv"
            lines = arrivals.read_text("utf-8").splitlines(keepends=True)
            arrivals.unlink()
            if stamps == "stale":  # one article's stamp lost
                arrivals.write_text("".join(lines[1:]), "utf-8")
            generations.publish(staging, store.current().manifest())
    klima = corpus / "2019" / "klima.txt"
    klima.write_text(klima.read_text("utf-8") + "\nNachtrag.\n", "utf-8")
    report = update(store, [str(corpus)])
    assert (report.added, report.replaced, report.unchanged) == (0, 1, 7)
    assert all_ids(store.path) == {"soldaten", "haushalt", "hochwasser", "klima", "muenchen",
                                   "feed-1", "feed-2", "feed-3"}


def test_second_writer_is_refused_with_the_holder_named(tmp_path):
    store = IndexStore(tmp_path / "ix")
    with store.writer("build"):
        with pytest.raises(IndexLockedError) as caught:
            with IndexStore(tmp_path / "ix").writer("update"):
                pass
    assert caught.value.holder["pid"] == os.getpid()
    assert f"pid {os.getpid()}" in str(caught.value)
    with store.writer("update"):  # released afterwards
        pass


def test_abandoned_staging_directory_is_cleaned_by_the_next_writer(tmp_path, corpus):
    store = IndexStore(tmp_path / "ix")
    build(store, [str(corpus)])
    (store.path / ".tmp-gen-dead").mkdir()
    (store.path / ".tmp-gen-dead" / "_MAIN_1.toc").write_bytes(b"half")
    update(store, [str(corpus)])
    assert not (store.path / ".tmp-gen-dead").exists()
    assert all_ids(store.path)


# -- CLI ------------------------------------------------------------------------------


def test_cli_build_stats_search(tmp_path, corpus):
    runner = CliRunner()
    ix = str(tmp_path / "ix")
    result = runner.invoke(main, ["build", "--index", ix, str(corpus)])
    assert result.exit_code == 0, result.output
    assert "build: indexed 8" in result.output

    stats = runner.invoke(main, ["stats", "--index", ix, "--json"])
    data = json.loads(stats.output)
    assert data["documents"] == 8
    assert data["first_date"] == "2019-09-20" and data["last_date"] == "2024-11-06"
    assert ["Olaf Scholz", 1] in data["top"]["persons"]

    found = runner.invoke(main, ["search", "--index", ix, "Soldat"])
    assert found.exit_code == 0
    assert "3 Treffer" in found.output and "[Soldaten]" in found.output

    bad = runner.invoke(main, ["search", "--index", ix, "a*"])
    assert bad.exit_code == 1
    assert bad.output.startswith("Error: 'a' is too short for a wildcard")


def test_cli_reports_missing_index(tmp_path):
    result = CliRunner().invoke(main, ["stats", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "newsindex build" in result.output


def test_index_written_by_one_process_opens_in_another(tmp_path, corpus):
    """The schema (analyzer included) is pickled into the index: it must load anywhere."""
    ix = tmp_path / "ix"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "indexer.cli", "build", "--index", str(ix),
                    str(corpus)], check=True, env=env, capture_output=True, timeout=120)
    out = subprocess.run([sys.executable, "-m", "indexer.cli", "search", "--index", str(ix),
                          "--json", "Häuser"], check=True, env=env, capture_output=True,
                         timeout=120, text=True)
    data = json.loads(out.stdout)
    assert [h["id"] for h in data["hits"]] == ["hochwasser"]
    assert (ix / CURRENT).read_text().startswith("gen-")
