"""Near-duplicate clusters: written cases, persistence, collapsed searches, updates."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from indexer.searching.search import Archive, SearchRequest, iter_hits, search
from indexer.writing.build import build, update
from indexer.writing.duplicates import (
    FILENAME,
    DuplicateFinder,
    signature,
    similarity,
    word_hashes,
)
from indexer.writing.store import IndexStore

REPO = Path(__file__).resolve().parent.parent
AGENCY = REPO / "corpus" / "2025" / "2025-06-30-agenturmeldungen-hitze.jsonl"

STORY = ("Die Stadtwerke haben am Montag angekündigt, die Preise für Fernwärme zum ersten "
         "Januar um durchschnittlich zwölf Prozent zu erhöhen. Grund seien die gestiegenen "
         "Kosten für Erdgas und für den Ausbau des Netzes, sagte eine Sprecherin. Betroffen "
         "sind rund 40.000 Haushalte im Stadtgebiet. Der Mieterverein kritisierte die "
         "Erhöhung als unverhältnismäßig und kündigte an, die Preisgleitklauseln in den "
         "Verträgen prüfen zu lassen. Die Verbraucherzentrale rät Kunden, ihre Abrechnungen "
         "genau zu kontrollieren und bei Zweifeln Widerspruch einzulegen. Im vergangenen Jahr "
         "hatten die Stadtwerke die Preise bereits zweimal angehoben.")
LAST = (" Für Haushalte mit geringem Einkommen soll es einen Härtefallfonds geben, über den "
        "der Stadtrat im Dezember entscheidet.")
OTHER = ("Die Stadtwerke haben im vergangenen Jahr einen Gewinn von 48 Millionen Euro erzielt, "
         "teilte das Unternehmen bei der Vorstellung seiner Bilanz mit. Vor allem das Geschäft "
         "mit Strom aus Windkraft und Solaranlagen habe zugelegt. Der Vorstand kündigte "
         "Investitionen in Wärmepumpen und neue Leitungen an. Die Zahl der Beschäftigten stieg "
         "auf 1.250. Kritik kam von der Opposition im Stadtrat, die niedrigere Preise für die "
         "Kunden forderte, statt Gewinne an die Stadt abzuführen.")


def cluster_all(texts: dict[str, str]) -> dict[str, str]:
    finder = DuplicateFinder()
    return dict(zip(texts, finder.assign(list(texts.items()))))


def test_words_hash_alike_wherever_they_stand_and_in_any_case():
    first, second = word_hashes("Straße und straße, STRASSE!"), word_hashes("die Straße")
    assert len(first) == 4 and len(second) == 2
    assert first[0] == first[2] == second[1] and first[0] != first[3]


def test_identical_texts_have_identical_signatures_and_short_texts_none():
    assert np.array_equal(signature(STORY), signature(STORY))
    assert similarity(signature(STORY), signature(OTHER)) < 0.1
    assert signature("Zu kurz, um etwas über Dubletten zu sagen.") is None


@pytest.mark.parametrize("variant", [
    STORY + LAST,                                                   # a paragraph longer
    STORY.replace("sagte eine Sprecherin", "erklärte eine Unternehmenssprecherin"),  # edited
    "Fernwärme wird teurer. " + STORY,                                # a line put in front
])
def test_versions_of_one_story_share_a_cluster(variant):
    clusters = cluster_all({"agency": STORY, "outlet": variant, "other": OTHER})
    assert clusters == {"agency": "agency", "outlet": "agency", "other": "other"}


def test_a_different_story_on_the_same_subject_is_no_duplicate():
    assert cluster_all({"a": STORY, "b": OTHER}) == {"a": "a", "b": "b"}


def test_clusters_across_batches_and_within_one_batch():
    finder = DuplicateFinder()
    assert finder.assign([("a", STORY), ("b", STORY + LAST)]) == ["a", "a"]
    assert finder.assign([("c", OTHER), ("d", STORY)]) == ["c", "a"]
    assert len(finder) == 4


def test_saved_clusters_are_found_again(tmp_path):
    finder = DuplicateFinder()
    finder.assign([("a", STORY), ("b", OTHER)])
    finder.remove("b")
    finder.save(tmp_path)
    loaded = DuplicateFinder.load(tmp_path)
    assert len(loaded) == 1 and loaded.cluster_of("a") == "a" and loaded.cluster_of("b") is None
    assert loaded.assign([("c", STORY + LAST), ("d", OTHER)]) == ["a", "d"]
    assert DuplicateFinder.load(tmp_path / "nothing-here").assign([("x", STORY)]) == ["x"]


# -- through the index ----------------------------------------------------------------


@pytest.fixture(scope="module")
def agency(tmp_path_factory):
    root = tmp_path_factory.mktemp("agency")
    build(IndexStore(root / "ix"), [str(AGENCY)])
    return root


def run(snapshot, **kwargs):
    return search(snapshot, SearchRequest(**kwargs))


def test_collapsed_search_shows_one_version_and_counts_clusters(agency):
    snapshot = Archive(agency / "ix").snapshot()
    every = run(snapshot, q="Hitze")
    collapsed = run(snapshot, q="Hitze", collapse=True)
    assert every.total == 4 and collapsed.total == 2
    assert collapsed.to_dict()["counting"] == "clusters"
    assert sorted(h.duplicates for h in collapsed.hits) == [0, 2]
    assert sum(v.count for v in collapsed.facets["source"]) == 2
    story = next(h for h in collapsed.hits if h.duplicates == 2)
    versions = run(snapshot, filters={"cluster": (story.cluster,)})
    assert versions.total == 3
    assert {h.source for h in versions.hits} == {"Weserbote", "Südhessen-Anzeiger",
                                                 "Elbtal-Nachrichten"}
    assert {h.cluster for h in versions.hits} == {story.cluster}


def test_collapsed_browsing_keeps_the_newest_version(agency):
    snapshot = Archive(agency / "ix").snapshot()
    hits = run(snapshot, collapse=True, sort="-date").hits
    assert [h.id for h in hits] == ["weserbote-2025-07-hitze-bilanz",
                                    "elbtal-nachrichten-2025-06-hitze"]


def test_exports_carry_the_cluster(agency):
    snapshot = Archive(agency / "ix").snapshot()
    total, hits = iter_hits(snapshot, SearchRequest(q="Hitze", collapse=True), limit=10)
    rows = list(hits)
    assert total == len(rows) == 2 and all(r.cluster for r in rows)


def test_an_update_clusters_new_versions_with_old_ones(tmp_path):
    corpus = tmp_path / "feed.jsonl"
    lines = AGENCY.read_text("utf-8").splitlines()
    corpus.write_text("\n".join(lines[:1]) + "\n", "utf-8")
    store = IndexStore(tmp_path / "ix")
    build(store, [str(corpus)])
    first = json.loads(lines[0])["id"]
    corpus.write_text("\n".join(lines) + "\n", "utf-8")
    update(store, [str(corpus)])
    snapshot = Archive(store.path).snapshot()
    assert run(snapshot, filters={"cluster": (first,)}).total == 3
    assert (store.current().path / FILENAME).exists()
    corpus.write_text("\n".join(lines[1:]) + "\n", "utf-8")  # the first version is gone
    update(store, [str(corpus)], delete_missing=True)
    snapshot = Archive(store.path).snapshot()
    assert run(snapshot, filters={"cluster": (first,)}).total == 2  # the name stays
    assert run(snapshot, q="Hitze", collapse=True).total == 2
