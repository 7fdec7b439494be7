"""Shared fixtures: a small invented archive, built once into a real on-disk index."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

from indexer.reading.corpus import BERLIN
from indexer.searching.search import Archive
from indexer.writing.build import build
from indexer.writing.store import IndexStore

REPO = Path(__file__).resolve().parent.parent


def berlin_today() -> str:
    """Today in Europe/Berlin, as the app dates downloads (UTC's date differs at night)."""
    return datetime.now(BERLIN).date().isoformat()

ARTICLES = {
    "2024/soldaten.txt": """ date 2024-10 Krieg gegen die Ukraine Nordkoreanische Soldaten in Russland gesichtet Stand: 24.10.2024 11:05 Uhr

Nach Angaben aus Seoul sind nordkoreanische Soldaten in der russischen Region Kursk eingetroffen. Die Regierung in Kiew spricht von einer neuen Eskalation.

Präsident Wolodymyr Selenskyj forderte eine klare Antwort der NATO-Staaten. Kremlchef Wladimir Putin äußerte sich zunächst nicht. Putins Sprecher nannte die Berichte „Spekulation“.

Der südkoreanische Geheimdienst schätzt, dass rund 3.000 Soldaten verlegt wurden.
""",
    "2024/haushalt.txt": """ date 2024-11 Ampel-Aus Scholz entlässt Lindner Stand: 06.11.2024 21:40 Uhr

Bundeskanzler Olaf Scholz hat Finanzminister Christian Lindner entlassen. Im Streit um den Haushalt und die Schuldenbremse fand die Koalition keine Einigung mehr.

Scholz kündigte an, im Januar die Vertrauensfrage im Bundestag zu stellen. Die FDP zog ihre Ministerinnen und Minister aus der Regierung zurück.

Neuwahlen im Frühjahr

CDU-Chef Friedrich Merz verlangte eine sofortige Vertrauensfrage. Eine Bundestagswahl könnte im März stattfinden.
""",
    "2021/hochwasser.txt": """ date 2021-07 Unwetter Hochwasser zerstört Häuser im Ahrtal Stand: 16.07.2021 08:20 Uhr

Nach heftigen Regenfällen sind in Rheinland-Pfalz und Nordrhein-Westfalen zahlreiche Häuser zerstört worden. In vielen Häusern stand das Wasser bis zum ersten Stock.

Ministerpräsidentin Malu Dreyer sprach von einer Katastrophe. Die Bundeswehr unterstützt die Rettungskräfte mit Soldaten und schwerem Gerät.

Viele Straßen sind unpassierbar, der Bahnverkehr ist eingestellt.
""",
    "2019/muenchen.txt": """ date 2019-09 Oktoberfest Wiesn in München eröffnet Stand: 21.09.2019 12:10 Uhr

Mit dem traditionellen Anstich hat Oberbürgermeister Dieter Reiter das Oktoberfest in München eröffnet. „O'zapft is“, rief Reiter nach zwei Schlägen.

Auf der Straße zur Theresienwiese drängten sich Tausende Besucher. Die Polizei meldete einen ruhigen Start.
""",
    "2019/klima.txt": """ date 2019-09 Klimaschutz Bundesregierung beschließt Klimapaket Stand: 20.09.2019 16:45 Uhr

Nach einer nächtlichen Sitzung hat das Klimakabinett ein Klimaschutzprogramm vorgelegt. Bundeskanzlerin Angela Merkel sprach von einem großen Schritt.

Umweltverbände kritisierten den geplanten CO2-Preis als zu niedrig. Greta Thunberg demonstrierte am selben Tag in New York.
""",
}

FEED = [
    {"id": "feed-1", "title": "Zinsentscheid der EZB", "date": "2023-09-14T14:15:00+02:00",
     "source": "Wirtschaftsdienst", "section": "Wirtschaft", "url": "https://example.org/ezb",
     "body": "Die Europäische Zentralbank erhöht den Leitzins erneut. EZB-Präsidentin "
             "Christine Lagarde verwies auf die hohe Inflation in Frankfurt."},
    {"id": "feed-2", "title": "Pokal: Bayern scheidet aus", "date": "2023-11-01",
     "source": "Sportdienst", "section": "Sport",
     "body": "Der FC Bayern München ist im DFB-Pokal gegen Saarbrücken ausgeschieden."},
    {"id": "feed-3", "title": "<script>alert('x')</script> Hacker-Titel",
     "date": "2022-03-01", "source": "Testquelle", "section": "Digitales",
     "url": "javascript:alert(1)",
     "body": "Ein Artikel mit \"><img src=x onerror=alert(1)> im Text und <b>Markup</b>. "
             "Die Soldaten der Cyberabwehr prüfen den Vorfall."},
]


def write_sample_corpus(root: Path) -> Path:
    for name, text in ARTICLES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    feed = root / "feeds" / "agentur.jsonl"
    feed.parent.mkdir(parents=True, exist_ok=True)
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in FEED) + "\n", "utf-8")
    return root


def write_feed(path: Path, records: list[dict]) -> str:
    """``records`` as a JSON Lines feed at ``path``; its path as a string."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return str(path)


def archive_of(directory: Path, records: list[dict]):
    """A snapshot of an index built from ``records`` (JSON Lines fields) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    feed = directory / "feed.jsonl"
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    build(IndexStore(directory / "ix"), [str(feed)])
    return Archive(directory / "ix").snapshot()


BULK_WORDS = ("Regierung Haushalt Bundestag Wahl Klima Energie Verkehr Schule Gericht Polizei "
              "Hafen Stadion Museum Forschung Krankenhaus Bahnhof").split()


def write_large_feed(path: Path, count: int) -> Path:
    """``count`` small articles, enough for a build that takes a few seconds."""
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            words = " ".join(BULK_WORDS[(n * 7 + k) % len(BULK_WORDS)] for k in range(60))
            record = {"id": f"bulk-{n}", "title": f"Meldung {n}", "date": "2020-05-01",
                      "body": f"Artikel Nummer {n} über {words}. Bürgermeister Max Muster "
                              f"sprach in Leipzig."}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


SERVER_ENV = {**os.environ, "PYTHONPATH": str(REPO), "NEWSINDEX_REFRESH_SECONDS": "0.2"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


class Server:
    """``newsindex serve`` in a process of its own, on a free local port."""

    def __init__(self, index: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "indexer.cli", "serve", "--index", str(index),
             "--port", str(self.port)], env=SERVER_ENV, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                get(self.port, "/api/health")
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"the server did not start: {self.stop()}")

    def stop(self) -> str:
        self.process.terminate()
        _, err = self.process.communicate(timeout=10)
        return err


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory) -> Path:
    return write_sample_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def index_dir(sample_corpus, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("index") / "ix"
    build(IndexStore(path), [str(sample_corpus)])
    return path


@pytest.fixture(scope="session")
def snapshot(index_dir):
    return Archive(index_dir).snapshot()


@pytest.fixture()
def live_index(tmp_path) -> IndexStore:
    """An index of the sample corpus of the test's own, to be changed, killed or damaged."""
    store = IndexStore(tmp_path / "ix")
    build(store, [str(write_sample_corpus(tmp_path / "corpus"))])
    return store


@pytest.fixture(scope="session")
def app(index_dir):
    from web import create_app
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()
