"""Collecting every match with array operations gives whoosh's answers."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import write_sample_corpus
from whoosh import query as wq

from indexer.searching.matching import any_matching, distinct, matching_docs
from indexer.searching.search import Archive, SearchRequest, prepare, search
from indexer.writing.build import build, update
from indexer.writing.store import IndexStore

QUERIES = ["Soldat", "Soldaten Kursk", "Merkel ODER Lindner", "Soldaten NICHT Kursk",
           "Soldaten -Kursk", "Klima*", '"Olaf Scholz"', "", "Wahl", "year:2019",
           'person:"Olaf Scholz"', "date:[2021 to 2022]", "NICHT Soldaten", "xyzzy",
           '"Bundeskanzler Olaf Scholz"', '"Scholz Olaf"', '"der NATO-Staaten"',
           'title:"Soldaten in Russland"', 'Regierung NICHT "in der russischen Region"',
           '"Olaf Scholz" ODER Klima*', "-Soldaten", "-Soldaten -Kursk", "date:2024-10",
           "Soldat date:[2021-07-16 to]", "(date:2019 OR date:2024) -date:2019-09", "Staat*",
           "Klima* date:2019", "die", "Die Linke ODER Der Spiegel"]


def whoosh_docs(snapshot, q: str, **kwargs) -> np.ndarray:
    prepared = prepare(snapshot, SearchRequest(q=q, **kwargs))
    return np.fromiter(prepared.restricted.docs(snapshot.searcher), dtype=np.int64)


def array_docs(snapshot, q: str, **kwargs) -> np.ndarray:
    prepared = prepare(snapshot, SearchRequest(q=q, **kwargs))
    return matching_docs(prepared.restricted, snapshot.searcher)


@pytest.mark.parametrize("q", QUERIES)
def test_same_documents_as_whoosh(snapshot, q):
    assert array_docs(snapshot, q).tolist() == whoosh_docs(snapshot, q).tolist()


@pytest.mark.parametrize("q", ['"Bundeskanzler Olaf Scholz"', '"Olaf Scholz" ODER Klima*',
                               'Regierung NICHT "in der russischen Region"', '"in der"',
                               '"Soldaten in der russischen Region"'])
def test_ranked_hits_are_exactly_the_phrase_matches(snapshot, q):
    result = search(snapshot, SearchRequest(q=q, size=100))
    found = {snapshot.searcher.document_number(id=hit.id) for hit in result.hits}
    assert found == set(whoosh_docs(snapshot, q).tolist())
    assert result.total == len(found)


def test_phrases_are_ranked_by_pair_and_word_terms(snapshot):
    prepared = prepare(snapshot, SearchRequest(q='"in der russischen Region"'))
    assert not any(isinstance(node, wq.Phrase) for node in prepared.ranking.leaves())
    assert set(prepared.ranking.iter_all_terms()) == {
        ("body_pairs", "in der"), ("body_pairs", "der russisch"), ("body", "region"),
        ("title_pairs", "in der"), ("title_pairs", "der russisch"), ("title", "region")}
    prepared = prepare(snapshot, SearchRequest(q='Regierung NICHT "in der russischen Region"'))
    assert any(isinstance(node, wq.Phrase) for node in prepared.ranking.leaves())


def test_filters_and_exclusions(snapshot):
    for kwargs in ({"filters": {"year": ("2019", "2024")}},
                   {"exclude": {"person": ("Olaf Scholz",)}},
                   {"filters": {"section": ("sport",)}, "exclude": {"year": ("2020",)}}):
        assert array_docs(snapshot, "", **kwargs).tolist() == \
            whoosh_docs(snapshot, "", **kwargs).tolist()


def test_deleted_and_replaced_documents_are_left_out(tmp_path):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "ix")
    build(store, [str(corpus)])
    (corpus / "2024" / "soldaten.txt").unlink()
    klima = corpus / "2019" / "klima.txt"
    klima.write_text(klima.read_text("utf-8") + "\nNachtrag mit Soldaten.\n", "utf-8")
    update(store, [str(corpus)], delete_missing=True)
    snapshot = Archive(store.path, refresh_seconds=0).snapshot()
    assert len(snapshot.searcher.reader().leaf_readers()) >= 1
    for q in ("Soldat", "", "Klimapaket", "Soldaten -Kursk"):
        assert array_docs(snapshot, q).tolist() == whoosh_docs(snapshot, q).tolist(), q
    ids = {snapshot.searcher.stored_fields(int(d))["id"] for d in array_docs(snapshot, "Soldat")}
    assert ids == {"hochwasser", "feed-3", "klima"}


def test_any_match_agrees_with_every_match_over_segments_and_deletions(tmp_path):
    """The spelling check's early stop: the same yes or no as collecting every match,
    with words found only in a small segment, only in a deleted article, or nowhere."""
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "ix")
    build(store, [str(corpus)], processes=1, segment_docs=2)
    deleted = corpus / "2024" / "soldaten.txt"
    words = set(re.findall(r"[^\W\d_]{4,}", deleted.read_text("utf-8")))
    deleted.unlink()
    update(store, [str(corpus)], delete_missing=True)
    snapshot = Archive(store.path, refresh_seconds=0).snapshot()
    reader = snapshot.searcher.reader()
    assert len(reader.leaf_readers()) >= 3 and reader.has_deletions()
    answers = {}
    for word in sorted(words | {"Hochwaser", "xyzzy", "Klimapaket", "Agentur"}):
        q = snapshot.parser.parse(word)
        answers[word] = any_matching(q, snapshot.searcher)
        assert answers[word] == (matching_docs(q, snapshot.searcher).size > 0), word
    assert any(answers.values()) and not all(answers.values())
    only_deleted = [w for w in words if not answers[w]]
    assert only_deleted, "some word of the deleted article occurs in no other"


@pytest.mark.parametrize("size", [0, 1, 2, 50, 5000])
def test_distinct_values_are_numpys_unique(size):
    values = np.random.default_rng(size).integers(0, max(size // 3, 1), size)
    assert np.array_equal(distinct(values), np.unique(values))
    assert distinct(values).dtype == values.dtype
