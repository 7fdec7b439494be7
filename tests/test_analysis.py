"""The German analyzer: each filter alone, then the whole chain."""

from __future__ import annotations

import pickle

import pytest
from whoosh.analysis import LowercaseFilter

from indexer.analysis.german import (
    GERMAN_STOPWORDS,
    DecompoundFilter,
    GermanNormalizeFilter,
    GermanStemFilter,
    GermanStopFilter,
    GermanTokenizer,
    SpellingVariantFilter,
    WordPartsFilter,
    compound_parts_analyzer,
    german_analyzer,
    normalize_german,
    word_forms_analyzer,
    word_pairs_analyzer,
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


@pytest.mark.parametrize("apostrophe", ["'", "’", "‘", "`", "´", "ʼ"])
def test_every_apostrophe_is_one_character(apostrophe):
    chain = GermanTokenizer() | LowercaseFilter() | GermanNormalizeFilter()
    assert texts(chain, f"So geht{apostrophe}s, sagt O{apostrophe}Neill.") == [
        "so", "geht's", "sagt", "o'neill"]


def test_quotes_around_a_word_are_not_apostrophes():
    assert texts(GermanTokenizer(), "‘Spekulation’ und `Lüge´") == ["Spekulation", "und", "Lüge"]


def test_word_parts_share_the_position_and_carry_their_own_offsets():
    chain = GermanTokenizer() | WordPartsFilter()
    value = "vor NATO-Staaten, geht’s"
    tokens = [(t.text, t.pos, value[t.startchar:t.endchar], t.part)
              for t in chain(value, positions=True, chars=True)]
    assert tokens == [("vor", 0, "vor", False),
                      ("NATO-Staaten", 1, "NATO-Staaten", False),
                      ("NATO", 1, "NATO", True), ("Staaten", 1, "Staaten", True),
                      ("geht’s", 2, "geht’s", False),
                      ("geht", 2, "geht", True), ("s", 2, "s", True)]


def test_word_parts_without_the_whole_word():
    chain = GermanTokenizer() | WordPartsFilter(whole=False)
    assert texts(chain, "Die Gelb-Rote Karte") == ["Die", "Gelb", "Rote", "Karte"]
    assert WordPartsFilter(whole=False) != WordPartsFilter()


def test_decompounding_keeps_the_parts_of_hyphenated_words():
    chain = GermanTokenizer() | LowercaseFilter() | WordPartsFilter(whole=False) | \
        DecompoundFilter()
    assert texts(chain, "Wahl zur CDU-Bundestagswahl", mode="index") == [
        "cdu", "bundestagswahl", "bundestag", "wahl"]


def test_text_fields_hold_whole_words_only():
    value = "Die Gelb-Rote Karte"
    assert texts(german_analyzer(), value, mode="index") == ["die", "gelb-rot", "kart"]
    assert texts(word_pairs_analyzer(), value, mode="index") == ["die gelb-rot"]
    assert texts(compound_parts_analyzer(), value, mode="index") == ["gelb", "rot"]


def test_word_forms_are_folded_not_stemmed():
    assert texts(word_forms_analyzer(), "Untersuchungen der NATO-Staaten, geht’s",
                 mode="index") == ["untersuchungen", "der", "nato-staaten", "nato", "staaten",
                                   "geht's", "geht", "s"]


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
    chain = GermanTokenizer() | LowercaseFilter() | GermanStopFilter()
    value = "der Tag des Sieges der NATO-Staaten"
    indexed = [(t.text, t.pos) for t in chain(value, positions=True, mode="index")]
    assert indexed == [("der", 0), ("tag", 1), ("des", 2), ("sieges", 3), ("der", 4),
                       ("nato-staaten", 5)]
    assert texts(chain, value, mode="query") == ["tag", "sieges", "nato-staaten"]
    assert texts(chain, value, mode="phrase") == ["der", "tag", "des", "sieges", "der",
                                                  "nato-staaten"]
    assert texts(chain, value, mode="query", removestops=False) == texts(chain, value,
                                                                         mode="phrase")


@pytest.mark.parametrize("spelling", ["für", "fuer", "fur", "über", "ueber", "uber", "daß",
                                      "dass", "muß", "muss", "dafür", "dafuer", "Für"])
def test_stopwords_are_dropped_in_every_spelling(spelling):
    chain = GermanTokenizer() | LowercaseFilter() | GermanNormalizeFilter() | GermanStopFilter()
    assert texts(chain, f"{spelling} Krieg", mode="query") == ["krieg"]


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


@pytest.mark.parametrize("analyzer", [german_analyzer, compound_parts_analyzer,
                                      word_forms_analyzer])
def test_whole_analyzer_offsets_point_at_the_original_text(analyzer):
    value = "Nordkoreanische Soldaten in NATO-Staaten, Straße in München, geht’s."
    for token in analyzer()(value, positions=True, chars=True):
        surface = value[token.startchar:token.endchar]
        assert surface and not surface[0].isspace() and "-" not in surface[0] + surface[-1]


def test_spelling_variant_filter_on_tokens():
    chain = GermanTokenizer() | LowercaseFilter() | GermanNormalizeFilter() | \
        SpellingVariantFilter()
    assert texts(chain, "Photos der Schiffahrt, Zelenskys Tip") == [
        "fotos", "der", "schiffahrt", "selenskyj", "tipp"]


def test_analyzer_pickles_with_the_schema():
    analyzer = german_analyzer()
    restored = pickle.loads(pickle.dumps(analyzer))
    assert texts(restored, "Die Soldaten", mode="query") == ["soldat"]
    assert texts(analyzer, "Die Soldaten", mode="query") == ["soldat"]
