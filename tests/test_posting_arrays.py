"""Posting arrays of frequent terms: equal to whoosh's postings, and searches unchanged.

A real archive of a few hundred invented articles in several segments is
built, updated (replaced and deleted articles, segments merged by whoosh)
and consolidated; after each step every term with arrays must have whoosh's
document numbers and frequencies, and searches must give the same totals,
facets, order and scores with the arrays as with whoosh's postings alone.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from indexer.cli import main
from indexer.searching.matching import POSTING_CACHE, posting_arrays
from indexer.searching.search import SearchRequest, Snapshot, search
from indexer.writing import posting_arrays as arrays_module
from indexer.writing.build import build, update
from indexer.writing.consolidate import consolidate
from indexer.writing.posting_arrays import (
    MAX_KEY_BYTES,
    MIN_DOC_FREQUENCY,
    SegmentArrays,
    encode,
    file_name,
    file_version,
    has_arrays,
)
from indexer.writing.store import IndexStore

COMMON = "Regierung Prozent Jahr Euro Polizei Menschen Stadt Woche".split()
RARE = ("Hafen Stadion Museum Forschung Krankenhaus Bahnhof Gericht Schule Energie Verkehr "
        "Brücke Orchester Kanzlerin Ministerium Bürgermeisterin Feuerwehr Landtag").split()
SECTIONS = ("Politik", "Wirtschaft", "Sport", "Kultur")
QUERIES = ["Jahr", "Regierung", "Euro Prozent", "Polizei OR Stadt", "Menschen -Woche",
           "NICHT Jahr", '"vor allem"', '"in Berlin"', "Reg*", "Hafen", "Jahr Hafen",
           "title:Regierung", "Regierung Jahr Prozent Euro Woche", ""]
FILTERED = [SearchRequest(q="Jahr", filters={"place": ("Berlin",)}),
            SearchRequest(q="Prozent", sort="-date"),
            SearchRequest(q="Euro", collapse=True)]


def article(n: int, rng: random.Random, revision: int = 0) -> dict:
    words = [rng.choice(COMMON) if rng.random() < 0.5 else rng.choice(RARE) for _ in range(30)]
    place = rng.choice(("Berlin", "Hamburg", "München"))
    return {"id": f"a{n}", "title": f"{rng.choice(COMMON)} {rng.choice(RARE)} {revision or ''}",
            "date": f"{2000 + n % 20}-0{1 + n % 9}-1{n % 10}",
            "section": SECTIONS[n % len(SECTIONS)], "source": f"Quelle {n % 3}",
            "body": f"Die Lage in {place} vor allem am Morgen: {' '.join(words)}. "
                    f"In Berlin sprach Olaf Scholz."}


def write_feed(path: Path, articles: list[dict]) -> Path:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles),
                    "utf-8")
    return path


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[IndexStore, Path, list[dict]]:
    """An archive of 450 articles in three segments, and its corpus."""
    root = tmp_path_factory.mktemp("arrays")
    rng = random.Random(7)
    articles = [article(n, rng) for n in range(450)]
    store = IndexStore(root / "ix")
    build(store, [str(write_feed(root / "feed.jsonl", articles))], processes=1,
          segment_docs=150)
    return store, root, articles


def segment_readers(generation: Path):
    ix = whoosh_index.open_dir(generation)
    reader = ix.reader()
    return ix, reader, [leaf for leaf, _ in reader.leaf_readers()]


def whoosh_postings(reader, fieldname: str, btext: bytes) -> tuple[list, list]:
    """Document numbers and weights as whoosh's matcher gives them, one at a time."""
    matcher, ids, weights = reader.postings(fieldname, btext), [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def assert_arrays_equal_whoosh(generation: Path) -> int:
    """Every frequent term of every segment has arrays, and what a search reads from them
    is whoosh's postings (deleted documents left out); returns how many terms."""
    ix, reader, leaves = segment_readers(generation)
    checked = 0
    POSTING_CACHE.clear()  # what posting_arrays() gives below comes from the arrays
    try:
        for leaf in leaves:
            arrays = SegmentArrays.open(generation / file_name(leaf._segid), leaf._segid,
                                        leaf.doc_count_all())
            frequent = {(f, t) for (f, t), info in leaf
                        if has_arrays(f, info.doc_frequency())
                        and len(f) + len(t) + 2 <= MAX_KEY_BYTES}
            assert any(info.doc_frequency() < MIN_DOC_FREQUENCY and (f, t) in frequent
                       for (f, t), info in leaf)  # the word forms, however rare
            leaf.frequent_postings = arrays
            for fieldname, btext in frequent:
                assert arrays.get(fieldname, btext) is not None, (fieldname, btext)
                found = posting_arrays(leaf, fieldname, btext)
                ids, weights = whoosh_postings(leaf, fieldname, btext)
                np.testing.assert_array_equal(found[0], ids)
                np.testing.assert_array_equal(found[1], weights)
                checked += 1
            assert len(arrays) == len(frequent)
            assert arrays.get("body", b"hafen-nicht-im-index") is None
            assert arrays.holds_every_term("body_forms", b"hafen-nicht-im-index")
            assert not arrays.holds_every_term("body", b"hafen")
    finally:
        reader.close()
        ix.close()
    return checked


def results(snapshot: Snapshot, request: SearchRequest) -> dict:
    POSTING_CACHE.clear()  # nothing read by the other snapshot answers for this one
    found = search(snapshot, request).to_dict()
    return {"total": found["total"], "facets": found["facets"],
            "hits": [(hit["id"], hit["score"]) for hit in found["hits"]]}


def assert_same_searches(generation) -> None:
    with_arrays, without = Snapshot.open(generation), Snapshot(generation, posting_arrays=False)
    assert with_arrays.posting_arrays and not without.posting_arrays
    for request in [SearchRequest(q=q) for q in QUERIES] + FILTERED:
        assert results(with_arrays, request) == results(without, request), request.q


def test_each_segment_written_gets_arrays_equal_to_whoosh_postings(archive):
    store, _, _ = archive
    generation = store.current().path
    assert len(list(generation.glob("*.frequent"))) == 3
    assert assert_arrays_equal_whoosh(generation) > 20  # common words in title and body fields


def test_searches_are_the_same_with_and_without_arrays(archive):
    store, _, _ = archive
    assert_same_searches(store.current())
    jahr = search(Snapshot.open(store.current()), SearchRequest(q="Jahr"))
    assert jahr.total > 3 * MIN_DOC_FREQUENCY  # the arrays were asked for broad lists


def test_searches_read_the_arrays(archive, monkeypatch):
    store, _, _ = archive
    snapshot = Snapshot.open(store.current())
    asked = []
    original = SegmentArrays.get
    monkeypatch.setattr(SegmentArrays, "get",
                        lambda self, f, t: asked.append((f, t)) or original(self, f, t))
    POSTING_CACHE.clear()
    search(snapshot, SearchRequest(q="Jahr"))
    assert ("body", b"jahr") in asked


def test_updates_and_consolidation_keep_arrays_for_every_segment(archive, tmp_path):
    store, root, articles = archive
    copy = IndexStore(tmp_path / "ix")
    shutil.copytree(store.path, copy.path)
    rng = random.Random(11)
    changed = articles[:300] + [article(n, rng, revision=1) for n in range(300, 400)] \
        + [article(n, rng) for n in range(450, 500)]  # 50 deleted, 100 replaced, 50 new
    update(copy, [str(write_feed(tmp_path / "changed.jsonl", changed))], delete_missing=True)
    generation = copy.current()
    _, reader, leaves = segment_readers(generation.path)
    assert any(leaf.has_deletions() for leaf in leaves)
    reader.close()
    assert assert_arrays_equal_whoosh(generation.path)
    assert_same_searches(generation)
    assert consolidate(copy, target_docs=1000).segments_after == 1
    assert len(list(copy.current().path.glob("*.frequent"))) == 1  # whoosh removed the rest
    assert assert_arrays_equal_whoosh(copy.current().path)
    assert_same_searches(copy.current())


def without_arrays(store: IndexStore) -> None:
    """Publish the live generation again without its arrays (and written forms), as an older
    build left it."""
    with store.writer("test") as generations:
        staging = generations.stage_copy_of_current()
        for path in [*staging.glob("*.frequent"), staging / "written-forms.arrays"]:
            path.unlink()
        manifest = store.current().manifest()
        generations.publish(staging, {k: v for k, v in manifest.items() if k != "files"})


def test_an_index_without_arrays_gets_them_from_the_command(archive, tmp_path):
    store, _, _ = archive
    written = {p.name: p.read_bytes() for p in store.current().path.glob("*.frequent")}
    copy = IndexStore(tmp_path / "ix")
    shutil.copytree(store.path, copy.path)
    without_arrays(copy)
    assert not Snapshot.open(copy.current()).posting_arrays
    out = CliRunner().invoke(main, ["posting-arrays", "--index", str(copy.path), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["written"] == 3
    assert json.loads(out.output)["gathered"] == ["written-forms.arrays"]  # none was kept
    derived = {p.name: p.read_bytes() for p in copy.current().path.glob("*.frequent")}
    assert derived == written  # derived from whoosh's postings, byte for byte the same
    assert set(copy.current().manifest()["files"]) >= {*derived, "written-forms.arrays"}
    again = CliRunner().invoke(main, ["posting-arrays", "--index", str(copy.path)])
    assert "unchanged" in again.output
    verified = CliRunner().invoke(main, ["verify", "--deep", "--index", str(copy.path)])
    assert verified.exit_code == 0, verified.output


def test_arrays_of_an_older_version_are_used_and_then_rewritten(archive, tmp_path,
                                                                monkeypatch):
    """Version 1 files (frequent terms only) answer what they hold; the command upgrades them."""
    store, _, _ = archive
    written = {p.name: p.read_bytes() for p in store.current().path.glob("*.frequent")}
    copy = IndexStore(tmp_path / "ix")
    shutil.copytree(store.path, copy.path)
    without_arrays(copy)
    with monkeypatch.context() as older:
        older.setattr(arrays_module, "VERSION", 1)
        older.setattr(arrays_module, "EVERY_TERM_FIELDS", ())
        out = CliRunner().invoke(main, ["posting-arrays", "--index", str(copy.path)])
        assert out.exit_code == 0, out.output
    files = sorted(copy.current().path.glob("*.frequent"))
    assert [file_version(p) for p in files] == [1, 1, 1]
    snapshot = Snapshot.open(copy.current())
    assert len(snapshot.posting_arrays) == 3
    assert not any(a.every_term_fields for a in snapshot.posting_arrays.values())
    assert_same_searches(copy.current())
    wahl = search(snapshot, SearchRequest(q="Hafen")).expansions  # forms read from whoosh
    assert wahl[0].forms and wahl[0].forms == search(
        Snapshot.open(store.current()), SearchRequest(q="Hafen")).expansions[0].forms
    out = CliRunner().invoke(main, ["posting-arrays", "--index", str(copy.path), "--json"])
    assert json.loads(out.output)["written"] == 3
    assert {p.name: p.read_bytes() for p in copy.current().path.glob("*.frequent")} == written


def damaged_copy(store: IndexStore, tmp_path: Path) -> tuple[IndexStore, Path]:
    copy = IndexStore(tmp_path / "ix")
    shutil.copytree(store.path, copy.path)
    arrays = sorted(copy.current().path.glob("*.frequent"))[0]
    os.chmod(arrays, 0o644)
    return copy, arrays


@pytest.mark.parametrize("damage", ["truncated", "other segment", "altered"])
def test_damaged_arrays_are_not_trusted(archive, tmp_path, damage, caplog):
    store, _, _ = archive
    copy, arrays = damaged_copy(store, tmp_path)
    data = bytearray(arrays.read_bytes())
    if damage == "truncated":
        data = data[:len(data) // 2]
    elif damage == "other segment":  # same size, header of another segment
        at = data.index(b'"segment": "') + len(b'"segment": "') + len("MAIN_")
        data[at] = ord("0") if data[at] != ord("0") else ord("1")
    else:  # ids overwritten, as a failing disk might: only the checksum tells
        data[-len(data) // 3:] = bytes(len(data) // 3)
    arrays.write_bytes(bytes(data))
    verified = CliRunner().invoke(main, ["verify", "--deep", "--index", str(copy.path)])
    assert verified.exit_code == 1 and arrays.name in verified.output
    snapshot = Snapshot.open(copy.current())  # the generation opens all the same
    segment = arrays.name[:-len(".frequent")]
    if damage != "altered":
        assert segment not in snapshot.posting_arrays
        assert arrays.name in caplog.text
        assert_same_searches(copy.current())


def test_arrays_are_read_back_as_written(tmp_path):
    ids = np.array([0, 5, 70000], dtype=np.int64)
    postings = [("body", b"jahr", ids, np.array([1.0, 2.0, 3.0])),
                ("title", b"euro", ids[:2], np.array([0.5, 1.25])),
                ("year", b"\x18\x00\x00", ids, np.ones(3)),  # a number's trailing NULs
                ("body", b"x" * 80, ids, np.ones(3))]  # too long: whoosh answers
    path = tmp_path / "MAIN_x.frequent"
    path.write_bytes(encode("MAIN_x", 70001, postings))
    arrays = SegmentArrays.open(path, "MAIN_x", 70001)
    assert len(arrays) == 3
    assert arrays.get("year", b"\x18\x00\x00")[0].tolist() == ids.tolist()
    assert arrays.get("year", b"\x18\x00") is None and arrays.get("body", b"x" * 80) is None
    assert arrays.ids.dtype == np.uint32 and arrays.weights.dtype == np.float32
    np.testing.assert_array_equal(arrays.get("body", b"jahr")[0], ids)
    np.testing.assert_array_equal(arrays.get("title", b"euro")[1], [0.5, 1.25])
    assert arrays.get("title", b"jahr") is None and arrays.get("body", b"eur") is None
    many = arrays.ids_of("body", [b"jahr", b"eur", b"x" * 80, b"jahr", b"zzz"])
    assert [None if m is None else m.tolist() for m in many] == \
        [ids.tolist(), None, None, ids.tolist(), None]
    assert arrays.ids_of("body", []) == []
    assert arrays.every_term_fields == {"title_forms", "body_forms"}
    for segment, documents in (("MAIN_y", 70001), ("MAIN_x", 70000)):
        with pytest.raises(ValueError, match="written for segment"):
            SegmentArrays.open(path, segment, documents)


def test_arrays_written_a_few_postings_at_a_time_are_the_same_bytes(archive, monkeypatch):
    store, _, _ = archive
    reader = whoosh_index.open_dir(store.current().path).reader()
    leaf, _ = reader.leaf_readers()[0]
    def encoded() -> bytes:
        return arrays_module.encode("s", leaf.doc_count_all(), arrays_module.frequent_terms(leaf))

    whole = encoded()
    monkeypatch.setattr(arrays_module, "WRITE_POSTINGS", 5)
    assert encoded() == whole
