"""A build over a hostile corpus: every bad file reported, every good article indexed."""

from __future__ import annotations

import json
import os

from indexer.reading.corpus import MAX_ARTICLE_CHARS
from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing.build import build
from indexer.writing.store import IndexStore

GOOD = """ date 2022-05 Testmeldung {title} Stand: 10.05.2022 10:00 Uhr

Ein gültiger Artikel mit dem Kennwort {word}.
"""


def test_hostile_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = set()

    def good(name: str, word: str) -> None:
        (corpus / f"{name}.txt").write_text(GOOD.format(title=name, word=word), "utf-8")
        expected.add(name)

    good("ok-1", "Leuchtturm")
    (corpus / "invalid-utf8.txt").write_bytes(
        GOOD.format(title="kaputt", word="x").encode() + b"\xff\xfe\xfa")  # -> cp1252 warning
    expected.add("invalid-utf8")
    (corpus / "utf16.txt").write_bytes(GOOD.format(title="utf16", word="Sechzehn").encode("utf-16"))
    expected.add("utf16")
    (corpus / "cp1252.txt").write_bytes(GOOD.format(title="Grüße", word="Straße").encode("cp1252"))
    expected.add("cp1252")
    (corpus / "nul.txt").write_bytes(b"Titel\x00\x00binary\x00data")
    (corpus / "empty.txt").write_bytes(b"")
    huge = GOOD.format(title="riesig", word="Riesenartikel") + ("Langer Satz. " * 4_500_000)
    (corpus / "huge.txt").write_text(huge, "utf-8")  # ~58 MB
    expected.add("huge")
    future = GOOD.format(title="Zukunft", word="Zukunft").replace(
        "2022-05", "2999-05").replace("10.05.2022", "10.05.2999")
    (corpus / "future.txt").write_text(future, "utf-8")
    expected.add("future")
    ancient = GOOD.format(title="Alt", word="Altertum").replace(
        "2022-05", "1712-05").replace("10.05.2022", "10.05.1712")
    (corpus / "ancient.txt").write_text(ancient, "utf-8")
    expected.add("ancient")
    tiny = corpus / "tiny"
    tiny.mkdir()
    for n in range(10_000):
        (tiny / f"t{n:05d}.jsonl").write_text(
            json.dumps({"id": f"tiny-{n}", "body": f"Kurzmeldung {n}"}) + "\n", "utf-8")
    expected |= {f"tiny-{n}" for n in range(10_000)}
    (corpus / "zz-dupes.jsonl").write_text(
        json.dumps({"id": "ok-1", "body": "Doppelte Kennung"}) + "\n"
        + json.dumps({"id": "dupe-new", "body": "Neue Kennung"}) + "\n", "utf-8")
    expected.add("dupe-new")
    (corpus / "loop").mkdir()
    os.symlink(corpus, corpus / "loop" / "back")

    problems = []
    store = IndexStore(tmp_path / "ix")
    report = build(store, [str(corpus)], on_problem=problems.append)

    assert report.added == len(expected)
    assert dict(report.skipped) == {"binary": 1, "empty-body": 1, "duplicate-id": 1}
    assert report.warnings["encoding-fallback"] == 2
    assert report.warnings["truncated"] == 1
    assert report.warnings["bad-date"] == 2
    assert report.warnings["link-loop"] == 1
    by_kind = {p.kind: p for p in problems}
    assert by_kind["duplicate-id"].origin.endswith("zz-dupes.jsonl:1")
    assert by_kind["binary"].origin.endswith("nul.txt")

    snapshot = Archive(store.path, refresh_seconds=0).snapshot()
    assert snapshot.doc_count == len(expected)
    for word, doc_id in (("Leuchtturm", "ok-1"), ("Sechzehn", "utf16"), ("Strasse", "cp1252"),
                         ("Riesenartikel", "huge"), ('"Kurzmeldung 9999"', "tiny-9999")):
        result = search(snapshot, SearchRequest(q=word, size=100))
        assert doc_id in {h.id for h in result.hits}, word
    huge_hit = search(snapshot, SearchRequest(q="Riesenartikel")).hits[0]
    assert huge_hit.date is not None
    undated = {h.id: h.date for h in search(snapshot, SearchRequest(q="Zukunft OR Altertum")).hits}
    assert undated == {"future": None, "ancient": None}
    assert len(snapshot.searcher.stored_fields(
        snapshot.searcher.document_number(id="huge"))["body"]) <= MAX_ARTICLE_CHARS
