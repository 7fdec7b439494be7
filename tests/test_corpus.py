"""Corpus readers: every format, and every kind of bad input reported and skipped."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from indexer.reading.corpus import BERLIN, Problem, read_paths
from indexer.reading.documents import Document

ARTICLE = """ date 2023-05 Verkehrswende Neue Straßenbahn für Leipzig Stand: 14.05.2023 09:30 Uhr

Die Leipziger Verkehrsbetriebe haben eine neue Linie eröffnet. Fahrgäste loben die Taktung.

Neue Haltestellen

Bürgermeister Burkhard Jung sprach von einem „wichtigen Tag für die Stadt“.
"""


def split(items):
    docs = [i for i in items if isinstance(i, Document)]
    problems = [i for i in items if isinstance(i, Problem)]
    return docs, problems


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# -- plain-text articles ------------------------------------------------------


def test_text_article_header_title_date_and_paragraphs(tmp_path):
    write(tmp_path / "a" / "leipzig.txt", ARTICLE)
    docs, problems = split(list(read_paths([tmp_path])))
    assert problems == []
    [doc] = docs
    assert doc.id == "leipzig"
    assert doc.title == "Verkehrswende Neue Straßenbahn für Leipzig"
    assert doc.date == datetime(2023, 5, 14, 9, 30, tzinfo=BERLIN)
    assert doc.date.utcoffset().total_seconds() == 2 * 3600  # summer time
    assert doc.body.split("\n\n") == [
        "Die Leipziger Verkehrsbetriebe haben eine neue Linie eröffnet. Fahrgäste loben die "
        "Taktung.",
        "Neue Haltestellen",
        "Bürgermeister Burkhard Jung sprach von einem „wichtigen Tag für die Stadt“.",
    ]
    assert doc.origin.endswith("leipzig.txt")


def test_text_article_without_header_keeps_first_line_as_title(tmp_path):
    write(tmp_path / "plain.txt", "Ein Titel\n\nEin Absatz mit Text.\n")
    docs, problems = split(list(read_paths([tmp_path])))
    assert [d.title for d in docs] == ["Ein Titel"]
    assert docs[0].date is None
    assert [(p.kind, p.severity) for p in problems] == [("no-header", "warning")]
    assert problems[0].origin.endswith("plain.txt:1")


def test_text_article_with_impossible_date_is_indexed_without_date(tmp_path):
    write(tmp_path / "bad-date.txt", ARTICLE.replace("14.05.2023", "31.02.2023"))
    docs, problems = split(list(read_paths([tmp_path])))
    assert len(docs) == 1 and docs[0].date is None
    assert problems[0].kind == "bad-date" and problems[0].severity == "warning"


@pytest.mark.parametrize("stand,kind", [("01.01.1750", "bad-date"), ("01.01.2990", "bad-date")])
def test_implausible_dates_are_dropped(tmp_path, stand, kind):
    text = ARTICLE.replace("2023-05", stand[-4:] + "-01").replace("14.05.2023", stand)
    write(tmp_path / "old.txt", text)
    docs, problems = split(list(read_paths([tmp_path])))
    assert docs[0].date is None
    assert [p.kind for p in problems] == [kind]


def test_empty_and_header_only_files_are_skipped(tmp_path):
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "header-only.txt", ARTICLE.splitlines()[0] + "\n\n")
    write(tmp_path / "good.txt", ARTICLE)
    docs, problems = split(list(read_paths([tmp_path])))
    assert [d.id for d in docs] == ["good"]
    assert sorted(p.kind for p in problems) == ["empty-body", "empty-body"]
    assert all(p.severity == "error" for p in problems)


def test_invalid_utf8_is_reported_and_binary_skipped(tmp_path):
    write(tmp_path / "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(tmp_path / "latin1.txt", ARTICLE.encode("cp1252"))
    write(tmp_path / "good.txt", ARTICLE)
    docs, problems = split(list(read_paths([tmp_path])))
    assert sorted(d.id for d in docs) == ["good", "latin1"]
    latin1 = next(d for d in docs if d.id == "latin1")
    assert "Straßenbahn" in latin1.title  # decoded correctly from Windows-1252
    kinds = {(p.kind, p.severity) for p in problems}
    assert kinds == {("binary", "error"), ("encoding-fallback", "warning")}
    binary = next(p for p in problems if p.kind == "binary")
    assert binary.origin.endswith("binary.txt") and "NUL byte" in binary.reason


def test_utf16_with_bom_is_read(tmp_path):
    write(tmp_path / "utf16.txt", ARTICLE.encode("utf-16"))
    docs, problems = split(list(read_paths([tmp_path])))
    assert problems == []
    assert docs[0].title.endswith("Leipzig")


def test_huge_article_is_truncated_and_reported(tmp_path, monkeypatch):
    import indexer.reading.corpus as corpus
    monkeypatch.setattr(corpus, "MAX_ARTICLE_CHARS", 1000)
    write(tmp_path / "huge.txt", ARTICLE + ("Sehr langer Text. " * 500))
    docs, problems = split(list(read_paths([tmp_path])))
    assert len(docs[0].body) <= 1000
    assert [p.kind for p in problems] == ["truncated"]


# -- JSON Lines ----------------------------------------------------------------


def test_jsonl_reads_fields_and_reports_each_bad_line(tmp_path):
    lines = [
        json.dumps({"id": "a1", "title": "Haushalt", "date": "2024-11-06T20:15:00+01:00",
                    "source": "Beispielblatt", "section": "Politik", "url": "https://example.org/a1",
                    "body": "Der Bundestag streitet über den Haushalt."}),
        json.dumps({"title": "Ohne Kennung", "body": "Ein Text ohne id."}),
        '{"id": "broken", "body": "abgeschnitten',
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "no-body", "title": "Leer"}),
        json.dumps({"id": "bad-date", "date": "gestern", "body": "Text mit kaputtem Datum."}),
        json.dumps({"id": "naive", "date": "2021-07-15", "body": "Hochwasser im Ahrtal."}),
        "",
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines))
    docs, problems = split(list(read_paths([path])))
    assert [d.id for d in docs[:1]] == ["a1"]
    first = docs[0]
    assert (first.title, first.source, first.section, first.url) == (
        "Haushalt", "Beispielblatt", "Politik", "https://example.org/a1")
    assert first.date.isoformat() == "2024-11-06T20:15:00+01:00"
    hashed = docs[1]
    assert len(hashed.id) == 16 and hashed.id == hashed.content_hash[:16]
    assert [d.id for d in docs[2:]] == ["bad-date", "naive"]
    assert docs[2].date is None
    assert docs[3].date == datetime(2021, 7, 15, tzinfo=BERLIN)
    by_line = {p.origin.rsplit(":", 1)[1]: p.kind for p in problems}
    assert by_line == {"3": "invalid-json", "4": "invalid-json", "5": "empty-body",
                       "6": "bad-date"}


def test_jsonl_invalid_utf8_line_is_skipped_alone(tmp_path):
    good = json.dumps({"id": "ok", "body": "Guter Text."}).encode()
    bad = b'{"id": "bad", "body": "\xff\xfe\x00kaputt"}'
    path = write(tmp_path / "mixed.jsonl", good + b"\n" + bad + b"\n" + good.replace(b"ok", b"ok2"))
    docs, problems = split(list(read_paths([path])))
    assert [d.id for d in docs] == ["ok", "ok2"]
    assert [p.origin.rsplit(":", 1)[1] for p in problems] == ["2"]


def test_jsonl_encoding_warning_names_file_and_line_once(tmp_path):
    good = json.dumps({"id": "ok", "body": "Guter Text."}).encode()
    latin1 = json.dumps({"id": "grüße", "body": "Straße"}, ensure_ascii=False).encode("cp1252")
    path = write(tmp_path / "feed.jsonl", b"\n".join([good, good.replace(b"ok", b"ok2"), latin1]))
    docs, problems = split(list(read_paths([path])))
    assert [d.id for d in docs] == ["ok", "ok2", "grüße"]
    assert [(p.kind, p.origin) for p in problems] == [("encoding-fallback", f"{path}:3")]
    assert str(problems[0]).startswith(f"{path}:3: warning:")


@pytest.mark.parametrize("body", [12345, "12345", " 3.14 ", "+++ 12:30 +++"])
def test_a_body_without_words_is_reported_like_an_empty_one(tmp_path, body):
    path = write(tmp_path / "feed.jsonl", json.dumps({"id": "zahl", "body": body}) + "\n")
    docs, problems = split(list(read_paths([path])))
    assert docs == []
    assert [(p.kind, p.severity, p.origin) for p in problems] == [
        ("empty-body", "error", f"{path}:1")]
    assert "no words" in problems[0].reason


def test_a_text_article_without_words_is_reported(tmp_path):
    write(tmp_path / "zahl.txt", ARTICLE.splitlines()[0] + "\n\n12345\n")
    docs, problems = split(list(read_paths([tmp_path])))
    assert docs == [] and [p.kind for p in problems] == ["empty-body"]


def test_stable_ids_from_content(tmp_path):
    record = json.dumps({"title": "Gleich", "body": "Derselbe Inhalt."})
    one = write(tmp_path / "one.jsonl", record)
    two = write(tmp_path / "two" / "two.jsonl", record)
    docs_one, _ = split(list(read_paths([one])))
    docs_two, _ = split(list(read_paths([two])))
    assert docs_one[0].id == docs_two[0].id


# -- CSV ---------------------------------------------------------------------------


def test_csv_reads_rows_and_reports_bad_ones(tmp_path):
    text = (
        "id,title,date,source,section,url,body\n"
        "c1,Wahl in Sachsen,2024-09-01,Blatt,Politik,,"
        '"Die Landtagswahl, erster Absatz.\n\nZweiter Absatz."\n'
        "c2,Leer,2024-09-02,Blatt,Politik,,\n"
        "c3,Zu viele,2024-09-03,Blatt,Politik,,Text,extra\n"
        "c4,Gut,2024-09-04,Blatt,Sport,,Ein Tor in der Nachspielzeit.\n"
    )
    path = write(tmp_path / "feed.csv", text)
    docs, problems = split(list(read_paths([path])))
    assert [d.id for d in docs] == ["c1", "c4"]
    assert docs[0].body == "Die Landtagswahl, erster Absatz.\n\nZweiter Absatz."
    assert [(p.origin.rsplit(":", 1)[1], p.kind) for p in problems] == [
        ("5", "empty-body"), ("6", "invalid-csv")]


def test_csv_without_body_column_is_refused(tmp_path):
    path = write(tmp_path / "feed.csv", "id,title\n1,Titel\n")
    docs, problems = split(list(read_paths([path])))
    assert docs == [] and problems[0].kind == "invalid-csv"
    assert "body" in problems[0].reason


# -- walking directories -----------------------------------------------------------------


def test_walk_is_recursive_sorted_and_survives_symlink_loops(tmp_path):
    write(tmp_path / "b" / "two.txt", ARTICLE)
    write(tmp_path / "a" / "one.txt", ARTICLE.replace("Leipzig", "Dresden"))
    write(tmp_path / "a" / "notes.pdf", b"%PDF-1.4")
    write(tmp_path / ".hidden.txt", ARTICLE)
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    items = list(read_paths([tmp_path]))
    docs, problems = split(items)
    assert [d.id for d in docs] == ["one", "two"]
    assert {p.kind for p in problems} == {"unsupported-type", "link-loop"}


def test_missing_path_is_a_problem_not_a_crash(tmp_path):
    docs, problems = split(list(read_paths([tmp_path / "nowhere"])))
    assert docs == [] and problems[0].kind == "missing-path"
