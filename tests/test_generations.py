"""Citable searches: generations kept on request, searches pinned to one, citations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.writing.build import build, update
from indexer.writing.store import HISTORY, IndexStore
from web import create_app

FIRST = [{"id": "a", "title": "Deichbruch an der Weser", "date": "2024-01-05T10:00:00+01:00",
          "body": "Nach tagelangem Regen ist an der Weser ein Deich gebrochen."},
         {"id": "b", "title": "Hochwasser in Bremen", "date": "2024-01-06T10:00:00+01:00",
          "body": "Das Hochwasser erreicht Bremen, die Weser steigt weiter."}]
SECOND = FIRST + [{"id": "c", "title": "Weser sinkt", "date": "2024-01-09T10:00:00+01:00",
                   "body": "Der Pegel der Weser sinkt, das Hochwasser geht zurück."}]


def write(path: Path, articles: list[dict]) -> Path:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles),
                    "utf-8")
    return path


@pytest.fixture()
def two_versions(tmp_path):
    """An archive built from FIRST, then updated with SECOND: (store, old name, new name)."""
    corpus = write(tmp_path / "feed.jsonl", FIRST)
    store = IndexStore(tmp_path / "ix")
    old = build(store, [str(corpus)]).generation
    write(corpus, SECOND)
    new = update(store, [str(corpus)]).generation
    return store, old, new


def client_for(store: IndexStore):
    return create_app({"INDEX_DIR": str(store.path), "TESTING": True}).test_client()


def test_a_search_pinned_to_an_older_generation_answers_from_it(two_versions):
    store, old, new = two_versions
    client = client_for(store)
    current = client.get("/api/search?q=Weser").get_json()
    pinned = client.get(f"/api/search?q=Weser&generation={old}").get_json()
    assert (current["total"], current["generation"]) == (3, new)
    assert (pinned["total"], pinned["generation"]) == (2, old)
    assert f"generation={old}" in pinned["links"]["self"]
    page = client.get(f"/?q=Weser&generation={old}").get_data(as_text=True)
    assert "Deichbruch" in page and "Weser sinkt" not in page
    timeline = client.get(f"/api/timeline?q=Weser&generation={old}").get_json()
    assert timeline["generation"] == old and timeline["series"][0]["total"] == 2
    assert client.get(f"/api/kwic?q=Weser&generation={old}").get_json()["generation"] == old
    export = client.get(f"/api/export?q=Weser&generation={old}")
    assert export.headers["X-Generation"] == old and export.headers["X-Total-Count"] == "2"


def test_a_generation_no_longer_kept_is_gone_and_an_unknown_one_not_found(tmp_path):
    corpus = write(tmp_path / "feed.jsonl", FIRST)
    store = IndexStore(tmp_path / "ix")
    names = []
    for articles in (FIRST, SECOND, FIRST):
        write(corpus, articles)
        names.append(build(store, [str(corpus)], keep=2).generation)
    assert [p.name for p in store.generations()] == names[1:]
    assert list(store.history()) == names
    client = client_for(store)
    gone = client.get(f"/api/search?q=Weser&generation={names[0]}")
    assert gone.status_code == 410
    error = gone.get_json()["error"]
    assert error["code"] == "generation_not_kept" and error["param"] == "generation"
    assert names[2] in error["message"]
    assert client.get(f"/api/search?q=Weser&generation={names[1]}").get_json()["total"] == 3
    unknown = client.get("/api/search?q=Weser&generation=gen-19990101T000000000-1")
    assert unknown.status_code == 404 and names[2] in unknown.get_json()["error"]["message"]
    for sneaky in ("../ix", "gen-../../etc", "CURRENT"):
        assert client.get(f"/api/search?generation={sneaky}").status_code == 404
    assert client.get(f"/?generation={names[0]}").status_code == 410  # a page for people too


def test_keep_generations_on_the_command_line_and_their_disk_cost_in_stats(tmp_path):
    corpus = write(tmp_path / "feed.jsonl", FIRST)
    index = tmp_path / "ix"
    run = [sys.executable, "-m", "indexer.cli"]
    for _ in range(3):
        subprocess.run(run + ["build", "--index", str(index), "--keep-generations", "2",
                              str(corpus)], check=True, capture_output=True, timeout=120)
    write(corpus, SECOND)
    subprocess.run(run + ["update", "--index", str(index), "--keep-generations", "2",
                          str(corpus)], check=True, capture_output=True, timeout=120)
    stats = json.loads(subprocess.run(run + ["stats", "--json", "--index", str(index)],
                                      check=True, capture_output=True, timeout=120).stdout)
    kept = stats["generations"]
    assert len(kept) == 2 and kept[-1]["generation"] == stats["generation"]
    assert [k["documents"] for k in kept] == [2, 3]
    older, newer = kept
    assert 0 < older["own_bytes"] < older["bytes"]  # the update shares unchanged files
    assert len((index / HISTORY).read_text("utf-8").splitlines()) == 4
    refused = subprocess.run(run + ["build", "--index", str(index), "--keep-generations", "0",
                                    str(corpus)], capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "keep-generations" in refused.stderr


def test_cite_this_search(two_versions):
    store, old, new = two_versions
    client = client_for(store)
    cite = client.get("/api/cite?q=Weser&person=&from=2024-01-01").get_json()
    assert cite["generation"] == new and cite["total"] == 3 and cite["documents"] == 3
    assert cite["permalink"].startswith("http://localhost/?") and f"generation={new}" in \
        cite["permalink"]
    again = client.get(cite["api"].replace("http://localhost", "")).get_json()
    assert again["total"] == 3 and again["generation"] == new
    methods = cite["methods"]
    assert "»Weser«" in methods and new in methods and "3 Treffer" in methods
    assert "im Zeitraum 01.01.2024–…" in methods and "Stammform" in methods
    page = client.get("/?q=Weser").get_data(as_text=True)
    assert "Diese Suche zitieren" in page and f"generation={new}" in page
    assert "Gesucht wurde nach »Weser«" in page
    pinned = client.get(f"/api/cite?q=Weser&generation={old}").get_json()
    assert pinned["total"] == 2 and pinned["documents"] == 2
