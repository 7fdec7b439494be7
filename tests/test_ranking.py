"""Ranking over the array of matches gives whoosh's scores and order."""

from __future__ import annotations

import pytest
from conftest import write_sample_corpus
from whoosh import query as wq
from whoosh import sorting

from indexer.searching.ranking import by_relevance
from indexer.searching.search import (
    Archive,
    SearchRequest,
    matching_docnums,
    prepare,
    search,
    top_results,
)
from indexer.searching.weights import DEFAULT_RANKING
from indexer.writing.build import build, update
from indexer.writing.store import IndexStore

QUERIES = ["Soldat", "Soldaten Kursk", "Merkel ODER Lindner", "Soldaten NICHT Kursk",
           "Regierung", "Wahl", "title:Hochwasser", 'person:"Olaf Scholz"', "Bundeswehr Soldaten",
           '"Bundeskanzler Olaf Scholz"', '"in der russischen Region"', "Kiew ODER Seoul"]


def whoosh_ranking(snapshot, request):
    prepared = prepare(snapshot, request)
    docnums = matching_docnums(snapshot, prepared)
    results = snapshot.searcher.search(prepared.ranking, limit=100,
                                       filter=set(docnums.tolist()) or None)
    return [(docnum, score) for docnum, score in results.items() if docnum in set(docnums)]


def assert_same(found, expected):
    assert [d for d, _ in found] == [d for d, _ in expected]
    for (_, score), (_, want) in zip(found, expected):
        assert score == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize("q", QUERIES)
def test_bm25_scores_and_order_match_whoosh(snapshot, q):
    request = SearchRequest(q=q, size=100)
    prepared = prepare(snapshot, request)
    found = by_relevance(snapshot.searcher, snapshot.ranking, prepared.ranking,
                         matching_docnums(snapshot, prepared), 100,
                         DEFAULT_RANKING.weighting())
    assert found is not None
    assert found, q
    assert_same(found, whoosh_ranking(snapshot, request))


def test_filters_do_not_score(snapshot):
    plain = search(snapshot, SearchRequest(q="Soldaten"))
    filtered = search(snapshot, SearchRequest(q="Soldaten", filters={"year": ("2024",)}))
    scores = {h.id: h.score for h in plain.hits}
    assert filtered.hits and all(h.score == pytest.approx(scores[h.id]) for h in filtered.hits)


def test_a_prefix_scores_each_expansion_like_a_word(snapshot):
    request = SearchRequest(q="Klima*", size=100)
    prepared = prepare(snapshot, request)
    found = by_relevance(snapshot.searcher, snapshot.ranking, prepared.ranking,
                         matching_docnums(snapshot, prepared), 100,
                         DEFAULT_RANKING.weighting())
    reader = snapshot.searcher.reader()
    expanded = prepared.ranking.accept(
        lambda node: wq.Or([wq.Term(node.fieldname, text) for text in node._btexts(reader)],
                           boost=node.boost) if type(node) is wq.Prefix else node)
    assert len(list(expanded.iter_all_terms())) == 4  # klimapaket, klimaschutz, …
    expected = snapshot.searcher.search(expanded, limit=100)
    assert_same(found, list(expected.items()))


def test_date_order_matches_whoosh_with_undated_articles_last(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(
        f'{{"id": "d{i}", "date": "20{10 + i}-05-0{1 + i % 3}", "body": "Bericht Nummer {i}"}}\n'
        for i in range(8)) + '{"id": "ohne", "body": "Bericht ohne Datum"}\n', "utf-8")
    build(IndexStore(tmp_path / "ix"), [str(feed)])
    snapshot = Archive(tmp_path / "ix").snapshot()
    for sort, reverse in (("date", False), ("-date", True)):
        request = SearchRequest(q="Bericht", sort=sort, size=20)
        prepared = prepare(snapshot, request)
        found, ranked = top_results(snapshot, prepared, request, 20)
        ids = [snapshot.searcher.stored_fields(d)["id"] for d, _ in found]
        assert not ranked and ids[-1] == "ohne"
        dated = snapshot.searcher.search(prepared.ranking, limit=20, reverse=reverse,
                                         sortedby=sorting.FieldFacet("date"))
        assert ids[:-1] == [hit["id"] for hit in dated if hit["id"] != "ohne"]


def test_same_over_several_segments_with_deletions(tmp_path):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "ix")
    build(store, [str(corpus)])
    klima = corpus / "2019" / "klima.txt"
    klima.write_text(klima.read_text("utf-8") + "\nNachtrag: Soldaten helfen.\n", "utf-8")
    update(store, [str(corpus)])
    snapshot = Archive(store.path, refresh_seconds=0).snapshot()
    assert len(snapshot.searcher.reader().leaf_readers()) >= 2
    for q in ("Soldaten", "Regierung", "Soldaten ODER Klimapaket"):
        request = SearchRequest(q=q, size=100)
        found, ranked = top_results(snapshot, prepare(snapshot, request), request, 100)
        assert ranked and found
        assert_same(found, whoosh_ranking(snapshot, request))
