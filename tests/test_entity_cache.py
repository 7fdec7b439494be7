"""Entity annotations cached beside the generations: a rebuild finds entities only in new text."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from conftest import write_sample_corpus

from indexer.entities import extract_entities
from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing import schema
from indexer.writing.build import build, update
from indexer.writing.entity_cache import (
    DIRECTORY,
    EXTRACTOR,
    SUFFIX,
    AnnotationFile,
    EntityCache,
    extractor_version,
    pack,
    unpack,
)
from indexer.writing.store import IndexStore


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """The texts the entity extractor is run on (in this process)."""
    seen: list[str] = []

    def counted(text: str):
        seen.append(text)
        return extract_entities(text)

    monkeypatch.setattr(schema, "extract_entities", counted)
    return seen


def facets(store: IndexStore) -> dict:
    answer = search(Archive(store.path).snapshot(), SearchRequest(q="", facet_limit=0)).to_dict()
    return {name: [(v["value"], v["count"]) for v in values]
            for name, values in answer["facets"].items()}


def test_a_rebuild_finds_no_entities_again(tmp_path: Path, calls: list[str]):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    build(store, [str(corpus)], processes=1)
    first = len(calls)
    assert first == 2 * 8  # body and title of each article
    before = facets(store)
    build(store, [str(corpus)], processes=1)
    assert len(calls) == first
    assert facets(store) == before
    assert any(before.values())


def test_a_changed_article_is_annotated_again(tmp_path: Path, calls: list[str]):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    build(store, [str(corpus)], processes=1)
    article = corpus / "2019" / "klima.txt"
    article.write_text(article.read_text("utf-8") + "\nAngela Merkel besuchte Hamburg.\n",
                       "utf-8")
    calls.clear()
    build(store, [str(corpus)], processes=1)
    assert len(calls) == 2 and "Angela Merkel besuchte Hamburg." in calls[0]
    assert ("Angela Merkel", 1) in facets(store)["persons"]


def test_parallel_builds_fill_and_use_the_cache(tmp_path: Path):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    build(store, [str(corpus)], processes=2)
    cache = EntityCache(store.path, keep_unused=True)
    assert len(cache) == 8
    before = facets(store)
    damaged = next(h for h in sorted(cache.hashes()) if any(unpack(cache.get(h))))
    cache.put(damaged, pack(([], [])))  # the rebuild must take its entities from the cache
    cache.save()
    build(store, [str(corpus)], processes=2)
    assert facets(store) != before
    assert unpack(EntityCache(store.path, keep_unused=False).get(damaged)) == ([], [])


def test_updates_keep_the_cache_to_the_live_articles(tmp_path: Path, calls: list[str]):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    build(store, [str(corpus)], processes=1)
    hashes = EntityCache(store.path, keep_unused=False).hashes()
    (corpus / "2021" / "hochwasser.txt").unlink()
    article = corpus / "2019" / "klima.txt"
    article.write_text(article.read_text("utf-8").replace("Klimapaket", "Klimagesetz"), "utf-8")
    calls.clear()
    update(store, [str(corpus)], delete_missing=True)
    assert len(calls) == 2
    after = EntityCache(store.path, keep_unused=False).hashes()
    assert len(after) == 7 and len(after - hashes) == 1


def test_a_new_extractor_version_starts_a_new_cache(tmp_path: Path):
    same, changed = tmp_path / "same", tmp_path / "changed"
    for copy in (same, changed):
        shutil.copytree(EXTRACTOR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    names = next(p for p in sorted((changed / "data").iterdir()) if p.suffix == ".txt")
    names.write_text(names.read_text("utf-8") + "Neuname\n", "utf-8")
    assert extractor_version(same) == extractor_version()
    assert extractor_version(changed) != extractor_version()
    assert extractor_version(same, lambda text: []) != extractor_version()

    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    stale = store.path / DIRECTORY / f"0123456789abcdef01234567{SUFFIX}"
    older_format = store.path / DIRECTORY / f"{extractor_version()}.pickle"
    stale.parent.mkdir(parents=True)
    for path in (stale, older_format):
        path.write_bytes(pickle.dumps({}))
    build(store, [str(corpus)], processes=1)
    assert not stale.exists() and not older_format.exists()
    assert [p.name for p in stale.parent.iterdir()] == [f"{extractor_version()}{SUFFIX}"]


def test_another_extractor_does_not_read_the_cache(tmp_path: Path, monkeypatch):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    build(store, [str(corpus)], processes=1)
    seen: list[str] = []

    def names_nothing(text: str):
        seen.append(text)
        return []

    monkeypatch.setattr(schema, "extract_entities", names_nothing)
    build(store, [str(corpus)], processes=1)
    assert len(seen) == 16
    assert not any(facets(store).get("persons", []))


def test_a_damaged_cache_is_ignored_and_written_anew(tmp_path: Path, calls: list[str]):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    build(store, [str(corpus)], processes=1)
    cache_file = EntityCache(store.path, keep_unused=False).path
    cache_file.write_bytes(cache_file.read_bytes()[:40])
    calls.clear()
    build(store, [str(corpus)], processes=1)
    assert len(calls) == 16
    assert len(EntityCache(store.path, keep_unused=False)) == 8


def test_a_failed_build_keeps_the_cache_as_it_was(tmp_path: Path, monkeypatch):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    build(store, [str(corpus)], processes=2)
    saved = EntityCache(store.path, keep_unused=True)  # reads without keeping anything
    before = {h: saved.get(h) for h in saved.hashes()}

    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr("indexer.writing.build.check_opens", broken)
    with pytest.raises(RuntimeError):
        build(store, [str(corpus)], processes=2)
    again = EntityCache(store.path, keep_unused=True)
    assert {h: again.get(h) for h in again.hashes()} == before
    assert [p.name for p in again.directory.iterdir()] == [again.path.name]


def test_a_rebuild_looks_up_rows_without_counting_the_cache(tmp_path: Path, monkeypatch):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    build(store, [str(corpus)], processes=1)

    def counted(self):
        raise AssertionError("a lookup read the whole table")

    monkeypatch.setattr(AnnotationFile, "count", counted)
    build(store, [str(corpus)], processes=2)
    monkeypatch.undo()
    assert len(EntityCache(store.path, keep_unused=False)) == 8
