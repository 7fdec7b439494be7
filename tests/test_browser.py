"""End-to-end tests in headless Chromium against the production server.

The server is the real ``newsindex serve`` (waitress) on 127.0.0.1 over the
sample archive in ``corpus/``; the browser is Debian's ``chromium`` driven by
Playwright, with a German ``Accept-Language``.  Every page type is checked
with axe-core against WCAG 2.1 AA at desktop and phone widths (``make test``
fetches axe-core from the npm registry into ``tests/vendor/``).  Set
SCREENSHOT_DIR to keep screenshots of the main pages (``docs/screenshots``
holds the current ones).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO, berlin_today

from indexer.writing.build import build
from indexer.writing.store import IndexStore

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
AXE_SCRIPTS = sorted(REPO.glob("tests/vendor/axe-core-*/axe.min.js"))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}
PAGES = {
    "home": "/",
    "search": "/?q=Merkel",
    "search-filtered": "/?q=Zinsen&person=Christine%20Lagarde&not_year=2019&more=place",
    "search-word-forms": "/?q=Wahl&not_form=bundestagswahl",
    "search-unclosed-quote": '/?q="Tag%20des',
    "search-english": "/?q=Inflation&lang=en",
    "timeline-compare": "/timeline?q=Inflation&q=Zinsen&measure=share",
    "timeline-filtered": "/timeline?q=Lagarde&year=2022&interval=month",
    "kwic": "/kwic?q=Prozent",
    "kwic-empty": "/kwic",
    "article": "/articles/2022-07-21-ezb-erhoeht-zinsen?back=/%3Fq%3DZinsen",
    "entity": "/entity/person/Christine%20Lagarde",
    "entity-404": "/entity/person/Niemand%20Bekannt",
    "bad-request": "/?size=1000",
}
ON_PHONES = ("search", "search-filtered", "timeline-compare", "kwic", "article", "entity")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    index = tmp_path_factory.mktemp("browser") / "index"
    build(IndexStore(index), [str(REPO / "corpus")])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", "--index", str(index), "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/api", timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is needed for the browser tests: apt-get install chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


def open_page(browser, viewport: dict, **options):
    context = browser.new_context(viewport=viewport, locale="de-DE", accept_downloads=True,
                                  **options)
    return context, context.new_page()


@pytest.fixture()
def page(browser):
    context, page = open_page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture()
def phone(browser):
    context, page = open_page(browser, PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()


def screenshot(page, name: str, locator=None) -> None:
    target = os.environ.get("SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        path = str(Path(target) / f"{name}.png")
        (locator or page).screenshot(path=path)


def total(page) -> int:
    return int(page.locator("h1.summary").inner_text().split()[0].replace(".", ""))


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.x AA violations on the page, one line each."""
    if not AXE_SCRIPTS:
        pytest.fail("axe-core is missing: `make test` fetches it into tests/vendor/ with npm")
    page.add_script_tag(path=str(AXE_SCRIPTS[-1]))
    return page.evaluate(
        """async (tags) => {
             const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
             return result.violations.map(v =>
               `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`);
           }""", AXE_TAGS)


# -- accessibility ------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe_contexts(browser):
    """A desktop and a phone context that let the test inject axe-core (the site's
    Content-Security-Policy rightly refuses inline scripts)."""
    opened = {name: open_page(browser, viewport, bypass_csp=True)
              for name, viewport in (("desktop", DESKTOP), ("phone", PHONE))}
    yield {name: page for name, (_, page) in opened.items()}
    for context, _ in opened.values():
        context.close()


@pytest.mark.parametrize("device,name", [("desktop", name) for name in PAGES]
                         + [("phone", name) for name in ON_PHONES])
def test_no_axe_violations(server, axe_contexts, device, name):
    page = axe_contexts[device]
    response = page.goto(server + PAGES[name])
    assert response.status in (200, 400, 404)
    assert axe_violations(page) == []


@pytest.mark.parametrize("name", ON_PHONES)
def test_pages_fit_a_phone_screen(server, axe_contexts, name):
    page = axe_contexts["phone"]
    page.goto(server + PAGES[name])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_keyboard_skips_to_the_first_result(server, page):
    page.goto(server + "/?q=Merkel")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zu den Treffern springen"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = page.locator("ol.hits li.hit h2 a").first
    assert page.evaluate("document.activeElement.href") == first.evaluate("a => a.href")
    # Without the skip link the first result is still close: results come before the filters.
    page.goto(server + "/?q=Merkel")
    stops = 0
    while not page.evaluate("document.activeElement.closest('li.hit') !== null"):
        page.keyboard.press("Tab")
        stops += 1
        assert stops <= 30


def test_focus_is_outlined_with_enough_contrast(server, page):
    page.goto(server + "/?q=Merkel")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return [style.outlineStyle, style.outlineWidth, style.outlineColor,
                getComputedStyle(document.body).backgroundColor];
    }""")
    assert outline[0] == "solid" and outline[1] == "3px"
    assert contrast(outline[2], outline[3]) >= 3.0


def contrast(first: str, second: str) -> float:
    def luminance(css: str) -> float:
        channels = [int(v) / 255 for v in re.findall(r"\d+", css)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_phone_shows_the_first_result_on_the_first_screen(server, phone):
    phone.goto(server + "/?q=Merkel")
    top = phone.locator("ol.hits li.hit").first.bounding_box()["y"]
    assert top < PHONE["height"]
    assert phone.locator("#facets").bounding_box()["y"] > top  # the filters follow
    phone.locator("details.facet summary").first.click()  # a facet folds away
    assert not phone.locator("details.facet").first.evaluate("d => d.open")


def test_controls_are_big_enough_to_tap(server, phone):
    phone.goto(server + "/?q=Zinsen&person=Christine%20Lagarde")
    controls = phone.locator(".facets a, .chips a, .pages a, .chart-tools a, .sort a")
    assert controls.count() > 20
    small = [(c.get_attribute("href"), box["width"], box["height"])
             for c in controls.all() if (box := c.bounding_box())
             and (box["width"] < 24 or box["height"] < 24)]
    assert small == []


# -- search, articles, the way back ---------------------------------------------------


def test_search_facet_back_article(server, page):
    page.goto(server + "/")
    assert "Treffer" in page.locator("h1.summary").inner_text()
    page.fill("#q", "Soldaten")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=Soldaten*")
    hits = total(page)
    assert hits >= 3
    assert page.locator("ol.hits mark").count() >= 3
    assert page.locator("ol.hits mark").first.inner_text().startswith("Soldat")
    screenshot(page, "search")

    year = page.locator("ul[aria-labelledby='facet-year'] a.value").first
    year_value = year.inner_text().strip()
    year.click()
    page.wait_for_url(f"**year={year_value}*")
    assert total(page) < hits
    assert page.locator(".chips").inner_text().count(year_value) == 1

    page.go_back()
    page.wait_for_url("**/?q=Soldaten")
    assert total(page) == hits

    first = page.locator("ol.hits li.hit h2 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/articles/**")
    assert page.locator("h1#article-title").inner_text() == title
    assert page.locator(".body .entity").count() > 0
    screenshot(page, "article")
    page.click("text=Zurück zu den Ergebnissen")
    page.wait_for_url(server + "/?q=Soldaten")
    assert total(page) == hits


def test_paging_and_sorting_and_the_way_back(server, page):
    page.goto(server + "/?q=Merkel&size=3")
    assert page.locator("ol.hits > li.hit").count() == 3
    page.click("text=Neueste zuerst")
    page.wait_for_url("**sort=-date*")
    dates = page.locator("ol.hits time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates, reverse=True)
    page.click("a[rel=next]")
    page.wait_for_url("**page=2*")
    assert "Seite 2" in page.locator("nav.pages").inner_text()
    result_list = page.url
    page.locator("ol.hits li.hit h2 a").first.click()
    page.wait_for_url("**/articles/**")
    page.click("text=Zurück zu den Ergebnissen")  # sent without a Referer header
    page.wait_for_url(result_list)


def test_exclude_a_facet_value_and_remove_the_chip(server, page):
    page.goto(server + "/?q=Merkel")
    hits = total(page)
    page.locator("ul[aria-labelledby='facet-persons'] a.exclude").first.click()
    page.wait_for_url("**not_person=*")
    assert total(page) < hits
    page.locator(".chips a.remove").first.click()
    page.wait_for_url("**/?q=Merkel")
    assert total(page) == hits


def test_leave_out_a_word_form_and_take_it_back(server, page):
    page.goto(server + "/?q=Wahl")
    hits = total(page)
    page.locator("details.expansions summary").click()
    page.locator(".word-forms a", has_text="bundestagswahl").click()
    page.wait_for_url("**not_form=bundestagswahl*")
    assert total(page) < hits
    assert page.locator(".word-forms li.excluded del", has_text="bundestagswahl").count() == 1
    assert page.locator("mark", has_text="Bundestagswahl").count() == 0
    page.locator(".word-forms a", has_text="bundestagswahl").click()
    page.wait_for_url(lambda url: "not_form" not in url)
    assert total(page) == hits


def test_an_unclosed_quote_is_pointed_out(server, page):
    page.goto(server + '/?q="Olaf%20Scholz')
    notice = page.locator(".notice")
    assert "Anführungszeichen ist nicht geschlossen" in notice.inner_text()
    notice.locator("a").click()
    page.wait_for_url("**q=%22Olaf+Scholz%22*")
    assert total(page) >= 1


def test_bad_request_page_is_readable_in_the_page_language(server, page):
    response = page.goto(server + "/?size=1000")
    assert response.status == 400
    assert page.locator(".message").inner_text() == "size muss zwischen 1 und 100 liegen."
    page.goto(server + "/entity/person/Niemand%20Bekannt")
    assert page.locator("h1").inner_text() == "Nicht gefunden"
    assert "Kein Artikel nennt" in page.locator(".message").inner_text()


def test_english_interface_is_kept_from_page_to_page(server, page):
    page.goto(server + "/?q=Inflation&lang=en")
    assert page.get_attribute("#q", "placeholder").startswith("e.g.")
    page.locator("ol.hits li.hit h2 a").first.click()
    page.wait_for_url("**/articles/**lang=en*")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("text=Back to the results")
    page.wait_for_url("**/?q=Inflation&lang=en")
    page.click("nav.tools >> text=Keyword in context")
    page.wait_for_url("**/kwic?lang=en")
    page.fill("#kq", "Prozent")
    page.press("#kq", "Enter")
    page.wait_for_url("**/kwic?q=Prozent&lang=en")
    page.locator("table.kwic-table td.source a").first.click()
    page.wait_for_url("**/articles/**lang=en*")


# -- charts ----------------------------------------------------------------------------


def test_timeline_bar_narrows_dates_and_export_downloads(server, page):
    page.goto(server + "/?q=Merkel")
    hits = total(page)
    bar = page.locator("figure.chart svg a").first
    label = bar.get_attribute("aria-label")
    bar.click()
    page.wait_for_url("**from=*")
    narrowed = total(page)
    assert 0 < narrowed < hits
    assert int(label.split(": ")[1].split()[0]) == narrowed
    assert "ab:" in page.locator(".chips").inner_text()
    page.goto(server + "/?q=Merkel")
    screenshot(page, "timeline", page.locator("figure.chart"))
    with page.expect_download() as download_info:
        page.click("a[href*='/api/export'][href*='format=csv']")
    download = download_info.value
    assert download.suggested_filename == f"merkel-{berlin_today()}.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text("utf-8"))))
    assert rows[0][:3] == ["id", "date", "title"] and len(rows) == hits + 1


def test_home_page_leads_to_the_research_views(server, page):
    page.goto(server + "/")
    page.click("nav.tools >> text=Zeitverlauf")
    page.wait_for_url(server + "/timeline")
    assert page.locator("svg").count() == 1  # all articles over time
    page.goto(server + "/")
    page.click("nav.tools >> text=Stichwort im Kontext")
    page.wait_for_url(server + "/kwic")


def test_compare_queries_in_one_chart_and_download_it(server, page):
    page.goto(server + "/timeline")
    page.fill("#cq0", "Inflation")
    page.fill("#cq1", "Zinsen")
    page.click("form.compare-form button")
    page.wait_for_url(server + "/timeline?q=Inflation&q=Zinsen")  # no empty fields
    assert page.locator("table.compare-table thead th").count() == 4
    svg = page.locator("figure.chart svg")
    assert svg.locator("path[fill='none']").count() == 2
    legend = svg.locator("text").all_text_contents()
    assert "„Inflation“" in legend and "„Zinsen“" in legend and "2025" in legend
    page.click("figure.chart >> text=Anteil an allen Artikeln")
    page.wait_for_url("**measure=share*")
    assert any(text.endswith("%") for text in svg.locator("text").all_text_contents())
    assert re.search(r"\(\d+,\d %\)", page.locator("table.compare-table").inner_text())
    screenshot(page, "compare", page.locator("figure.chart"))

    today = berlin_today()
    with page.expect_download() as svg_download:
        page.click("figure.chart >> text=SVG")
    assert svg_download.value.suggested_filename == f"inflation-zinsen-timeline-{today}.svg"
    drawing = ET.parse(svg_download.value.path()).getroot()
    assert drawing.tag == "{http://www.w3.org/2000/svg}svg"
    with page.expect_download() as csv_download:
        page.click("figure.chart >> text=CSV")
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text("utf-8"))))
    assert {row["query"] for row in rows} == {"Inflation", "Zinsen"}
    assert list(rows[0]) == ["period", "query", "count", "total", "share"]


def test_chart_reads_without_javascript(server, browser):
    context, page = open_page(browser, DESKTOP, java_script_enabled=False)
    try:
        page.goto(server + "/timeline?q=Inflation&q=Zinsen")
        assert page.locator("figure.chart svg path[fill='none']").count() == 2
        box = page.locator("figure.chart svg").bounding_box()
        assert box["width"] > 600 and box["height"] > 200
    finally:
        context.close()


# -- keyword in context ------------------------------------------------------------------


def test_kwic_keeps_numbers_in_order_and_the_match_on_a_phone(server, phone):
    phone.goto(server + "/kwic?q=Prozent")
    table = phone.locator("table.kwic-table").bounding_box()
    assert table["x"] + table["width"] <= PHONE["width"]
    for mark in phone.locator("td.match mark").all()[:10]:
        box = mark.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
    # "5,2" before the match: its characters are drawn left to right, right-aligned.
    lefts = phone.locator("td.left span")
    index = next(i for i, text in enumerate(lefts.all_inner_texts())
                 if re.search(r"\d,\d$", text))
    positions = lefts.nth(index).evaluate("""span => {
        const text = span.firstChild, xs = [];
        for (let i = text.length - 3; i < text.length; i++) {
          const range = document.createRange();
          range.setStart(text, i); range.setEnd(text, i + 1);
          xs.push(range.getBoundingClientRect().left);
        }
        return xs;
    }""")
    assert positions == sorted(positions) and len(set(positions)) == 3
    cell = lefts.nth(index).locator("xpath=ancestor::td").bounding_box()
    span = lefts.nth(index).bounding_box()
    assert abs((span["x"] + span["width"]) - (cell["x"] + cell["width"])) < 12


# -- entity pages ------------------------------------------------------------------------


def test_entity_page_from_a_facet_and_on_to_related_names(server, page):
    page.goto(server + "/?q=Zinsen")
    page.click("a.profile[aria-label='Christine Lagarde: Profil']")
    page.wait_for_url("**/entity/person/Christine%20Lagarde*")
    assert page.locator("h1").inner_text() == "Christine Lagarde"
    assert "Lagarde" in page.locator("ul.forms").inner_text()
    assert page.locator("figure.chart svg a").count() >= 6  # named across the years
    screenshot(page, "entity")
    page.click(".related >> text=Mario Draghi")
    page.wait_for_url("**/entity/person/Mario%20Draghi")
    count = int(page.locator(".lead").inner_text().split()[2])
    page.click("text=Diese Artikel durchsuchen")
    page.wait_for_url("**/?person=Mario+Draghi")
    assert total(page) == count
    assert "Person: Mario Draghi" in page.locator(".chips").inner_text()
    page.goto(server + "/entity/org/CDU%2FCSU")
    assert page.locator("h1").inner_text() == "CDU/CSU"


def test_facet_filter_box_suggests_names(server, page):
    page.goto(server + "/?more=person")
    box = page.locator("#facet-filter-persons")
    box.press_sequentially("Lag", delay=30)
    page.locator("#facet-names-persons option").first.wait_for(state="attached")
    options = page.locator("#facet-names-persons option").evaluate_all(
        "options => options.map(o => o.value)")
    assert options == ["Christine Lagarde"]
