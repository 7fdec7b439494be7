"""Every word findable: stopwords, names with an article, every token of an article."""

from __future__ import annotations

import re

import pytest
from conftest import archive_of

from indexer.searching.search import SearchRequest, search


def ids(snapshot, q: str) -> set[str]:
    result = search(snapshot, SearchRequest(q=q, size=100))
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits}


# -- stopwords and names with an article --------------------------------------------

NAMED = [
    {"id": "linke", "body": "Die Linke fordert einen höheren Mindestlohn, sagte ihre Chefin."},
    {"id": "gruene", "body": "Die Grünen haben auf ihrem Parteitag in Karlsruhe gestritten."},
    {"id": "zeit", "body": "Wie die Wochenzeitung Die Zeit berichtet, ist der Vertrag fertig."},
    {"id": "spiegel", "body": "Der Spiegel meldet neue Zahlen zur Arbeitslosigkeit."},
    {"id": "hand", "body": "Er hob die linke Hand, die Zahlen sind grün und neu."},
    {"id": "wer", "body": "Wer war das? Niemand wusste es."},
]


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    return archive_of(tmp_path_factory.mktemp("named"), NAMED)


@pytest.mark.parametrize("q,expected", [
    ("die", {"linke", "gruene", "zeit", "hand"}),
    ("Wer war das", {"wer"}),
    ('"Wer war das"', {"wer"}),
    ("wer", {"wer"}),
])
def test_a_query_of_stopwords_finds_the_articles_with_them(named, q, expected):
    assert ids(named, q) == expected


@pytest.mark.parametrize("q,expected", [
    ("Die Linke", {"linke"}),
    ('"Die Linke"', {"linke"}),
    ("Die Grünen", {"gruene"}),
    ("Die Zeit", {"zeit"}),
    ("Der Spiegel", {"spiegel"}),
    ("Die Linke Mindestlohn", {"linke"}),
    ("Die Linke ODER Der Spiegel", {"linke", "spiegel"}),
])
def test_an_article_with_a_name_finds_the_organisation(named, q, expected):
    assert ids(named, q) == expected


def test_a_lowercase_article_keeps_its_ordinary_meaning(named):
    assert ids(named, "linke") == {"linke", "hand"}
    assert ids(named, '"die linke"') == {"linke", "hand"}


# -- every token of every article ----------------------------------------------------

TOKEN = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:['’]\w+)*(?:-\w+(?:['’]\w+)*)*")


def test_every_word_of_every_article_finds_it(snapshot):
    searcher = snapshot.searcher
    missing = []
    for docnum in range(searcher.doc_count_all()):
        stored = searcher.stored_fields(docnum)
        words = set()
        for token in TOKEN.findall(stored.get("title", "") + "\n" + stored.get("body", "")):
            words.add(token)
            words.update(p for p in re.split(r"[-'’]", token) if p)
        for word in sorted(words):
            if stored["id"] not in ids(snapshot, word):
                missing.append(f"{word!r} in {stored['id']}")
    assert not missing, missing
