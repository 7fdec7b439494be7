"""Entity pages and their JSON twin; names found by the start of a word."""

from __future__ import annotations

PUTIN = "/api/entities/person/Wladimir%20Putin"


def test_entity_json_profile(client):
    data = client.get("/api/entities/person/wladimir%20putin").get_json()
    assert data["type"] == "person" and data["value"] == "Wladimir Putin"
    assert data["count"] == 1
    assert data["forms"] == [{"form": "Putins", "mentions": 1},
                             {"form": "Wladimir Putin", "mentions": 1}]
    timeline = data["timeline"]
    assert sum(b["count"] for b in timeline["buckets"]) + timeline["undated"] == data["count"]
    assert {"value": "Wolodymyr Selenskyj", "count": 1,
            "url": "/api/entities/person/Wolodymyr%20Selenskyj"} in data["related"]["persons"]
    assert "Wladimir Putin" not in {v["value"] for v in data["related"]["persons"]}
    assert [a["id"] for a in data["recent"]] == [a["id"] for a in data["relevant"]] == ["soldaten"]
    assert data["links"] == {"html": "/entity/person/Wladimir%20Putin",
                             "search": "/api/search?person=Wladimir+Putin",
                             "timeline": "/api/timeline?person=Wladimir+Putin"}


def test_most_relevant_articles_name_the_entity_most(client):
    merkel = client.get("/api/entities/person/Olaf%20Scholz").get_json()
    assert merkel["relevant"][0]["id"] == "haushalt"  # "Scholz" in its title and body


def test_unknown_entities_are_404_in_both_twins(client):
    for path in ("/api/entities/person/Niemand%20Bekannt", "/api/entities/colour/Rot"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    page = client.get("/entity/person/Niemand%20Bekannt")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "Nicht gefunden" in html and "Kein Artikel nennt &#39;Niemand Bekannt&#39;" in html


def test_entity_page_is_the_twin_of_the_json(client):
    html = client.get("/entity/person/WLADIMIR%20PUTIN").get_data(as_text=True)
    assert '<h1 id="entity-title">Wladimir Putin</h1>' in html
    assert "Putins" in html and "Schreibweisen" in html
    assert 'href="/entity/person/Wolodymyr%20Selenskyj"' in html
    assert 'href="/entity/place/Kursk"' in html and 'href="/entity/place/Kiew"' in html
    assert 'href="/?person=Wladimir+Putin"' in html  # the filtered search
    assert 'href="/articles/soldaten?back=/entity/person/WLADIMIR%2520PUTIN"' in html
    assert "<svg" in html and 'type="application/json" href="' + PUTIN + '"' in html
    english = client.get("/entity/person/Wladimir%20Putin?lang=en").get_data(as_text=True)
    assert "Spellings" in english and "lang=en" in english.split('class="related"')[1]


def test_entity_values_on_search_and_article_pages_link_to_their_pages(client):
    search = client.get("/?q=Soldat&person=Wladimir%20Putin").get_data(as_text=True)
    assert search.count('href="/entity/person/Wladimir%20Putin"') == 2  # facet and chip
    article = client.get("/articles/soldaten").get_data(as_text=True)
    assert 'href="/entity/person/Wladimir%20Putin"' in article
    assert 'href="/entity/place/Kursk"' in article


def test_autocomplete_by_the_start_of_any_word(client):
    def values(query: str) -> list:
        response = client.get("/api/entities?" + query)
        assert response.status_code == 200
        return [(v["value"], v["count"]) for v in response.get_json()["values"]]

    assert values("type=person&prefix=put") == [("Wladimir Putin", 1)]
    assert values("type=person&prefix=WLAD") == [("Wladimir Putin", 1)]
    assert values("type=person&prefix=merk") == [("Angela Merkel", 1)]
    assert values("type=person&prefix=zz") == []
    everyone = values("type=person&prefix=")
    assert len(everyone) > 5
    assert [count for _, count in everyone] == sorted((c for _, c in everyone), reverse=True)
    assert values("type=person&prefix=&limit=2") == everyone[:2]
    first = client.get("/api/entities?type=place&prefix=ki").get_json()["values"][0]
    assert first == {"value": "Kiew", "count": 1, "url": "/api/entities/place/Kiew",
                     "html": "/entity/place/Kiew"}
    for query, param in (("type=colour", "type"), ("type=person&limit=51", "limit"),
                         ("type=person&limit=0", "limit"), ("type=person&limit=x", "limit")):
        response = client.get("/api/entities?" + query)
        assert response.status_code == 400
        assert response.get_json()["error"]["param"] == param
