"""The per-document columns a generation's writer keeps: equal to what the stored fields
give, used when a generation opens, and never used for other segments or deletions."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import write_feed
from whoosh import index as whoosh_index

from indexer.searching.search import SearchRequest, Snapshot, search
from indexer.writing import document_columns
from indexer.writing.build import build, update
from indexer.writing.store import IndexStore

PLACES = ["Berlin", "Hamburg", "München", "Köln", "Zürich"]
PERSONS = ["Angela Merkel", "Olaf Scholz", "Annalena Baerbock"]


def article(n: int, rng: random.Random, revision: str = "") -> dict:
    place, person = rng.choice(PLACES), rng.choice(PERSONS)
    return {"id": f"a{n}", "title": f"Bericht {n} aus {place} {revision}",
            "date": f"20{10 + n % 10}-0{1 + n % 9}-1{n % 10}", "section": rng.choice(
                ["Politik", "Sport", "Kultur"]),
            "body": f"{person} sprach am Montag in {place} über den Haushalt. "
                    f"Die Stadt {place} plant neue Schulen."}


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> tuple[IndexStore, Path]:
    """240 articles in three segments, then 20 replaced and 30 deleted; then 5 more deleted
    (the same segments, other deletions)."""
    root = tmp_path_factory.mktemp("columns")
    rng = random.Random(5)
    articles = [article(n, rng) for n in range(240)]
    store = IndexStore(root / "ix")
    build(store, [write_feed(root / "all.jsonl", articles)], processes=1, segment_docs=80)
    changed = [article(n, rng, "neu") for n in range(20)] + articles[20:210]
    update(store, [write_feed(root / "all.jsonl", changed)], delete_missing=True)
    before = store.current().path
    update(store, [write_feed(root / "all.jsonl", changed[:-5])], delete_missing=True)
    return store, before


def decoded(columns: document_columns.DocumentColumns) -> dict:
    """What the columns say of each document, whatever the codes (their order follows
    the history of the generations), and whether every listed value is in use."""
    said = {name: getattr(columns, name).tolist() for name in ("days", "indexed", "dates")}
    for name, (codes, values) in columns.scalars.items():
        said[name] = [values[code] for code in codes.tolist()]
        assert set(said[name]) | {""} == set(values), name
    for name, (docs, codes, values) in columns.entities.items():
        said[name] = [(doc, values[code]) for doc, code in zip(docs.tolist(), codes.tolist())]
        assert {value for _, value in said[name]} | {""} == set(values), name
    clusters = columns.cluster_values
    said["clusters"] = [clusters[code] if code < len(clusters) else None
                        for code in columns.clusters.tolist()]
    alone = [code for code in columns.clusters.tolist() if code >= len(clusters)]
    assert len(set(alone)) == len(alone)  # each document without a cluster on its own
    assert set(said["clusters"]) - {None} == set(clusters)
    return said


def assert_same(kept: document_columns.DocumentColumns,
                gathered: document_columns.DocumentColumns) -> None:
    assert decoded(kept) == decoded(gathered)
    assert kept.fingerprint == gathered.fingerprint and kept.segments == gathered.segments


def test_the_writer_keeps_the_columns_the_stored_fields_give(stores, monkeypatch):
    store, _ = stores
    generation = store.current()
    reader = whoosh_index.open_dir(generation.path).reader()
    assert len(reader.leaf_readers()) >= 3 and reader.has_deletions()
    published = generation.manifest()["files"][document_columns.FILENAME]
    kept = document_columns.load(generation.path, published, reader)
    gathered = document_columns.gather(reader)
    assert kept is not None
    assert_same(kept, gathered)
    assert len(kept.entities["places"][2]) > len(PLACES)  # "" and the places, with others
    assert (kept.days[[d for d in range(reader.doc_count_all()) if reader.is_deleted(d)]]
            == 0).all()
    expected = search(Snapshot.open(generation), SearchRequest(q="Haushalt"))

    def gathering(*args):
        raise AssertionError("the columns were gathered again")

    monkeypatch.setattr(document_columns, "gather", gathering)
    opened = search(Snapshot.open(generation), SearchRequest(q="Haushalt"))
    assert opened.total == expected.total and opened.facets == expected.facets


def test_columns_of_other_deletions_or_damaged_are_gathered_again(stores, tmp_path):
    store, before = stores
    shutil.copytree(store.path, tmp_path / "ix")
    generation = IndexStore(tmp_path / "ix").current()
    reader = whoosh_index.open_dir(generation.path).reader()
    older = whoosh_index.open_dir(before).reader()
    assert [leaf.segment().segment_id() for leaf, _ in older.leaf_readers()] == \
        [leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()]  # same segments
    path = generation.path / document_columns.FILENAME
    path.unlink()
    shutil.copy(before / document_columns.FILENAME, path)  # gathered before 5 deletions
    assert document_columns.load(generation.path, {"size": path.stat().st_size}, reader) is None
    path.write_bytes(b"not an array file")
    assert document_columns.load(generation.path, {"size": path.stat().st_size}, reader) is None
    expected = search(Snapshot.open(store.current()), SearchRequest(q="Haushalt"))
    damaged = search(Snapshot.open(generation), SearchRequest(q="Haushalt"))
    assert damaged.total == expected.total and damaged.facets == expected.facets


def test_an_update_reads_the_columns_of_its_new_segments_only(stores, tmp_path, monkeypatch):
    store, _ = stores
    shutil.copytree(store.path, tmp_path / "ix")
    copy = IndexStore(tmp_path / "ix")
    read = []
    original = document_columns._read_part
    monkeypatch.setattr(document_columns, "_read_part", lambda leaf, codes: read.append(
        leaf.segment().segment_id()) or original(leaf, codes))
    rng = random.Random(9)
    update(copy, [write_feed(tmp_path / "new.jsonl", [article(n, rng) for n in range(500, 504)])])
    reader = whoosh_index.open_dir(copy.current().path).reader()
    segments = [leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()]
    earlier = [leaf.segment().segment_id() for leaf, _ in
               whoosh_index.open_dir(store.current().path).reader().leaf_readers()]
    assert read == [s for s in segments if s not in earlier] and len(read) == 1
    published = copy.current().manifest()["files"][document_columns.FILENAME]
    assert_same(document_columns.load(copy.current().path, published, reader),
                document_columns.gather(reader))  # every segment read


def test_entity_facets_count_the_same_for_few_and_many_documents(stores):
    """Few documents count their own entries; many mark themselves and walk all entries."""
    store, _ = stores
    facets = Snapshot.open(store.current()).facets
    rng = np.random.default_rng(3)
    live = np.flatnonzero(facets.days)  # every live article here is dated
    for size in (0, 1, 2, 7, len(live) // 10, len(live) // 2, len(live)):
        docnums = np.sort(rng.choice(live, size, replace=False))
        for field in ("persons", "places", "orgs"):
            docs, codes, values = facets._entities[field]
            wanted = np.isin(docs, docnums)
            expected = np.bincount(codes[wanted], minlength=len(values))
            assert np.array_equal(facets.counts(field, docnums), expected), (field, size)
    assert len(live) // 10 * 8 < facets.doc_count < len(live) // 2 * 8  # both ways taken
