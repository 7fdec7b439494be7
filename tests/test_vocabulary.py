"""The word list behind "did you mean": counts, suggestions, updates."""

from __future__ import annotations

from collections import Counter

from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing.build import build, update
from indexer.writing.store import IndexStore
from indexer.writing.vocabulary import (
    FILENAME,
    Vocabulary,
    count_words,
    read_counts,
    write_vocabulary,
)


def test_counts_words_of_four_letters_and_more_lowercased():
    counts = Counter()
    count_words(counts, "Die Brücke über die Elbe:", "2024 wurde die BRÜCKE saniert.")
    assert counts == Counter({"brücke": 2, "über": 1, "elbe": 1, "wurde": 1, "saniert": 1})


def test_suggests_the_closest_then_the_most_frequent_word(tmp_path):
    write_vocabulary(tmp_path, Counter({"wahlen": 3, "wahlkampf": 9, "waffen": 40, "walen": 1}))
    vocabulary = Vocabulary.load(tmp_path)
    assert vocabulary.suggest("wahlkamf") == "wahlkampf"
    assert vocabulary.suggest("wahlem") == "wahlen"  # distance 1 beats frequent "waffen"
    assert vocabulary.suggest("wahlen") == "walen"  # the word itself is never suggested
    assert vocabulary.suggest("zzzzzz") is None


def one_article_archive(tmp_path):
    """An index of one article, and the feed it was built from."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "body": "Die Deichgrafen warnen vor dem Hochwasser."}\n',
                    "utf-8")
    store = IndexStore(tmp_path / "ix")
    build(store, [str(feed)])
    return store, feed


def test_update_adds_words_without_touching_the_live_file(tmp_path):
    store, feed = one_article_archive(tmp_path)
    first = store.current().path
    assert read_counts(first)["deichgrafen"] == 1
    with feed.open("a", encoding="utf-8") as out:
        out.write('{"id": "b", "body": "Die Deichgrafen melden sinkende Pegel."}\n')
    update(store, [str(feed)])
    assert read_counts(store.current().path)["deichgrafen"] == 2
    assert read_counts(first)["deichgrafen"] == 1
    assert "pegel" not in (first / FILENAME).read_text("utf-8")


def test_search_suggests_a_respelling_for_a_query_without_hits(tmp_path):
    store, _ = one_article_archive(tmp_path)
    snapshot = Archive(store.path).snapshot()
    assert search(snapshot, SearchRequest(q="Deichgraffen warnen")).suggestion == \
        "Deichgrafen warnen"
    assert search(snapshot, SearchRequest(q="Deichgrafen")).suggestion is None
