"""Researcher tools: timelines (HTML and JSON twins) and exports."""

from __future__ import annotations

import csv
import io
import json

from conftest import berlin_today

from indexer.research.kwic import left_context, right_context


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
    data = client.get("/api/timeline?q=Soldat&q=Merkel&q=&q=Soldat").get_json()
    assert [s["q"] for s in data["series"]] == ["Soldat", "Merkel"]  # no blanks, no repeats
    everything = client.get("/api/timeline").get_json()["series"]
    assert [s["q"] for s in everything] == [""]
    assert all(b["total"] == b["count"] for b in everything[0]["buckets"])
    assert all(b["share"] == 1.0 for b in everything[0]["buckets"] if b["count"])
    for series in data["series"]:
        assert sum(b["count"] for b in series["buckets"]) + series["undated"] == series["total"]
        for bucket, whole in zip(series["buckets"], everything[0]["buckets"]):
            assert bucket["total"] == whole["count"]
            if whole["count"]:
                assert bucket["share"] == round(bucket["count"] / whole["count"], 6)


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
    assert list(rows[0]) == ["id", "date", "title", "title_derived", "source", "section", "url",
                             "persons", "places", "orgs", "score", "snippet", "cluster",
                             "duplicates"]
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
    end = start + len("Soldaten")
    assert left_context(body, start, 60) == "Dr. Kim sagte, die"
    assert right_context(body, end, 60) == "seien abgezogen."


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
    article = client.get("/articles/soldaten?lang=en&back=/%3Fq%3DSoldat%26lang%3Den")
    assert "Back to the results" in article.get_data(as_text=True)
    assert "People" in article.get_data(as_text=True)


def test_timeline_comparison_page_is_the_twin_of_the_json(client):
    html = client.get("/timeline?q=Soldat&q=Merkel").get_data(as_text=True)
    data = client.get("/api/timeline?q=Soldat&q=Merkel").get_json()
    assert html.count("<svg") == 1  # the queries overlaid on one scale
    for series in data["series"]:
        assert f"„{series['q']}“" in html
    first = data["series"][0]["buckets"][0]
    assert f"<th scope=\"row\">{first['value']}</th>" in html
    assert 'href="/?q=Soldat&amp;from=2021-01-01&amp;to=2021-12-31"' in html
    assert client.get("/timeline?q=a&q=b&q=c&q=d&q=e").status_code == 400


def test_kwic_contexts_end_at_word_boundaries():
    body = "Die Regierung in Kiew spricht von einer neuen Eskalation der Lage."
    start = body.index("spricht")
    assert left_context(body, start, 12) == "in Kiew"  # "rung in Kiew " would cut a word
    assert left_context(body, start, 17) == "in Kiew"
    assert left_context(body, start, 18) == "Regierung in Kiew"
    assert left_context(body, start, 99) == "Die Regierung in Kiew"
    end = start + len("spricht")
    assert right_context(body, end, 14) == "von einer"  # not "von einer ne"
    assert right_context(body, end, 99) == "von einer neuen Eskalation der Lage."
    assert right_context(body, len(body), 10) == ""


def test_kwic_page_has_its_own_form_and_lines_that_keep_their_order(client):
    empty = client.get("/kwic")
    assert empty.status_code == 200
    assert 'action="/kwic"' in empty.get_data(as_text=True)
    html = client.get("/kwic?q=Soldat&kwic_sort=right").get_data(as_text=True)
    assert 'class="clip-left"' in html and "direction: rtl" not in html
    assert 'href="/articles/soldaten?back=/kwic?q%3DSoldat%26kwic_sort%3Dright"' in html


def test_the_way_back_from_an_article_is_in_its_url(client):
    back = "/?q=Soldat&page=1&year=2024"
    html = client.get("/articles/soldaten", query_string={"back": back}).get_data(as_text=True)
    assert '<a href="/?q=Soldat&amp;page=1&amp;year=2024">← Zurück zu den Ergebnissen</a>' in html
    assert '<link rel="canonical" href="http://localhost/articles/soldaten">' in html
    for elsewhere in ("https://example.org/", "//example.org/", "/\\example.org", "javascript:x"):
        html = client.get("/articles/soldaten", query_string={"back": elsewhere})
        article = html.get_data(as_text=True).split("<article")[1].split("</article>")[0]
        assert "example.org" not in article
        assert '<a href="/">← Zur Suche</a>' in html.get_data(as_text=True)
    from_kwic = client.get("/articles/soldaten?back=/kwic%3Fq%3DSoldat").get_data(as_text=True)
    assert "← Zurück zu den Fundstellen" in from_kwic


def test_downloads_are_named_after_the_query_and_the_day(client):
    today = berlin_today()
    cases = {
        "/api/export?format=csv&q=Wahl": f"wahl-{today}.csv",
        "/api/export?format=jsonl&q=Bundestagswahl%20M%C3%BCnchen":
            f"bundestagswahl-muenchen-{today}.jsonl",
        "/api/export?format=csv&person=Olaf%20Scholz": f"olaf-scholz-{today}.csv",
        "/api/export?format=csv": f"archiv-{today}.csv",
        "/api/kwic?q=Soldat&format=csv": f"soldat-kwic-{today}.csv",
        '/api/export?format=csv&q=%22Tag%20des%20Sieges%22%20OR%20Stra%C3%9Fe':
            f"tag-des-sieges-or-strasse-{today}.csv",
    }
    for url, name in cases.items():
        disposition = client.get(url).headers["Content-Disposition"]
        assert disposition == f'attachment; filename="{name}"', url
