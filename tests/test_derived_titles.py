"""Articles without a title: shown with their first sentence, marked as derived, never
searched as a title; the article's names with the forms it writes them in."""

from __future__ import annotations

import json

import pytest

from indexer.analysis.sentences import lead_sentence
from indexer.writing.build import build
from indexer.writing.store import IndexStore

UNTITLED = {"id": "ohne-titel", "date": "2023-05-02", "source": "Agentur",
            "body": "Dr. Kim traf am 21. August in Seoul Vertreter der Regierung. Danach "
                    "sprach Kim über den Hafenausbau. Die Regierung in Seoul schwieg."}
TITLED = {"id": "mit-titel", "title": "Hafenausbau in Hamburg", "date": "2023-05-03",
          "body": "Der Hafenausbau in Hamburg beginnt. Olaf Scholz kam zum Start."}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from web import create_app

    root = tmp_path_factory.mktemp("untitled")
    feed = root / "corpus" / "feed.jsonl"
    feed.parent.mkdir()
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (UNTITLED, TITLED)),
                    encoding="utf-8")
    build(IndexStore(root / "ix"), [str(feed.parent)])
    return create_app({"INDEX_DIR": str(root / "ix"), "TESTING": True}).test_client()


def test_the_lead_sentence_ends_at_the_first_sentence_and_is_cut_at_a_word():
    assert lead_sentence(UNTITLED["body"]) == (
        "Dr. Kim traf am 21. August in Seoul Vertreter der Regierung.")
    long = "Ein Satz " + "mit sehr vielen Wörtern " * 10 + "endet hier."
    cut = lead_sentence(long, max_chars=60)
    assert cut.endswith(" …") and len(cut) <= 62 and long.startswith(cut[:-2])
    assert lead_sentence("") == ""


def test_a_hit_without_title_shows_its_first_sentence_marked_as_derived(client):
    hits = {hit["id"]: hit for hit in client.get("/api/search?q=Hafenausbau").get_json()["hits"]}
    assert hits["ohne-titel"]["title"] == (
        "Dr. Kim traf am 21. August in Seoul Vertreter der Regierung.")
    assert hits["ohne-titel"]["title_derived"] is True
    assert "<mark>" not in hits["ohne-titel"]["title_html"]
    assert hits["mit-titel"]["title_derived"] is False
    assert hits["mit-titel"]["title_html"] == "<mark>Hafenausbau</mark> in Hamburg"


def test_the_derived_title_is_not_searched_as_a_title(client):
    hits = client.get("/api/search?q=title:Regierung").get_json()["hits"]
    assert [hit["id"] for hit in hits] == []


def test_the_article_twins_mark_the_derived_title(client):
    article = client.get("/api/articles/ohne-titel").get_json()
    assert article["title_derived"] is True
    assert article["title"].startswith("Dr. Kim traf")
    html = client.get("/articles/ohne-titel").get_data(as_text=True)
    assert 'class="derived-title"' in html and "Titel aus dem ersten Satz" in html
    titled = client.get("/articles/mit-titel").get_data(as_text=True)
    assert '<h1 id="article-title">Hafenausbau in Hamburg</h1>' in titled
    # the untitled article, listed as similar, keeps its mark there
    assert '<span class="derived-title" title="Titel aus dem ersten Satz">Dr. Kim traf' in titled


def test_the_article_lists_each_name_once_with_its_forms(client):
    names = client.get("/api/articles/ohne-titel").get_json()["names"]
    seoul = [name for name in names if name["canonical"] == "Seoul"]
    assert seoul == [{"type": "LOC", "canonical": "Seoul", "forms": ["Seoul"], "mentions": 2}]
    assert [name["canonical"] for name in names] == list(dict.fromkeys(
        name["canonical"] for name in names))


def test_the_export_says_which_titles_are_derived(client):
    response = client.get("/api/export?format=jsonl&q=Hafenausbau")
    lines = response.get_data(as_text=True).splitlines()
    rows = {row["id"]: row for row in map(json.loads, lines)}
    assert rows["ohne-titel"]["title_derived"] is True
    assert rows["ohne-titel"]["title"].startswith("Dr. Kim traf")
    assert rows["mit-titel"]["title_derived"] is False
