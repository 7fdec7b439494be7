"""Researcher tools: timelines (HTML and JSON twins) and exports."""

from __future__ import annotations

import csv
import io
import json

from indexer.research.kwic import context


def test_timeline_buckets_add_up_to_the_total(client):
    data = client.get("/api/timeline?q=Soldat").get_json()
    assert data["interval"] == "year"
    [series] = data["series"]
    search = client.get("/api/search?q=Soldat").get_json()
    assert series["total"] == search["total"] == 3
    assert sum(b["count"] for b in series["buckets"]) + series["undated"] == series["total"]
    assert [b["value"] for b in series["buckets"]] == ["2021", "2022", "2023", "2024"]
    assert [b["count"] for b in series["buckets"]] == [1, 1, 0, 1]
    bucket_2021 = series["buckets"][0]
    assert bucket_2021["from"] == "2021-01-01" and bucket_2021["to"] == "2021-12-31"
    assert bucket_2021["share"] == 1.0  # the only 2021 article matches


def test_timeline_compares_queries_with_shares(client):
    data = client.get("/api/timeline?q=Soldat&q=Merkel&q=").get_json()
    assert [s["q"] for s in data["series"]] == ["Soldat", "Merkel", ""]
    everything = data["series"][2]
    assert all(b["share"] == 1.0 for b in everything["buckets"] if b["count"])
    for series in data["series"]:
        assert sum(b["count"] for b in series["buckets"]) + series["undated"] == series["total"]


def test_timeline_interval_follows_the_range(client):
    monthly = client.get("/api/timeline?from=2024-01-01&to=2024-12-31").get_json()
    assert monthly["interval"] == "month"
    assert len(monthly["series"][0]["buckets"]) == 12
    daily = client.get("/api/timeline?from=2024-11-01&to=2024-11-10").get_json()
    assert daily["interval"] == "day" and len(daily["series"][0]["buckets"]) == 10
    assert client.get("/api/timeline?interval=week").status_code == 400
    assert client.get("/api/timeline?q=a&q=b&q=c&q=d&q=e").status_code == 400


def test_search_page_draws_the_timeline_with_links_narrowing_the_range(client):
    html = client.get("/?q=Soldat").get_data(as_text=True)
    assert "<svg" in html and 'class="bar"' in html
    assert 'href="/?q=Soldat&amp;from=2021-01-01&amp;to=2021-12-31"' in html
    narrowed = client.get("/api/search?q=Soldat&from=2021-01-01&to=2021-12-31").get_json()
    assert [h["id"] for h in narrowed["hits"]] == ["hochwasser"]


def test_export_csv_has_the_whole_result_set(client):
    response = client.get("/api/export?format=csv&q=Soldat&size=1&page=2")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["X-Total-Count"] == "3"
    assert response.headers["X-Export-Truncated"] == "false"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 3  # the page parameters do not limit an export
    assert list(rows[0]) == ["id", "date", "title", "source", "section", "url", "persons",
                             "places", "orgs", "score", "snippet", "cluster", "duplicates"]
    soldaten = next(r for r in rows if r["id"] == "soldaten")
    assert "Wladimir Putin" in soldaten["persons"].split("; ")
    assert "Soldaten" in soldaten["snippet"] and "<mark>" not in soldaten["snippet"]


def test_export_jsonl_and_its_errors(client):
    response = client.get("/api/export?format=jsonl&sort=-date")
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(lines) == 8
    assert [line["date"] for line in lines] == sorted((row["date"] for row in lines), reverse=True)
    bad = client.get("/api/export?format=xlsx")
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "format"


def test_more_like_this_on_article_pages(client):
    data = client.get("/api/articles/hochwasser").get_json()
    similar = [item["id"] for item in data["similar"]]
    assert similar and "hochwasser" not in similar
    html = client.get("/articles/hochwasser").get_data(as_text=True)
    assert "Ähnliche Artikel" in html
    assert f'href="/articles/{similar[0]}"' in html


def test_cooccurrence_with_an_entity(client):
    data = client.get("/api/cooccurrence?with=person:olaf%20scholz").get_json()
    assert data["entity"] == {"type": "person", "value": "Olaf Scholz", "count": 1}
    persons = {v["value"]: v["count"] for v in data["persons"]}
    assert "Olaf Scholz" not in persons
    assert persons == {"Christian Lindner": 1, "Friedrich Merz": 1}
    assert {"value": "FDP", "count": 1, "selected": False} in data["orgs"]
    assert client.get("/api/cooccurrence?with=colour:red").status_code == 400


def test_kwic_lists_every_matched_form_with_context(client):
    data = client.get("/api/kwic?q=Soldat").get_json()
    matches = [line["match"] for line in data["lines"]]
    assert data["count"] == len(matches) >= 4
    assert set(matches) <= {"Soldaten", "Soldat"}
    line = next(item for item in data["lines"] if item["id"] == "soldaten")
    assert line["left"].endswith("nordkoreanische") and line["right"].startswith("in der")
    by_right = client.get("/api/kwic?q=Soldat&kwic_sort=right").get_json()["lines"]
    rights = [item["right"].split()[0].casefold() for item in by_right]
    assert rights == sorted(rights)
    rows = list(csv.DictReader(io.StringIO(
        client.get("/api/kwic?q=Soldat&format=csv").get_data(as_text=True))))
    assert len(rows) == len(matches)
    html = client.get("/kwic?q=Soldat").get_data(as_text=True)
    assert "<mark>Soldaten</mark>" in html and "Fundstellen" in html
    assert client.get("/api/kwic?q=").status_code == 400


def test_kwic_context_keeps_to_the_sentence_of_the_match():
    body = "Die Lage ist ruhig. Dr. Kim sagte, die Soldaten seien abgezogen. Dann kam Regen."
    start = body.index("Soldaten")
    assert context(body, start, start + len("Soldaten"), 60) == (
        "Dr. Kim sagte, die", "seien abgezogen.")


def test_kwic_keeps_to_the_date_range(client):
    lines = client.get("/api/kwic?q=Soldat&from=2024-01-01&to=2024-12-31").get_json()["lines"]
    assert {line["id"] for line in lines} == {"soldaten"}


def test_excluding_a_facet_value(client):
    data = client.get("/api/search?q=Soldat").get_json()
    year = next(v for v in data["facets"]["year"] if v["value"] == "2021")
    assert "not_year=2021" in year["exclude_url"]
    narrowed = client.get(year["exclude_url"]).get_json()
    assert narrowed["total"] == 2 and "hochwasser" not in {h["id"] for h in narrowed["hits"]}
    assert narrowed["query"]["exclude"] == {"year": ["2021"]}
    html = client.get("/?q=Soldat&not_year=2021").get_data(as_text=True)
    assert "ohne Jahr: 2021" in html
    everything_but = client.get("/api/search?not_person=Olaf%20Scholz").get_json()
    assert everything_but["total"] == 7


def test_show_all_values_of_one_facet_and_search_inside_it(client, snapshot):
    short = client.get("/api/search").get_json()["facets"]["places"]
    full = client.get("/api/search?more=place").get_json()["facets"]["places"]
    assert len(short) == 10 < len(full) == snapshot.facets.value_count("places")
    filtered = client.get("/api/search?more=person&facet_filter=merk").get_json()
    assert [v["value"] for v in filtered["facets"]["persons"]] == ["Angela Merkel"]
    html = client.get("/?more=person").get_data(as_text=True)
    assert "weniger anzeigen" in html and 'name="facet_filter"' in html
    assert 'href="/?more=place"' in client.get("/").get_data(as_text=True)
    assert client.get("/api/search?more=colour").status_code == 400


def test_english_interface_on_request(client):
    html = client.get("/?q=Soldat&lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "3 results for „Soldat“" in html and "People" in html and "Sort" in html
    assert "24 October 2024" in html  # dates in English
    assert "lang=en" in html.split('class="facet"')[1]  # facet links keep the language
    german = client.get("/?q=Soldat").get_data(as_text=True)
    assert '<html lang="de">' in german and "3 Treffer für „Soldat“" in german
    assert "24. Oktober 2024" in german and 'lang="en">English</a>' in german
    by_header = client.get("/?q=Soldat", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert "3 results for" in by_header.get_data(as_text=True)
    article = client.get("/articles/soldaten?lang=en").get_data(as_text=True)
    assert "Back to the results" in article and "People" in article


def test_timeline_comparison_page_is_the_twin_of_the_json(client):
    html = client.get("/timeline?q=Soldat&q=Merkel").get_data(as_text=True)
    data = client.get("/api/timeline?q=Soldat&q=Merkel").get_json()
    assert html.count("<svg") == 2
    for series in data["series"]:
        assert f"„{series['q']}“" in html
    first = data["series"][0]["buckets"][0]
    assert f"<th scope=\"row\">{first['value']}</th>" in html
    assert 'href="/?q=Soldat&amp;from=2021-01-01&amp;to=2021-12-31"' in html
    assert client.get("/timeline?q=a&q=b&q=c&q=d&q=e").status_code == 400
