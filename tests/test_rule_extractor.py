"""The rule extractor (the tagger's hints) on sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.entities.rule_extractor import rule_entities

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_8d49e452584a734a.txt"


def found(text: str) -> set[tuple[str, str]]:
    return {(e.type, e.canonical) for e in rule_entities(text)}


def test_person_with_title_and_first_name():
    text = "Bundeskanzler Olaf Scholz traf Außenministerin Annalena Baerbock in Berlin."
    assert found(text) >= {("PER", "Olaf Scholz"), ("PER", "Annalena Baerbock"),
                           ("LOC", "Berlin")}


def test_korean_three_part_name_after_a_title_and_short_form_before_it():
    text = ("Außenministerin Choe sprach in Moskau. Später traf Außenministerin Choe Son Hui "
            "den russischen Präsidenten.")
    persons = [e for e in rule_entities(text) if e.type == "PER"]
    assert [(e.text, e.canonical) for e in persons] == [
        ("Choe", "Choe Son Hui"), ("Choe Son Hui", "Choe Son Hui")]


def test_genitive_and_short_forms_share_the_full_name():
    text = ("Kremlchef Wladimir Putin hat den Plan gebilligt. Putins Sprecher bestätigte das. "
            "Putin selbst schwieg.")
    persons = [(e.text, e.canonical) for e in rule_entities(text) if e.type == "PER"]
    assert persons == [("Wladimir Putin", "Wladimir Putin"), ("Putins", "Wladimir Putin"),
                       ("Putin", "Wladimir Putin")]


def test_patronymic_form_is_the_same_person():
    text = ("Wladimir Putin empfing Gäste. Die Rede von Wladimir Wladimirowitsch Putin dauerte "
            "lange. Wladimir Putin lächelte.")
    assert {e.canonical for e in rule_entities(text) if e.type == "PER"} == {"Wladimir Putin"}


def test_places_with_genitive_and_exonyms():
    text = "Nordkoreas Führung und Russlands Armee. Angriffe auf Kyjiw und Charkiw."
    assert found(text) == {("LOC", "Nordkorea"), ("LOC", "Russland"), ("LOC", "Kiew"),
                           ("LOC", "Charkiw")}


def test_adjectives_of_places_are_not_places():
    assert found("Am Moskauer Bahnhof sprachen russische und nordkoreanische Diplomaten.") == set()


def test_organisation_inside_a_hyphenated_compound():
    text = "Die NATO-Staaten und der CDU-Chef berieten."
    entities = rule_entities(text)
    assert [(e.text, e.type, e.canonical) for e in entities] == [
        ("NATO", "ORG", "NATO"), ("CDU", "ORG", "CDU")]


def test_organisation_variants_are_canonical():
    text = "Die Nato und die Europäische Zentralbank sowie das Robert Koch-Institut."
    assert found(text) == {("ORG", "NATO"), ("ORG", "Europäische Zentralbank"),
                           ("ORG", "Robert Koch-Institut")}


def test_acronyms_and_legal_forms_are_organisations():
    text = "Der Verband BDI und die Musterwerk Holding AG legten Zahlen vor."
    assert found(text) >= {("ORG", "BDI"), ("ORG", "Musterwerk Holding AG")}


def test_ordinary_capitalised_nouns_are_not_entities():
    text = "Die Regierung beschloss am Montag neue Regeln für Häuser und Straßen."
    assert found(text) == set()


def test_genitive_name_before_a_noun_is_cut_and_normalised():
    assert ("PER", "Joe Biden") in found("Nach Joe Bidens Wahlsieg jubelten viele.")


def test_clubs_and_institutions_with_a_city_are_organisations():
    text = "Der VfL Osnabrück verlor gegen den 1. FC Köln, Forscher der TU Dresden jubelten."
    entities = [(e.text, e.type) for e in rule_entities(text)]
    assert entities == [("VfL Osnabrück", "ORG"), ("1. FC Köln", "ORG"), ("TU Dresden", "ORG")]


def test_surname_after_a_verb_of_saying():
    text = "Die Lage sei ernst, sagte Brandhuber. Man werde reagieren, so Quendler."
    assert found(text) == {("PER", "Brandhuber"), ("PER", "Quendler")}


def test_middle_initial_belongs_to_the_name():
    text = "Gestern sprach John F. Kennedy vor dem Kongress."
    assert [(e.text, e.type) for e in rule_entities(text)] == [("John F. Kennedy", "PER")]


def test_name_before_band_or_foundation_is_no_person():
    text = "Die Tom Wilkins Band spielte, die Erika Sommerfeld Stiftung zahlte."
    assert not any(e.type == "PER" for e in rule_entities(text))


def test_lowercase_agency_and_inflected_organisation():
    text = "Vertreter der Europäischen Union sagten der dpa, der Europäische Rat tage bald."
    assert found(text) == {("ORG", "EU"), ("ORG", "dpa"),
                           ("ORG", "Europäischer Rat")}


def test_ambiguous_place_needs_a_preposition():
    assert found("Nach dem Essen fuhren wir weiter.") == set()
    assert found("Die Messe in Essen war voll.") == {("LOC", "Essen")}


def test_place_name_ending_after_a_preposition():
    assert found("Das Dorffest fand in Kleinhügelsdorf statt.") == {("LOC", "Kleinhügelsdorf")}
    assert found("Das Gesetz trat in Kraft.") == set()


def test_genitive_of_regions_and_cities():
    text = "Die Wälder Böhmens und die Brücken Warschaus sind berühmt."
    assert found(text) == {("LOC", "Böhmen"), ("LOC", "Warschau")}


def test_offsets_are_exact_sorted_and_disjoint():
    text = "In Kiew sagte Präsident Wolodymyr Selenskyj, die NATO-Staaten müssten helfen."
    entities = rule_entities(text)
    assert entities
    previous_end = 0
    for entity in entities:
        assert text[entity.start:entity.end] == entity.text
        assert entity.start >= previous_end
        previous_end = entity.end


def test_empty_text():
    assert rule_entities("") == []


def test_seed_article_entities():
    if not SEED.exists():
        pytest.skip("needs ../shared (seed article)")
    entities = rule_entities(SEED.read_text("utf-8"))
    canon = {(e.type, e.canonical) for e in entities}
    for name in ("Choe Son Hui", "Sergej Lawrow", "Wladimir Putin", "Kim Jong Un", "Kim Il Sung",
                 "Wolodymyr Selenskyj"):
        assert ("PER", name) in canon
    for name in ("Russland", "Nordkorea", "Moskau", "Pjöngjang", "Kursk", "Ukraine", "USA",
                 "Südkorea", "Iran", "Kiew"):
        assert ("LOC", name) in canon
    assert ("ORG", "NATO") in canon


def test_hyphenated_noun_with_a_name_like_head_is_no_person():
    assert not [e for e in rule_entities("Corona-Pandemie Bund und Länder beraten")
                if e.type == "PER"]
    assert ("PER", "Frank-Walter Steinmeier") in found(
        "Bundespräsident Frank-Walter Steinmeier sprach.")


def test_modern_names_for_cities_with_old_german_exonyms():
    assert found("Die Spieler wurden in Zagreb empfangen.") == {("LOC", "Zagreb")}
