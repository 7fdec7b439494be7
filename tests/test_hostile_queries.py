"""Queries that match everything, name unknown fields or run past the time budget."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from indexer.searching.budget import BudgetExceeded, time_budget
from indexer.searching.query import QueryError
from indexer.searching.search import SearchRequest, matching_docnums, prepare, search


def whoosh_docs(snapshot, q: wq.Query) -> set[int]:
    """whoosh's own answer (its walk over every word of a field)."""
    return set(q.docs(snapshot.searcher))


def newest_first(snapshot, q: str) -> list[str]:
    return [h.id for h in search(snapshot, SearchRequest(q=q, sort="-date", size=100)).hits]


@pytest.mark.parametrize("text,fields", [
    ("*", ["title", "body"]),
    ("title:*", ["title"]),
    ("titel:*", ["title"]),
    ("person:*", ["persons"]),
    ("org:*", ["orgs"]),
])
def test_match_all_queries_find_what_whoosh_finds(snapshot, text, fields):
    expected = set().union(*(whoosh_docs(snapshot, wq.Every(f)) for f in fields))
    prepared = prepare(snapshot, SearchRequest(q=text))
    assert set(matching_docnums(snapshot, prepared).tolist()) == expected


@pytest.mark.parametrize("text", ["*", "title:*", "*:*", "Soldat OR *"])
def test_match_all_queries_browse_the_archive_newest_first(snapshot, text):
    result = search(snapshot, SearchRequest(q=text, size=100))
    assert result.total == snapshot.doc_count
    assert [h.id for h in result.hits] == newest_first(snapshot, "")
    assert all(h.score is None for h in result.hits)


def test_everything_excluded_finds_nothing(snapshot):
    assert search(snapshot, SearchRequest(q="NOT *")).total == 0
    assert search(snapshot, SearchRequest(q="Soldat -title:*")).total == 0
    without = search(snapshot, SearchRequest(q="NOT Soldat")).total
    assert without == snapshot.doc_count - search(snapshot, SearchRequest(q="Soldat")).total


@pytest.mark.parametrize("text,fragment", [
    ("section:*", "filters"),
    ("year:*", "filters"),
    ("id:*", "cannot be searched"),
    ("*ung", "two letters before"),
    ("K*ma", "two letters before"),
])
def test_whole_field_walks_are_refused(snapshot, text, fragment):
    with pytest.raises(QueryError, match=fragment):
        search(snapshot, SearchRequest(q=text))


def test_unknown_field_names_the_fields_and_their_german_names(snapshot):
    with pytest.raises(QueryError) as caught:
        search(snapshot, SearchRequest(q="nosuchfield:abc"))
    message = str(caught.value)
    assert "'nosuchfield:'" in message
    for name in ("title (titel)", "persons (person, personen)", "places (place, ort, orte)",
                 "section (ressort, rubrik)", "year (jahr)", "body"):
        assert name in message


@pytest.mark.parametrize("text", ["Achtung: Soldaten", "Soldaten 11:05", "https://example.org"])
def test_colons_that_are_no_field_stay_text(snapshot, text):
    search(snapshot, SearchRequest(q=text))  # no QueryError


def test_unknown_field_is_a_400_over_http(client):
    response = client.get("/api/search?q=schlagzeile:Wahl")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_query" and error["param"] == "q"
    assert "schlagzeile" in error["message"] and "titel" in error["message"]


# -- the time budget ----------------------------------------------------------------

SPENT = 1e-9  # a budget that is over at the first check


@pytest.mark.parametrize("text", [
    "Soldat", "Kl*", '"Tag des Sieges"', "*", '"Soldaten Russland"~5', "date:[2020 to 2022]",
])
def test_a_search_past_its_budget_stops(snapshot, text):
    with time_budget(SPENT), pytest.raises(BudgetExceeded, match="longer than"):
        search(snapshot, SearchRequest(q=text))
    search(snapshot, SearchRequest(q=text))  # without a budget it runs to the end


def test_whooshs_own_ranking_stops_at_the_budget(snapshot):
    """A proximity phrase is ranked by whoosh's matchers, which check the budget too."""
    from indexer.searching import search as search_module
    prepared = prepare(snapshot, SearchRequest(q='"Soldaten Russland"~5'))
    docnums = matching_docnums(snapshot, prepared)
    assert docnums.size
    with time_budget(SPENT), pytest.raises(BudgetExceeded):
        search_module._whoosh_ranking(snapshot.searcher, prepared.ranking, docnums, 10)
    found = search_module._whoosh_ranking(snapshot.searcher, prepared.ranking, docnums, 10)
    assert {d for d, _ in found} == set(np.asarray(docnums).tolist())


@pytest.fixture()
def hurried_app(index_dir):
    from web import create_app
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True,
                       "QUERY_BUDGET_SECONDS": SPENT})


@pytest.mark.parametrize("path", ["/api/search?q=Soldat", "/api/timeline?q=Soldat",
                                  "/api/kwic?q=Soldat", "/api/export?q=Soldat&format=csv"])
def test_over_budget_requests_get_a_503_in_the_error_shape(hurried_app, path):
    response = hurried_app.test_client().get(path)
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "query_timeout" and error["param"] == "q"
    assert "longer than" in error["message"]


def test_the_html_page_says_so_too(hurried_app):
    response = hurried_app.test_client().get("/?q=Soldat")
    assert response.status_code == 503
    assert "länger als" in response.get_data(as_text=True)  # in the page's language
    english = hurried_app.test_client().get("/?q=Soldat&lang=en")
    assert "longer than" in english.get_data(as_text=True)


def test_the_budget_comes_from_the_environment(index_dir, monkeypatch):
    from web import create_app
    assert create_app({"INDEX_DIR": str(index_dir)}).config["QUERY_BUDGET_SECONDS"] == 5
    monkeypatch.setenv("NEWSINDEX_QUERY_BUDGET_SECONDS", "0.25")
    monkeypatch.setenv("NEWSINDEX_EXPORT_BUDGET_SECONDS", "30")
    app = create_app({"INDEX_DIR": str(index_dir)})
    assert app.config["QUERY_BUDGET_SECONDS"] == 0.25
    assert app.config["EXPORT_BUDGET_SECONDS"] == 30


def test_an_export_stream_stops_at_its_own_budget(index_dir):
    from web import create_app
    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True,
                      "EXPORT_BUDGET_SECONDS": SPENT})
    with pytest.raises(BudgetExceeded):  # raised while the body streams, after the headers
        app.test_client().get("/api/export?format=jsonl")
