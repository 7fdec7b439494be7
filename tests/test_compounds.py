"""Compound splitting, and how compound parts take part in search."""

from __future__ import annotations

import pytest

from indexer.analysis.compounds import split_compound
from indexer.analysis.german import compound_parts_analyzer, normalize_german
from indexer.measurements.eval_compounds import read_gold, score
from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing.build import build
from indexer.writing.store import IndexStore


def parts(word: str) -> tuple[str, ...]:
    return split_compound(normalize_german(word.lower()))


@pytest.mark.parametrize("word,expected", [
    ("Bundestagswahl", ("bundestag", "wahl")),             # -s- link
    ("Landtagswahlen", ("landtag", "wahlen")),             # last part as written
    ("Flüchtlingsunterkunft", ("fluchtling", "unterkunft")),
    ("Waffenlieferungen", ("waffe", "lieferungen")),        # -n- link, lemma of the first part
    ("Kanzleramt", ("kanzler", "amt")),
    ("Klimaschutzgesetz", ("klimaschutz", "gesetz")),      # a frequent noun stays one part
    ("Kurzarbeitergeld", ("kurz", "arbeiter", "geld")),
    ("Mietpreisbremse", ("mietpreis", "bremse")),
    ("Wandhalterung", ("wand", "halterung")),              # not Wand + Alterung
    ("Schulbuch", ("schule", "buch")),                     # a dropped -e
    ("Firmenticket", ("firma", "ticket")),
])
def test_compounds_split_into_lexicon_parts(word, expected):
    assert parts(word) == expected


@pytest.mark.parametrize("word", ["Wahl", "Verbraucher", "Verbrechen", "Stimmung", "Landtag",
                                  "Haushalt", "Mannschaft", "Vorsitzende", "Gesellschaft",
                                  "NATO-Staaten", "2024"])
def test_words_that_only_look_like_compounds_stay_whole(word):
    assert parts(word) == ()


def test_written_list_of_compounds_and_whole_words():
    counts = score(read_gold())
    assert counts["compound right"] >= 0.9 * counts["compound"]
    assert counts["whole right"] >= 0.95 * counts["whole"]


def test_parts_analyzer_emits_parts_with_the_compound_offsets_only_at_index_time():
    value = "Zur Bundestagswahl"
    tokens = [(t.text, value[t.startchar:t.endchar])
              for t in compound_parts_analyzer()(value, positions=True, chars=True,
                                                 mode="index")]
    assert tokens == [("bundestag", "Bundestagswahl"), ("wahl", "Bundestagswahl")]
    assert [t.text for t in compound_parts_analyzer()("Bundestagswahl", mode="query")] == [
        "bundestagswahl"]


def test_a_part_finds_the_compound_and_marks_it(snapshot):
    result = search(snapshot, SearchRequest(q="Wahl"))
    assert "haushalt" in {h.id for h in result.hits}
    hit = next(h for h in result.hits if h.id == "haushalt")
    assert "<mark>Bundestagswahl</mark>" in " ".join(hit.snippets)


def test_a_compound_does_not_flood_with_its_parts(snapshot):
    assert {h.id for h in search(snapshot, SearchRequest(q="Bundestagswahl")).hits} == {
        "haushalt"}


def test_exact_word_outranks_a_part_match(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "teil", "body": "Die Bundestagswahl findet im Herbst statt."}\n'
        '{"id": "ganz", "body": "Die Wahl findet im Herbst statt."}\n', "utf-8")
    build(IndexStore(tmp_path / "ix"), [str(feed)])
    snapshot = Archive(tmp_path / "ix").snapshot()
    assert [h.id for h in search(snapshot, SearchRequest(q="Wahl")).hits] == ["ganz", "teil"]
    assert [h.id for h in search(snapshot, SearchRequest(q="Bundestagswahl")).hits] == ["teil"]


def test_phrases_stay_exact_on_whole_words(snapshot):
    assert search(snapshot, SearchRequest(q='"Wahl könnte"')).total == 0
    assert search(snapshot, SearchRequest(q='"Bundestagswahl könnte"')).total == 1
