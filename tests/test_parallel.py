"""Building with several writer processes gives the same index as one writer."""

from __future__ import annotations

import pytest
from conftest import write_sample_corpus

from indexer.build import build, update
from indexer.parallel import WorkerFailed
from indexer.search import Archive, SearchRequest, search
from indexer.store import IndexStore
from indexer.vocabulary import read_counts

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


def test_word_counts_of_all_workers_are_merged(one_and_several):
    _, single, several, _ = one_and_several
    assert read_counts(several.current().path) == read_counts(single.current().path)


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

    monkeypatch.setattr("indexer.parallel.extract_entities", broken)
    with pytest.raises(WorkerFailed, match="entity extraction failed"):
        build(store, [str(corpus)], processes=2)
    assert store.current().name == before
    assert Archive(store.path).snapshot().doc_count > 0
