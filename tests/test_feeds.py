"""When articles arrived (since=…), and Atom feeds of searches."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from urllib.parse import quote

import pytest

from indexer.reading.corpus import BERLIN
from indexer.reading.documents import Document
from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing import build as build_module
from indexer.writing.arrivals import Arrivals
from indexer.writing.build import build, update
from indexer.writing.store import IndexStore
from web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
FIRST, SECOND, THIRD = 1_730_000_000, 1_730_090_000, 1_730_200_000  # Unix seconds


def article(doc_id: str, body: str, date: str = "2024-10-01T08:00:00+02:00") -> str:
    return json.dumps({"id": doc_id, "title": f"Meldung {doc_id}", "date": date,
                       "source": "Weserbote", "body": body}, ensure_ascii=False)


def test_an_unchanged_article_keeps_its_stamp_a_changed_one_gets_a_new_one(tmp_path):
    arrivals = Arrivals()
    doc = Document(body="Der Pegel steigt.", id="a\tb\nc")
    assert arrivals.stamp(doc, 100) == 100
    arrivals.save(tmp_path)
    again = Arrivals(earlier=Arrivals.load(tmp_path).stamps)
    assert again.stamp(doc, 200) == 100
    assert again.stamp(Document(body="Der Pegel sinkt.", id="a\tb\nc"), 300) == 300
    assert again.stamp(Document(body="Neu.", id="x"), 400) == 400


@pytest.fixture()
def archive(tmp_path, monkeypatch):
    """Two articles built at FIRST, a third added by an update at SECOND."""
    corpus = tmp_path / "feed.jsonl"
    older = [article("alt-1", "Der Deichgraf warnt vor Hochwasser an der Weser."),
             article("alt-2", "Der Stadtrat berät über den Haushalt.", "2024-09-01T08:00:00Z")]
    corpus.write_text("\n".join(older) + "\n", "utf-8")
    store = IndexStore(tmp_path / "ix")
    monkeypatch.setattr(build_module.time, "time", lambda: FIRST)
    build(store, [str(corpus)])
    newer = article("neu-1", "Das Hochwasser an der Weser erreicht Bremen.",
                    "2024-10-02T09:30:00+02:00")
    corpus.write_text("\n".join(older + [newer]) + "\n", "utf-8")
    monkeypatch.setattr(build_module.time, "time", lambda: SECOND)
    update(store, [str(corpus)])
    return corpus, store


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def test_since_finds_only_articles_indexed_after_the_moment(archive):
    _, store = archive
    snapshot = Archive(store.path).snapshot()
    assert search(snapshot, SearchRequest(q="Hochwasser")).total == 2
    found = search(snapshot, SearchRequest(q="Hochwasser", since=at(FIRST)))
    assert [h.id for h in found.hits] == ["neu-1"]
    assert found.hits[0].indexed == at(SECOND).isoformat(timespec="seconds")
    assert search(snapshot, SearchRequest(since=at(SECOND))).total == 0


def test_a_rebuild_keeps_the_stamps_of_unchanged_articles(archive, monkeypatch):
    corpus, store = archive
    lines = corpus.read_text("utf-8").splitlines()
    lines[1] = article("alt-2", "Der Stadtrat beschließt den Haushalt.", "2024-09-01T08:00:00Z")
    corpus.write_text("\n".join(lines) + "\n", "utf-8")
    monkeypatch.setattr(build_module.time, "time", lambda: THIRD)
    build(store, [str(corpus)])
    snapshot = Archive(store.path).snapshot()
    stamps = {h.id: h.indexed for h in search(snapshot, SearchRequest(size=10)).hits}
    assert stamps == {"alt-1": at(FIRST).isoformat(timespec="seconds"),
                      "alt-2": at(THIRD).isoformat(timespec="seconds"),  # changed
                      "neu-1": at(SECOND).isoformat(timespec="seconds")}


def test_since_in_the_api_takes_berlin_time_or_an_offset(archive):
    _, store = archive
    client = create_app({"INDEX_DIR": str(store.path), "TESTING": True}).test_client()
    berlin_clock = at(FIRST).astimezone(BERLIN).replace(tzinfo=None).isoformat()
    utc_clock = at(FIRST).replace(tzinfo=None).isoformat()  # read as Berlin: 1 h earlier
    assert client.get(f"/api/search?since={berlin_clock}").get_json()["total"] == 1
    assert client.get(f"/api/search?since={utc_clock}").get_json()["total"] == 3
    utc = client.get(f"/api/search?since={quote(at(FIRST).isoformat())}").get_json()
    assert [h["id"] for h in utc["hits"]] == ["neu-1"]
    assert utc["query"]["since"] == at(FIRST).isoformat()
    unencoded = client.get(f"/api/search?since={at(FIRST).isoformat()}")  # "+" read as " "
    assert unencoded.get_json()["total"] == 1
    bad = client.get("/api/search?since=gestern")
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "since"


def test_atom_feed_of_a_search(archive):
    _, store = archive
    client = create_app({"INDEX_DIR": str(store.path), "TESTING": True}).test_client()
    response = client.get("/feed.atom?q=Hochwasser")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author/{ATOM}name"):
        assert feed.find(f"{ATOM}{name}".replace("{ATOM}", ATOM)).text
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").startswith("http://localhost/feed")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Meldung neu-1", "Meldung alt-1"]
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("http://localhost/articles/")
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == \
            entry.find(f"{ATOM}id").text
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    assert entries[0].find(f"{ATOM}updated").text == at(SECOND).isoformat(timespec="seconds")
    assert "Hochwasser" in entries[0].find(f"{ATOM}summary").text
    assert feed.find(f"{ATOM}updated").text == at(SECOND).isoformat(timespec="seconds")
    assert client.get("/feed.atom?q=%22offen").status_code in (200, 400)
    assert client.get("/feed.atom?size=0").status_code == 200  # the feed sets its own size


def test_the_search_page_offers_its_feed(archive):
    _, store = archive
    client = create_app({"INDEX_DIR": str(store.path), "TESTING": True}).test_client()
    page = client.get("/?q=Hochwasser").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page and "/feed.atom?q=Hochwasser" in page
