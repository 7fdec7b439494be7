"""Entities across the archive: surface forms counted at build time, names found
by the start of a word, and the profile of one entity."""

from __future__ import annotations

from conftest import write_sample_corpus

from indexer.research.entity_profile import entity_profile, forms_query
from indexer.searching.facets import NameIndex
from indexer.searching.search import Archive
from indexer.writing.build import build, update
from indexer.writing.entity_forms import read_forms
from indexer.writing.store import IndexStore


def test_surface_forms_are_counted_at_build_time(snapshot):
    assert snapshot.entity_forms.forms("persons", "wladimir putin") == [
        ("Putins", 1), ("Wladimir Putin", 1)]
    assert snapshot.entity_forms.forms("persons", "nobody") == []


def test_update_takes_back_the_forms_of_replaced_and_deleted_articles(tmp_path):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    build(store, [str(corpus)])
    before = read_forms(store.current().path)
    assert before["persons", "Wladimir Putin", "Putins"] == 1
    assert before["persons", "Angela Merkel", "Angela Merkel"] == 1
    soldaten = corpus / "2024" / "soldaten.txt"
    soldaten.write_text(soldaten.read_text("utf-8").replace("Putins Sprecher", "Ein Sprecher"),
                        "utf-8")
    (corpus / "2019" / "klima.txt").unlink()
    report = update(store, [str(corpus)], delete_missing=True)
    assert (report.replaced, report.deleted) == (1, 1)
    after = read_forms(store.current().path)
    assert ("persons", "Wladimir Putin", "Putins") not in after
    assert after["persons", "Wladimir Putin", "Wladimir Putin"] == 1
    assert ("persons", "Angela Merkel", "Angela Merkel") not in after
    facets = Archive(store.path, refresh_seconds=0).snapshot().facets
    assert facets.find("persons", "Angela Merkel") is None  # her only article is deleted
    assert facets.find("persons", "wladimir putin") == "Wladimir Putin"
    fresh = IndexStore(tmp_path / "fresh")
    build(fresh, [str(corpus)])
    assert read_forms(fresh.current().path) == after


def test_name_index_finds_values_by_any_word_start():
    index = NameIndex(["", "Angela Merkel", "Friedrich Merz", "Frank-Walter Steinmeier",
                       "Straße der Nationen", "Mercedes-Benz"])
    assert index.codes("mer").tolist() == [1, 2, 5]
    assert index.codes("MERZ").tolist() == [2]
    assert index.codes("walter").tolist() == [3]
    assert index.codes("strasse").tolist() == [4]  # casefolded: ß is ss
    assert index.codes("der nat").tolist() == [4]
    assert index.codes("benz").tolist() == [5]
    assert index.codes("").tolist() == [1, 2, 3, 4, 5]
    assert index.codes("xyz").tolist() == []


def test_profile_of_an_entity(snapshot):
    profile = entity_profile(snapshot, "person", "OLAF SCHOLZ")
    assert (profile.type, profile.value, profile.count) == ("person", "Olaf Scholz", 1)
    assert profile.filter == {"person": "Olaf Scholz"}
    assert profile.forms == [("Olaf Scholz", 1), ("Scholz", 1)]  # in the body
    related = {name: [v.value for v in values] for name, values in profile.related.items()}
    assert related["persons"] == ["Christian Lindner", "Friedrich Merz"]
    assert [hit.id for hit in profile.recent] == ["haushalt"]
    assert profile.recent[0].snippets == [] and profile.relevant[0].snippets
    [series] = profile.timeline["series"]
    assert [b.count for b in series["buckets"]] == [1]
    assert entity_profile(snapshot, "person", "Niemand") is None
    assert entity_profile(snapshot, "colour", "Olaf Scholz") is None


def test_relevance_query_searches_every_spelling_as_a_phrase():
    forms = [("Putin", 12), ('Wladimir "W." Putin', 1), ("Putins", 3)]
    assert forms_query("Wladimir Putin", forms) == \
        '"Putin" ODER "Wladimir W. Putin" ODER "Putins" ODER "Wladimir Putin"'
