"""Entity extraction with the shipped tagger, on texts written for these tests."""

from __future__ import annotations

import re

from indexer.entities import extract_entities, model_version
from indexer.entities.extract import pipeline

NEWS = """BERLIN (dpa) – Bundeskanzlerin Angela Merkel hat am 21. August in Berlin Vertreter \
der Deutschen Bank getroffen. Merkel sagte, Dr. Schäuble sei u.a. für die Finanzen zuständig.

OFFENBACH. Die Stadt Offenbach plant den Umbau der Homburger Landstraße und der Rittergasse. \
Oberbürgermeister Felix Schwenke (SPD) sagte, in Bad Homburg und in der Schwanthalerstraße in \
München sei das gelungen. Schwenkes Vorschlag fand Zustimmung.

Bundespräsident Alexander Van der Bellen traf Ursula von der Leyen und Thomas de Maizière in \
Kyjiw. Van der Bellen lobte die Gastgeber. Putins Krieg gegen die Ukraine dauert an, sagte \
von der Leyen."""


def found(text: str) -> set[tuple[str, str, str]]:
    return {(e.type, e.text, e.canonical) for e in extract_entities(text)}


def test_the_shipped_model_tags_a_written_sentence():
    entities = extract_entities("Angela Merkel traf Emmanuel Macron in Paris.")
    assert [(e.text, e.type) for e in entities] == [
        ("Angela Merkel", "PER"), ("Emmanuel Macron", "PER"), ("Paris", "LOC")]


def test_offsets_are_exact_sorted_and_disjoint():
    entities = extract_entities(NEWS)
    assert len(entities) > 15
    previous_end = 0
    for entity in entities:
        assert NEWS[entity.start:entity.end] == entity.text
        assert entity.start >= previous_end
        previous_end = entity.end


def test_news_conventions_datelines_streets_and_particles():
    names = found(NEWS)
    for expected in [("LOC", "BERLIN", "Berlin"), ("ORG", "dpa", "dpa"),
                     ("LOC", "OFFENBACH", "Offenbach"),
                     ("LOC", "Homburger Landstraße", "Homburger Landstraße"),
                     ("LOC", "Rittergasse", "Rittergasse"),
                     ("LOC", "Schwanthalerstraße", "Schwanthalerstraße"),
                     ("LOC", "Bad Homburg", "Bad Homburg"),
                     ("PER", "Alexander Van der Bellen", "Alexander Van der Bellen"),
                     ("PER", "Thomas de Maizière", "Thomas de Maizière")]:
        assert expected in names
    assert not any(text in ("Landstraße", "Alexander Van") for _, text, _ in names)


def test_short_forms_inflections_and_spellings_share_the_canonical_name():
    names = found(NEWS)
    for expected in [("PER", "Merkel", "Angela Merkel"), ("PER", "Schwenkes", "Felix Schwenke"),
                     ("PER", "Van der Bellen", "Alexander Van der Bellen"),
                     ("LOC", "Kyjiw", "Kiew"), ("ORG", "Deutschen Bank", "Deutsche Bank")]:
        assert expected in names
    # a genitive of a name the article gave in full (a bare "Putins" opening the
    # sentence above is below the person threshold; tests/data/canonical_names.tsv
    # names it "Putin" when it is marked)
    later = found("Kremlchef Wladimir Putin schwieg. Putins Krieg gegen die Ukraine dauert an.")
    assert ("PER", "Putins", "Wladimir Putin") in later


def test_names_are_not_rewritten_to_other_or_later_names():
    text = ("Der Internetkonzern Facebook löschte im Mai 2016 Beiträge. Das österreichische "
            "Innenministerium in Wien prüft den Fall. Im Rennen siegte Lewis Hamilton für "
            "Mercedes vor Max Verstappen.")
    canonical = {e.text: e.canonical for e in extract_entities(text)}
    assert canonical["Facebook"] == "Facebook"
    assert canonical["Mercedes"] == "Mercedes"
    assert "Bundesinnenministerium" not in canonical.values()
    assert "Meta" not in canonical.values() and "Mercedes-Benz" not in canonical.values()


def test_a_bare_first_name_is_the_person_named_in_full_earlier():
    text = ("Stürmer Harry Kane traf doppelt für den FC Bayern München. Harry jubelte. "
            "Der Schriftsteller William Shakespeare schrieb viel. William starb 1616.")
    canonical = {e.text: e.canonical for e in extract_entities(text) if e.type == "PER"}
    assert canonical["Harry"] == "Harry Kane"
    assert canonical["William"] == "William Shakespeare"


def test_a_club_keeps_one_value_in_both_forms():
    text = "Der FC Bayern München gewann in Dortmund. Trainer des FC Bayern ist Vincent Kompany."
    values = {e.canonical for e in extract_entities(text) if e.type == "ORG"}
    assert values == {"FC Bayern München"}


def test_ordinary_capitalised_nouns_are_not_entities():
    text = "Die Regierung beschloss am Montag neue Regeln für Häuser und Straßen."
    assert found(text) == set()


def test_empty_and_blank_text():
    assert extract_entities("") == []
    assert extract_entities(" \n\n ") == []


def test_the_model_version_names_the_shipped_files():
    version = model_version()
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert version == model_version()


def test_thresholds_and_features_come_from_the_shipped_settings():
    loaded = pipeline()
    assert set(loaded.tagger.thresholds) == {"PER", "LOC", "ORG"}
    assert loaded.read.features.known  # only attributes the model weighs are built


def test_an_organisation_named_with_an_article_is_found_whole():
    text = ("Die Linke fordert einen höheren Mindestlohn. Wie die Wochenzeitung Die Zeit "
            "berichtet, widersprach Der Spiegel.")
    assert [(e.text, e.canonical) for e in extract_entities(text) if e.type == "ORG"] == [
        ("Die Linke", "Linke"), ("Die Zeit", "Die Zeit"), ("Der Spiegel", "Spiegel")]
