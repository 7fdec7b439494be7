"""End-to-end tests in headless Chromium against the production server.

The server is the real ``newsindex serve`` (waitress) on 127.0.0.1; the
browser is Debian's ``chromium`` driven by Playwright.  Set SCREENSHOT_DIR to
keep screenshots of the main pages (``docs/screenshots`` holds the current ones).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO

from indexer.writing.build import build
from indexer.writing.store import IndexStore

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


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


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    target = os.environ.get("SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=False)


def test_search_facet_back_article(server, page):
    page.goto(server + "/")
    assert "Treffer" in page.locator("h1.summary").inner_text()
    page.fill("#q", "Soldaten")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=Soldaten*")
    summary = page.locator("h1.summary").inner_text()
    total = int(summary.split()[0].replace(".", ""))
    assert total >= 3
    assert page.locator("ol.hits mark").count() >= 3
    assert page.locator("ol.hits mark").first.inner_text().startswith("Soldat")
    screenshot(page, "search")

    year = page.locator("section.facet[aria-labelledby='facet-year'] a").first
    year_value = year.inner_text().strip()
    year.click()
    page.wait_for_url(f"**year={year_value}*")
    narrowed = int(page.locator("h1.summary").inner_text().split()[0].replace(".", ""))
    assert narrowed < total
    assert page.locator(".chips").inner_text().count(year_value) == 1

    page.go_back()
    page.wait_for_url("**/?q=Soldaten")
    assert int(page.locator("h1.summary").inner_text().split()[0].replace(".", "")) == total

    first = page.locator("ol.hits li.hit h2 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/articles/**")
    assert page.locator("h1#article-title").inner_text() == title
    assert page.locator(".body .entity").count() > 0
    screenshot(page, "article")
    page.go_back()
    page.wait_for_url("**/?q=Soldaten")


def test_paging_and_sorting(server, page):
    page.goto(server + "/?q=Merkel&size=3")
    assert page.locator("ol.hits > li.hit").count() == 3
    page.click("text=Neueste zuerst")
    page.wait_for_url("**sort=-date*")
    dates = page.locator("ol.hits time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates, reverse=True)
    page.click("a[rel=next]")
    page.wait_for_url("**page=2*")
    assert "Seite 2" in page.locator("nav.pages").inner_text()


def test_timeline_bar_narrows_dates_and_export_downloads(server, page):
    page.goto(server + "/?q=Merkel")
    total = int(page.locator("h1.summary").inner_text().split()[0].replace(".", ""))
    bar = page.locator("figure.timeline svg a").first
    label = bar.get_attribute("aria-label")
    bar.click()
    page.wait_for_url("**from=*")
    narrowed = int(page.locator("h1.summary").inner_text().split()[0].replace(".", ""))
    assert 0 < narrowed < total
    assert int(label.split(": ")[1].split()[0]) == narrowed
    assert "ab:" in page.locator(".chips").inner_text()
    screenshot(page, "timeline")
    with page.expect_download() as download_info:
        page.click("text=CSV")
    rows = Path(download_info.value.path()).read_text("utf-8").splitlines()
    assert rows[0].startswith("id,date,title") and len(rows) == narrowed + 1


def test_exclude_a_facet_value_and_remove_the_chip(server, page):
    page.goto(server + "/?q=Merkel")
    total = int(page.locator("h1.summary").inner_text().split()[0].replace(".", ""))
    page.locator("section.facet[aria-labelledby='facet-persons'] a.exclude").first.click()
    page.wait_for_url("**not_person=*")
    fewer = int(page.locator("h1.summary").inner_text().split()[0].replace(".", ""))
    assert fewer < total
    page.locator(".chips a").first.click()
    page.wait_for_url("**/?q=Merkel")
    assert int(page.locator("h1.summary").inner_text().split()[0].replace(".", "")) == total


def test_bad_request_page_is_readable(server, page):
    response = page.goto(server + "/?size=1000")
    assert response.status == 400
    assert "size must be between 1 and 100" in page.locator(".message").inner_text()
