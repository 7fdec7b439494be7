"""The Flask app: the JSON API's contract and errors, and the HTML pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

HIT_KEYS = {"id", "title", "title_derived", "title_html", "date", "source", "section", "url",
            "score", "snippet", "snippets", "entities", "cluster", "duplicates", "indexed"}


# -- JSON API -------------------------------------------------------------------


def test_api_search_schema(client):
    response = client.get("/api/search?q=Soldat&person=Wladimir%20Putin")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert list(data) == ["query", "total", "counting", "page", "size", "pages", "took_ms",
                          "generation", "suggestion", "corrections", "expansions", "hits",
                          "facets", "notices", "links"]
    assert data["query"] == {"q": "Soldat", "filters": {"person": ["Wladimir Putin"]},
                             "exclude": {}, "from": None, "to": None, "sort": "relevance",
                             "collapse": False, "since": None, "not_form": []}
    assert data["counting"] == "articles"
    assert data["total"] == 1
    [hit] = data["hits"]
    assert set(hit) == HIT_KEYS
    assert hit["id"] == "soldaten"
    assert "Wladimir Putin" in hit["entities"]["persons"]
    assert "Kursk" in hit["entities"]["places"]
    assert hit["date"] == "2024-10-24T11:05:00+02:00"
    assert "<mark>Soldaten</mark>" in hit["snippet"]
    assert hit["snippet"] == " ".join(hit["snippets"])
    assert set(data["facets"]) == {"persons", "places", "orgs", "section", "source", "year",
                                   "month"}
    putin = next(v for v in data["facets"]["persons"] if v["value"] == "Wladimir Putin")
    assert putin == {"value": "Wladimir Putin", "count": 1, "selected": True,
                     "toggle_url": "/api/search?q=Soldat",
                     "exclude_url": "/api/search?q=Soldat&not_person=Wladimir+Putin",
                     "entity_url": "/api/entities/person/Wladimir%20Putin"}


def test_facet_toggle_url_adds_a_filter(client):
    data = client.get("/api/search?q=Soldat").get_json()
    year = next(v for v in data["facets"]["year"] if v["value"] == "2021")
    assert not year["selected"]
    params = parse_qs(urlsplit(year["toggle_url"]).query)
    assert params == {"q": ["Soldat"], "year": ["2021"]}
    narrowed = client.get(year["toggle_url"]).get_json()
    assert [h["id"] for h in narrowed["hits"]] == ["hochwasser"]


def test_api_paging_links(client):
    data = client.get("/api/search?sort=-date&size=3").get_json()
    assert data["pages"] == 3 and data["links"]["prev"] is None
    second = client.get(data["links"]["next"]).get_json()
    assert second["page"] == 2
    assert second["links"]["html"].startswith("/?")


@pytest.mark.parametrize("query,param,fragment", [
    ("size=1000", "size", "size"),
    ("size=abc", "size", "whole number"),
    ("page=-1", "page", "page"),
    ("sort=zufall", "sort", "sort"),
    ("from=yesterday", "from", "date"),
    ("from=2024-13-01", "from", "date"),
    ("from=2024-02-01&to=2024-01-01", "from", "after"),
    ("year=neunzehn", "year", "year"),
    ("q=" + "x" * 600, "q", "characters"),
    ("q=date:[gestern%20to%20morgen]", "q", "needs a value like"),
])
def test_api_bad_requests_are_json_400(client, query, param, fragment):
    response = client.get("/api/search?" + query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["param"] == param
    assert error["code"] == ("invalid_query" if param == "q" else "invalid_parameter")
    assert fragment in error["message"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_api_article(client):
    data = client.get("/api/articles/soldaten").get_json()
    assert data["id"] == "soldaten"
    assert data["date"] == "2024-10-24T11:05:00+02:00"
    assert "Wladimir Putin" in data["entities"]["persons"]
    putins = next(e for e in data["mentions"] if e["text"] == "Putins")
    assert putins["canonical"] == "Wladimir Putin" and putins["type"] == "PER"
    assert data["body"][putins["start"]:putins["end"]] == "Putins"


def test_api_unknown_article_and_route_are_json_404(client):
    for path in ("/api/articles/nope", "/api/nothing-here"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_api_description_and_openapi_document(client):
    data = client.get("/api").get_json()
    assert data["endpoints"]["search"] == "/api/search"
    spec = client.get(data["openapi"]).get_json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {
        "/api/search", "/api/articles/{id}", "/api/health", "/api/cite", "/api/timeline",
        "/api/kwic", "/api/export", "/api/cooccurrence", "/api/entities",
        "/api/entities/{type}/{name}"}
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "page", "size", "sort", "from", "to", "person", "place", "org", "section",
            "source"} <= params
    # The documented hit fields are exactly what the endpoint returns.
    hit = client.get("/api/search?q=Soldat").get_json()["hits"][0]
    assert set(spec["components"]["schemas"]["Hit"]["properties"]) == set(hit)


# -- HTML -----------------------------------------------------------------------------


def test_search_page_shows_hits_snippets_and_facets(client):
    response = client.get("/?q=Soldat")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 Treffer für „Soldat“" in html
    assert "<mark>Soldaten</mark>" in html
    assert 'href="/articles/soldaten?back=/?q%3DSoldat"' in html  # the way back
    assert "Personen" in html and "Wladimir Putin" in html
    assert 'type="application/json" href="/api/search?q=Soldat' in html


def test_search_page_without_query_lists_newest_articles(client):
    html = client.get("/").get_data(as_text=True)
    assert "8 Treffer" in html
    assert html.index("Scholz entlässt Lindner") < html.index("Wiesn in München")


def test_search_page_filter_chip_and_removal(client):
    html = client.get("/?q=Soldat&year=2021").get_data(as_text=True)
    assert "Jahr: 2021" in html
    assert 'href="/?q=Soldat"' in html  # removes the chip


def test_search_page_bad_query_is_a_readable_400(client):
    response = client.get("/?size=1000")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "size muss zwischen 1 und 100 liegen" in html and "Traceback" not in html
    english = client.get("/?size=1000&lang=en").get_data(as_text=True)
    assert "size must be between 1 and 100" in english


def test_article_page_escapes_untrusted_text_and_drops_javascript_urls(client):
    html = client.get("/articles/feed-3").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html
    assert "javascript:" not in html


def test_untrusted_urls_and_markup_are_inert_in_json_too(client):
    [hit] = client.get("/api/search?q=Cyberabwehr").get_json()["hits"]
    assert hit["url"] is None  # javascript: is never passed on
    assert "<img" not in hit["snippet"] and "&lt;img" in hit["snippet"]
    assert "&lt;script&gt;" in hit["title_html"]
    assert client.get("/api/articles/feed-3").get_json()["url"] is None


def test_article_page_marks_entities(client):
    html = client.get("/articles/soldaten").get_data(as_text=True)
    assert 'title="Person: Wladimir Putin">Putins</span>' in html
    assert 'href="/entity/person/Wladimir%20Putin"' in html


def test_security_headers(client):
    response = client.get("/?q=Soldat")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_missing_index_is_a_503_with_advice(tmp_path):
    from web import create_app
    client = create_app({"INDEX_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    response = client.get("/api/search?q=x")
    assert response.status_code == 503
    assert "newsindex build" in response.get_json()["error"]["message"]


def test_a_corrected_word_is_shown_with_a_way_to_search_exactly(client):
    page = client.get("/?q=Hochwaser").get_data(as_text=True)
    assert "auch gesucht als <strong>Hochwasser</strong>" in page
    assert "correct=0" in page
    exact = client.get("/api/search?q=Hochwaser&correct=0").get_json()
    assert exact["total"] == 0 and exact["corrections"] == []
    assert client.get("/api/search?q=Hochwaser&correct=ja").status_code == 400
