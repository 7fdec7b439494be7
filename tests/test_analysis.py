"""The German analyzer: each filter alone, then the whole chain."""

from __future__ import annotations

import pickle

import pytest
from whoosh.analysis import LowercaseFilter

from indexer.analysis.german import (
    GERMAN_STOPWORDS,
    GermanNormalizeFilter,
    GermanStemFilter,
    GermanStopFilter,
    GermanTokenizer,
    HyphenPartsFilter,
    german_analyzer,
    normalize_german,
)


def texts(analyzer, value, **kwargs):
    return [t.text for t in analyzer(value, **kwargs)]


def test_tokenizer_keeps_umlauts_numbers_and_hyphenated_compounds():
    source = "Die NATO-Staaten: 8.000 Soldaten, 3,5 Prozent in Köln."
    tokens = [(t.text, t.pos, source[t.startchar:t.endchar])
              for t in GermanTokenizer()(source, positions=True, chars=True)]
    assert [t[0] for t in tokens] == ["Die", "NATO-Staaten", "8.000", "Soldaten", "3,5",
                                      "Prozent", "in", "Köln"]
    assert [t[1] for t in tokens] == list(range(8))
    assert all(text == surface for text, _, surface in tokens)


def test_hyphen_parts_share_the_position_and_carry_their_own_offsets():
    chain = GermanTokenizer() | HyphenPartsFilter()
    value = "vor NATO-Staaten"
    tokens = [(t.text, t.pos, value[t.startchar:t.endchar])
              for t in chain(value, positions=True, chars=True)]
    assert tokens == [("vor", 0, "vor"), ("NATO-Staaten", 1, "NATO-Staaten"),
                      ("NATO", 1, "NATO"), ("Staaten", 1, "Staaten")]


@pytest.mark.parametrize("word,expected", [
    ("straße", "strasse"), ("münchen", "munchen"), ("muenchen", "munchen"),
    ("häuser", "hauser"), ("haeuser", "hauser"), ("österreich", "osterreich"),
    ("quelle", "quelle"), ("neue", "neue"), ("selenskyj", "selenskyj"), ("josé", "jose"),
])
def test_normalisation(word, expected):
    assert normalize_german(word) == expected


def test_normalize_filter_on_tokens():
    chain = GermanTokenizer() | LowercaseFilter() | GermanNormalizeFilter()
    assert texts(chain, "Grüße aus Düsseldorf") == ["grusse", "aus", "dusseldorf"]


def test_stopwords_are_indexed_dropped_from_query_words_and_kept_in_phrases():
    chain = GermanTokenizer() | LowercaseFilter() | HyphenPartsFilter() | GermanStopFilter()
    value = "der Tag des Sieges der NATO-Staaten"
    indexed = [(t.text, t.pos) for t in chain(value, positions=True, mode="index")]
    assert indexed == [("der", 0), ("tag", 1), ("des", 2), ("sieges", 3), ("der", 4),
                       ("nato-staaten", 5), ("nato", 5), ("staaten", 5)]
    assert texts(chain, value, mode="query") == ["tag", "sieges", "nato-staaten", "nato",
                                                 "staaten"]
    assert texts(chain, value, mode="phrase") == ["der", "tag", "des", "sieges", "der",
                                                  "nato-staaten"]


def test_stopword_list_is_function_words_only():
    assert {"der", "die", "und", "mit"} <= GERMAN_STOPWORDS
    assert not {"nicht", "gegen", "krieg", "wahl"} & GERMAN_STOPWORDS


def test_stem_filter_stems_and_pickles_by_reference():
    chain = GermanTokenizer() | LowercaseFilter() | GermanStemFilter()
    assert texts(chain, "Soldaten Häusern") == ["soldat", "haus"]
    assert pickle.loads(pickle.dumps(GermanStemFilter())) == GermanStemFilter()


@pytest.mark.parametrize("query,document", [
    ("Soldat", "Soldaten"), ("Haus", "Häusern"), ("Strasse", "Straße"),
    ("Muenchen", "München"), ("Munchen", "München"), ("Wahl", "Wahlen"),
])
def test_query_forms_meet_document_forms(query, document):
    analyzer = german_analyzer()
    assert texts(analyzer, query) == texts(analyzer, document)


def test_whole_analyzer_offsets_point_at_the_original_text():
    value = "Nordkoreanische Soldaten in NATO-Staaten, Straße in München."
    for token in german_analyzer()(value, positions=True, chars=True):
        surface = value[token.startchar:token.endchar]
        assert surface and not surface[0].isspace()


def test_analyzer_pickles_with_the_schema():
    analyzer = german_analyzer()
    restored = pickle.loads(pickle.dumps(analyzer))
    assert texts(restored, "Die Soldaten", mode="query") == ["soldat"]
    assert texts(analyzer, "Die Soldaten", mode="query") == ["soldat"]
