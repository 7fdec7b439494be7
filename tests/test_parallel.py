"""Building with several writer processes gives the same index as one writer."""

from __future__ import annotations

import pytest
from conftest import write_sample_corpus

from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing.build import build, update
from indexer.writing.entity_forms import read_forms
from indexer.writing.parallel import WorkerFailed
from indexer.writing.store import IndexStore
from indexer.writing.vocabulary import read_counts

QUERIES = ["Soldat", "Regierung", '"Olaf Scholz"', "Klima*", "", "Wahl ODER Hochwasser"]


def results(store: IndexStore) -> dict:
    snapshot = Archive(store.path, refresh_seconds=0).snapshot()
    found = {}
    for q in QUERIES:
        result = search(snapshot, SearchRequest(q=q, size=100))
        found[q] = (result.total, sorted(hit.id for hit in result.hits),
                    {name: [(v.value, v.count) for v in values]
                     for name, values in result.facets.items()})
    return found


@pytest.fixture(scope="module")
def one_and_several(tmp_path_factory):
    root = tmp_path_factory.mktemp("parallel")
    corpus = write_sample_corpus(root / "corpus")
    single, several = IndexStore(root / "single"), IndexStore(root / "several")
    build(single, [str(corpus)], processes=1)
    report = build(several, [str(corpus)], processes=2, segment_docs=2)
    return corpus, single, several, report


def test_same_documents_matches_and_facets(one_and_several):
    _, single, several, report = one_and_several
    assert report.added == report.documents == Archive(single.path).snapshot().doc_count
    assert results(several) == results(single)


def test_each_worker_closes_several_segments(one_and_several):
    _, _, several, report = one_and_several
    segments = Archive(several.path).snapshot().searcher.reader().leaf_readers()
    assert len(segments) >= report.documents // 2


def test_word_and_entity_form_counts_of_all_workers_are_merged(one_and_several):
    _, single, several, _ = one_and_several
    assert read_counts(several.current().path) == read_counts(single.current().path)
    forms = read_forms(several.current().path)
    assert forms == read_forms(single.current().path)
    assert forms["persons", "Wladimir Putin", "Putins"] == 1


def test_an_index_built_in_parallel_can_be_updated(one_and_several, tmp_path):
    corpus, _, several, _ = one_and_several
    (corpus / "2024" / "soldaten.txt").unlink()
    report = update(several, [str(corpus)], delete_missing=True)
    assert report.deleted == 1
    snapshot = Archive(several.path, refresh_seconds=0).snapshot()
    assert "soldaten" not in {h.id for h in search(snapshot, SearchRequest(q="Soldat")).hits}


def test_a_failing_worker_stops_the_build_and_publishes_nothing(tmp_path, monkeypatch):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "ix")
    build(store, [str(corpus)], processes=1)
    before = store.current().name

    def broken(text):
        raise RuntimeError("entity extraction failed")

    monkeypatch.setattr("indexer.writing.schema.extract_entities", broken)
    with pytest.raises(WorkerFailed, match="entity extraction failed"):
        build(store, [str(corpus)], processes=2)
    assert store.current().name == before
    assert Archive(store.path).snapshot().doc_count > 0


def test_updates_merge_only_their_own_small_segments(tmp_path):
    from indexer.writing import build as build_module

    feed = tmp_path / "feed.jsonl"
    lines = [f'{{"id": "a{i}", "body": "Meldung Nummer {i} aus Berlin"}}\n' for i in range(40)]
    feed.write_text("".join(lines), "utf-8")
    store = IndexStore(tmp_path / "ix")
    build(store, [str(feed)], processes=2, segment_docs=10)

    def segment_sizes():
        readers = Archive(store.path, refresh_seconds=0).snapshot().searcher.reader().leaf_readers()
        return sorted(reader.doc_count() for reader, _ in readers)

    built = segment_sizes()
    assert built == [10, 10, 10, 10]
    original = build_module.SMALL_SEGMENT_DOCS, build_module.MAX_SMALL_SEGMENTS
    build_module.SMALL_SEGMENT_DOCS, build_module.MAX_SMALL_SEGMENTS = 5, 3
    try:
        for i in range(4):
            with feed.open("a", encoding="utf-8") as out:
                out.write(f'{{"id": "u{i}", "body": "Nachtrag {i}"}}\n')
            update(store, [str(feed)])
            sizes = segment_sizes()
            assert sizes.count(10) == 4  # the built segments are never merged
            assert len(sizes) <= 4 + 3
    finally:
        build_module.SMALL_SEGMENT_DOCS, build_module.MAX_SMALL_SEGMENTS = original
    assert sum(segment_sizes()) == 44
