"""Charts for papers: server-drawn SVG with axes, labels and a legend; CSV beside it."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import berlin_today

SVG = "{http://www.w3.org/2000/svg}"


def svg_tree(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def texts(tree: ET.Element) -> list[str]:
    return [t.text for t in tree.iter(SVG + "text")]


def test_search_chart_has_axes_period_labels_legend_and_links(client):
    html = client.get("/?q=Soldat").get_data(as_text=True)
    svg = svg_tree(re.search(r"<svg xmlns.*?</svg>", html, re.S).group(0))
    assert "role" not in svg.attrib  # links inside: not one image (axe nested-interactive)
    labels = texts(svg)
    assert {"2021", "2022", "2023", "2024"} <= set(labels)  # every period labelled
    assert "„Soldat“" in labels and "Artikel" in labels  # legend and value axis
    assert {"0", "1"} <= set(labels)
    links = list(svg.iter(SVG + "a"))
    assert len(links) == 4
    assert links[0].get("href") == "/?q=Soldat&from=2021-01-01&to=2021-12-31"
    assert links[0].get("aria-label") == "2021: 1 Artikel"


def test_compared_queries_share_one_chart_and_scale(client):
    html = client.get("/timeline?q=Soldat&q=Merkel").get_data(as_text=True)
    assert html.count("<svg") == 1
    svg = svg_tree(re.search(r"<svg xmlns.*?</svg>", html, re.S).group(0))
    assert svg.get("role") == "img" and not list(svg.iter(SVG + "a"))
    lines = [p for p in svg.iter(SVG + "path") if p.get("fill") == "none"]
    assert len(lines) == 2
    assert lines[0].get("stroke") != lines[1].get("stroke")
    assert lines[1].get("stroke-dasharray")  # told apart without colour, too
    assert {"„Soldat“", "„Merkel“"} <= set(texts(svg))
    # both lines start and end in the same periods, on one value axis
    starts = [p.get("d").split(" L")[0] for p in lines]
    assert starts[0].split()[0] == starts[1].split()[0]


def test_counts_or_shares_are_a_url_parameter(client):
    counts = client.get("/timeline?q=Soldat&q=Merkel").get_data(as_text=True)
    shares = client.get("/timeline?q=Soldat&q=Merkel&measure=share").get_data(as_text=True)
    assert "Anteil an allen Artikeln</text>" in shares and "100 %</text>" in shares
    assert "Anteil an allen Artikeln</text>" not in counts
    assert 'href="/timeline?q=Soldat&amp;q=Merkel&amp;measure=share"' in counts
    english = client.get("/timeline?q=Soldat&q=Merkel&measure=share&lang=en")
    assert "100%</text>" in english.get_data(as_text=True)
    bad = client.get("/api/timeline?format=svg&measure=percent")
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "measure"


def test_chart_downloads_as_svg_file(client):
    response = client.get("/api/timeline?q=Soldat&q=Merkel&format=svg&measure=share")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    today = berlin_today()
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="soldat-merkel-timeline-{today}.svg"'
    text = response.get_data(as_text=True)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns=')
    svg = svg_tree(text)
    assert svg.find(SVG + "title").text == "Anteil an allen Artikeln pro Jahr, 2019 – 2024"
    assert "class" not in text.split("<svg", 1)[1].split(">", 1)[0]  # no stylesheet needed
    assert client.get("/api/timeline?q=xyzzy&format=svg").status_code == 404


def test_chart_downloads_as_csv_with_period_count_and_total(client):
    response = client.get("/api/timeline?q=Soldat&q=Merkel&format=csv")
    assert response.mimetype == "text/csv"
    assert "soldat-merkel-timeline-" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == ["period", "query", "count", "total", "share"]
    data = client.get("/api/timeline?q=Soldat&q=Merkel").get_json()
    assert len(rows) == sum(len(s["buckets"]) for s in data["series"])
    soldat = [r for r in rows if r["query"] == "Soldat"]
    assert [int(r["count"]) for r in soldat] == [b["count"] for b in data["series"][0]["buckets"]]
    assert all(int(r["count"]) <= int(r["total"]) for r in rows)


def test_blank_compare_fields_leave_the_url(client):
    response = client.get("/timeline?q=Soldat&q=&q=+&q=")
    assert response.status_code == 302 and response.location == "/timeline?q=Soldat"
    html = client.get("/timeline?q=Soldat").get_data(as_text=True)
    assert html.count("alle Artikel") == 0
    assert html.count('<th scope="col">') == 3  # period, „Soldat“, articles in the archive


def test_timeline_page_shows_and_keeps_its_filters(client):
    html = client.get("/timeline?q=Soldat&year=2024&lang=en").get_data(as_text=True)
    assert "Year: 2024" in html  # a chip, removable
    assert 'href="/timeline?q=Soldat&amp;lang=en"' in html
    assert '<input type="hidden" name="year" value="2024">' in html
    assert "(100.0%)" in html


def test_shares_use_a_decimal_comma_on_german_pages(client):
    html = client.get("/timeline?q=Soldat&q=Merkel").get_data(as_text=True)
    assert "(100,0 %)" in html and "(0,0 %)" in html
    assert not re.search(r"\(\d+\.\d %\)", html)


@pytest.mark.parametrize("measure,peak,ticks", [
    ("count", 6, ["0", "2", "4", "6"]),
    ("count", 1, ["0", "1"]),
    ("count", 1234, ["0", "500", "1.000", "1.500"]),
    ("share", 0.75, ["0 %", "20 %", "40 %", "60 %", "80 %"]),
    ("share", 0.004, ["0,0 %", "0,1 %", "0,2 %", "0,3 %", "0,4 %"]),
])
def test_value_axis_has_round_ticks(app, measure, peak, ticks):
    from web.charts import _scale
    with app.test_request_context("/"):
        ceiling, found = _scale(peak, measure)
    assert [text for _, text in found] == ticks
    assert ceiling >= peak
