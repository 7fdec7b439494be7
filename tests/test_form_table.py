"""The table of a generation's written forms: whoosh's terms and counts, and its look-ups.

A real archive in three segments, updated with replaced and deleted
articles, is read into a :class:`FormTable`; every form of ``title_forms``
and ``body_forms`` must be in it with whoosh's own ``doc_frequency`` (the
larger of the two fields), and the word-form lists built on it must count
the same articles as a search for the form.
"""

from __future__ import annotations

import dataclasses
import random
import shutil

import numpy as np
import pytest
from conftest import write_feed
from whoosh import index as whoosh_index
from whoosh import query as wq

from indexer.searching.form_table import FormTable
from indexer.searching.matching import POSTING_CACHE, matching_docs
from indexer.searching.search import (
    SearchRequest,
    Snapshot,
    matching_docnums,
    prepare,
    search,
)
from indexer.whoosh_compat import field_terms
from indexer.writing import written_forms
from indexer.writing.build import build, update
from indexer.writing.schema import build_schema
from indexer.writing.store import IndexStore

FIELDS = ("title_forms", "body_forms")
WORDS = ("Wahl Wahlen Wähler Bundestagswahl Landtagswahlen Wahlkampf Straße Straßenbahn "
         "Hauptstraße Bürger Bürgermeisterin Öl Ölpreis Café Regierung Regierungen "
         "Bundesregierung Jahr Jahre Jahres Prozent Euro Zürich Kiew Kyjiw").split()


def article(n: int, rng: random.Random, revision: str = "") -> dict:
    body = " ".join(rng.choice(WORDS) for _ in range(25))
    return {"id": f"a{n}", "title": f"{rng.choice(WORDS)} {rng.choice(WORDS)} {revision}",
            "date": f"20{10 + n % 10}-0{1 + n % 9}-1{n % 10}", "body": f"{body}."}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> IndexStore:
    """300 articles in three segments, then 20 replaced and 30 deleted."""
    root = tmp_path_factory.mktemp("forms")
    rng = random.Random(11)
    articles = [article(n, rng) for n in range(300)]
    store = IndexStore(root / "ix")
    build(store, [write_feed(root / "all.jsonl", articles)], processes=1, segment_docs=100)
    changed = [article(n, rng, "neu") for n in range(20)] + articles[20:270]
    update(store, [write_feed(root / "all.jsonl", changed)], delete_missing=True)
    return store


def test_the_table_holds_every_form_with_whooshs_article_count(store):
    reader = whoosh_index.open_dir(store.current().path).reader()
    assert len(reader.leaf_readers()) >= 3 and reader.has_deletions()
    table = FormTable.read(reader, FIELDS)
    expected = {}
    for fieldname in FIELDS:
        for btext in reader.lexicon(fieldname):
            form = btext.decode("utf-8")
            expected[form] = max(expected.get(form, 0), reader.doc_frequency(fieldname, btext))
    assert [table.form(i) for i in range(len(table))] == sorted(expected)
    assert {table.form(i): int(table.frequencies[i]) for i in range(len(table))} == expected
    assert all(table.frequency(form) == count for form, count in expected.items())
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    for form in expected:
        holding = [i for i, leaf in enumerate(leaves)
                   if any((f, form.encode()) in leaf for f in FIELDS)]
        assert table.segments(form).tolist() == holding, form
    assert table.segments("kein-solches-wort").size == 0
    assert 1 < len({table.segments(form).size for form in expected})


def test_a_segments_terms_are_read_with_their_document_frequencies(store):
    reader = whoosh_index.open_dir(store.current().path).reader()
    for leaf, _ in reader.leaf_readers():
        for fieldname in (*FIELDS, "body", "title"):
            terms, frequencies = field_terms(leaf, fieldname)
            assert terms == list(leaf.lexicon(fieldname))
            assert frequencies.tolist() == [leaf.doc_frequency(fieldname, t) for t in terms]
        terms, frequencies = field_terms(leaf, "no_such_field")
        assert terms == [] and frequencies.size == 0


FORMS = sorted(["bürger", "burger", "bürgermeisterin", "café", "cafe", "öl", "ölpreis",
                "wahl", "wahlen", "bundestagswahl", "ß", "straße", "zürich", "a", "ab"])


def test_look_ups_agree_with_plain_python_over_any_characters():
    table = FormTable(FORMS, range(len(FORMS)))
    assert [table.form(i) for i in range(len(table))] == FORMS
    for piece in ("wahl", "ü", "ö", "a", "ß", "e", "zz", "ürg"):
        assert [table.form(i) for i in table.containing(piece)] == \
            [f for f in FORMS if piece in f]
    for prefix in ("b", "bü", "bür", "ö", "wahl", "", "zz", "ß"):
        assert [table.form(i) for i in table.starting_with(prefix)] == \
            [f for f in FORMS if f.startswith(prefix)]
    for form in FORMS:
        assert table.frequency(form) == FORMS.index(form)
    assert table.frequency("bürge") == 0 and table.position("zzz") is None
    assert table.containing("").size == 0 and table.containing("a\nb").size == 0


def test_most_frequent_first_breaks_ties_by_form():
    table = FormTable(["a", "b", "c", "d"], [5, 9, 5, 1])
    assert [table.form(i) for i in table.most_frequent_first(np.arange(4))] == \
        ["b", "a", "c", "d"]


def test_an_empty_archive_has_an_empty_table(tmp_path):
    empty = whoosh_index.create_in(tmp_path, build_schema()).reader()
    for table in (FormTable([], []), FormTable.read(empty, FIELDS)):
        assert len(table) == 0 and table.containing("a").size == 0
        assert table.starting_with("a").size == 0 and table.frequency("a") == 0
        assert table.segments("a") is None or table.segments("a").size == 0


def test_word_form_counts_equal_a_search_for_the_form(store):
    """Counted from the segments holding the form, and again from what the first count kept."""
    snapshot = Snapshot.open(store.current())
    POSTING_CACHE.clear()
    for q in ("Wahl", "Straße", "Bürger*", "Regierung Jahr"):
        for _ in range(2):
            result = search(snapshot, SearchRequest(q=q))
            results = matching_docnums(snapshot, prepare(snapshot, SearchRequest(q=q)))
            assert result.expansions and all(e.forms for e in result.expansions)
            for expansion in result.expansions:
                for counted in expansion.forms:
                    with_form = matching_docs(wq.Or([wq.Term(f, counted.form) for f in FIELDS]),
                                              snapshot.searcher)
                    assert counted.count == np.intersect1d(results, with_form).size, q
                    kept = POSTING_CACHE.get(("forms", snapshot.word_forms._serial,
                                              counted.form))
                    assert kept is not None and np.array_equal(kept[0], with_form)


def test_prefixes_are_listed_from_the_table_most_frequent_first(store):
    snapshot = Snapshot.open(store.current())
    table = snapshot.word_forms.table(snapshot.searcher)
    listed = snapshot.word_forms.prefixed(snapshot.searcher, "wahl")
    assert set(listed) == {f for f in map(table.form, range(len(table))) if f.startswith("wahl")}
    counts = [table.frequency(f) for f in listed]
    assert len(listed) > 1 and counts == sorted(counts, reverse=True)


def test_the_writer_keeps_the_forms_it_gathered_beside_the_generation(store, monkeypatch):
    generation = store.current()
    published = generation.manifest()["files"][written_forms.FILENAME]
    reader = whoosh_index.open_dir(generation.path).reader()
    kept = written_forms.load(generation.path, published, reader)
    gathered = written_forms.gather(reader)
    assert kept is not None and kept.forms == gathered.forms and len(kept.forms) > 20
    for name in ("frequencies", "segment_ends", "segments", "field_counts"):
        assert np.array_equal(getattr(kept, name), getattr(gathered, name)), name
    assert kept.segment_ids == gathered.segment_ids and len(kept.segment_ids) >= 3

    def gathering(*args):
        raise AssertionError("the forms were gathered again")

    monkeypatch.setattr(written_forms, "gather", gathering)
    snapshot = Snapshot.open(generation)
    assert len(snapshot.word_forms.table(snapshot.searcher)) == len(kept.forms)


def test_forms_kept_for_other_segments_or_damaged_are_gathered_again(store, tmp_path):
    shutil.copytree(store.path, tmp_path / "ix")
    generation = IndexStore(tmp_path / "ix").current()
    reader = whoosh_index.open_dir(generation.path).reader()
    gathered = written_forms.gather(reader)
    other = dataclasses.replace(gathered, segment_ids=tuple(f"x{i}" for i in range(3)))
    path = written_forms.write(generation.path, other)
    assert written_forms.load(generation.path, {"size": path.stat().st_size}, reader) is None
    path.write_bytes(b"not an array file")
    assert written_forms.load(generation.path, {"size": path.stat().st_size}, reader) is None
    expected = search(Snapshot.open(store.current()), SearchRequest(q="Wahl")).expansions
    snapshot = Snapshot.open(generation)  # the file differs from its manifest record
    assert search(snapshot, SearchRequest(q="Wahl")).expansions == expected
    assert len(snapshot.word_forms.table(snapshot.searcher)) == len(gathered.forms)


def test_an_update_reads_the_forms_of_its_new_segments_only(store, tmp_path, monkeypatch):
    shutil.copytree(store.path, tmp_path / "ix")
    copy = IndexStore(tmp_path / "ix")
    read = []
    original = written_forms.field_terms
    monkeypatch.setattr(written_forms, "field_terms", lambda leaf, fieldname: read.append(
        leaf.segment().segment_id()) or original(leaf, fieldname))
    rng = random.Random(4)
    new = [article(n, rng, "Zusatz Nachtragswort") for n in range(900, 904)]
    update(copy, [write_feed(tmp_path / "new.jsonl", new)])
    reader = whoosh_index.open_dir(copy.current().path).reader()
    segments = written_forms.segment_ids(reader)
    assert read == [segments[-1]] * len(FIELDS)  # the new segment's, once per field
    published = copy.current().manifest()["files"][written_forms.FILENAME]
    kept = written_forms.load(copy.current().path, published, reader)
    gathered = written_forms.gather(reader)
    assert kept.forms == gathered.forms and "nachtragswort" in kept.forms
    for name in ("frequencies", "segment_ends", "segments", "field_counts"):
        assert np.array_equal(getattr(kept, name), getattr(gathered, name)), name
