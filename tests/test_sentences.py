"""Sentence boundaries from the shipped Punkt parameters, on sentences written for these tests."""

from __future__ import annotations

import pytest

from indexer.analysis.sentences import sentence_spans, sentences


@pytest.mark.parametrize("text", [
    "Dr. Müller kam spät. Er blieb lange.",
    "Es kamen u.a. Vertreter der Stadt. Sie blieben lange.",
    "Es gibt Ausnahmen, z.B. für Kinder. Sie zahlen nichts.",
    "Das Haus Nr. 5 brannte ab. Niemand wurde verletzt.",
    "Die Wahl findet am 21. August statt. Danach wird gezählt.",
    "Seit dem 3. Oktober 1990 ist es so. Das bleibt.",
    "Er spielt in der 2. Bundesliga. Sein Verein steigt ab.",
    "Prof. Dr. Schmidt sprach ca. zwei Stunden. Dann ging er.",
    "Die Firma Muster GmbH & Co. KG wächst. Das freut alle.",
    "Der Umzug in die Schwanthalerstr. 5 ist fertig. Alle sind froh.",
])
def test_abbreviations_and_ordinals_do_not_end_a_sentence(text):
    found = sentences(text)
    assert len(found) == 2, found
    assert found[1].startswith(("Er ", "Sie ", "Niemand", "Danach", "Das ", "Sein", "Dann",
                                "Alle"))


def test_plain_sentence_ends_are_cut():
    text = "Die Sonne scheint. Regnet es morgen? Nein! Es bleibt trocken."
    assert sentences(text) == ["Die Sonne scheint.", "Regnet es morgen?", "Nein!",
                               "Es bleibt trocken."]


def test_blank_lines_end_a_sentence_and_offsets_are_exact():
    text = "  Unwetter im Süden\n\nIn Bayern fielen Bäume um. Die Feuerwehr rückte aus.\n"
    spans = sentence_spans(text)
    assert [text[start:end] for start, end in spans] == [
        "Unwetter im Süden", "In Bayern fielen Bäume um.", "Die Feuerwehr rückte aus."]


def test_a_closing_quote_stays_with_its_sentence():
    text = "„Wir schaffen das.“ Das sagte sie oft."
    assert sentences(text) == ["„Wir schaffen das.“", "Das sagte sie oft."]


def test_empty_text_has_no_sentences():
    assert sentence_spans("") == []
    assert sentence_spans("   \n\n ") == []


def test_punkt_with_stdlib_patterns_cuts_as_nltk_does():
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from indexer.analysis.sentences import sentence_splitter

    splitter = sentence_splitter()
    nltk_own = PunktSentenceTokenizer(splitter.data.parameters())
    text = ("Prof. Dr. Schmidt (Uni Köln) sprach ca. 2 Std. lang… Dann ging er. "
            "„Das war’s.“ Am 3. Okt. 1990 u.a. in Berlin... Wer? Die Firma A.B.C. GmbH! "
            "Sie zahlte 3,5 Mio. Euro (rund 10 %). Das St. Georgs-Hospital -- ein Bau.")
    assert list(splitter._punkt.span_tokenize(text)) == list(nltk_own.span_tokenize(text))
    assert len(list(nltk_own.span_tokenize(text))) > 4
