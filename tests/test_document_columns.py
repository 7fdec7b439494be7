"""The per-document columns a generation's writer keeps: equal to what the stored fields
give, used when a generation opens, and never used for other segments or deletions."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
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


def write_feed(path: Path, articles: list[dict]) -> str:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles),
                    "utf-8")
    return str(path)


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


def assert_same(kept: document_columns.DocumentColumns,
                gathered: document_columns.DocumentColumns) -> None:
    for name in ("days", "indexed", "clusters", "dates"):
        assert np.array_equal(getattr(kept, name), getattr(gathered, name)), name
    assert kept.scalars.keys() == gathered.scalars.keys()
    for field, (codes, values) in gathered.scalars.items():
        assert np.array_equal(kept.scalars[field][0], codes) and kept.scalars[field][1] == values
    for field, (docs, codes, values) in gathered.entities.items():
        kept_docs, kept_codes, kept_values = kept.entities[field]
        assert np.array_equal(kept_docs, docs) and np.array_equal(kept_codes, codes), field
        assert kept_values == values, field
    assert kept.fingerprint == gathered.fingerprint


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
