"""Word forms saved beside the generations: a rebuild analyses only forms it has not met."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import write_sample_corpus
from test_segment_writer import assert_same_index, sample_records
from whoosh import fields

from indexer.writing.build import build
from indexer.writing.schema import build_schema
from indexer.writing.segments import form_cache
from indexer.writing.segments.forms import FormAnalyser, FormTable
from indexer.writing.store import IndexStore


def test_a_rebuild_analyses_no_form_again_and_writes_the_same_index(tmp_path: Path,
                                                                    monkeypatch):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    build(store, [str(corpus)], processes=1)
    first = store.current().path
    saved = form_cache.table_files(store.path, 1)[0]
    assert saved.exists()
    analysed: list[str] = []
    add = FormTable.add

    def counted(table, forms):
        analysed.extend(forms)
        return add(table, forms)

    monkeypatch.setattr(FormTable, "add", counted)
    build(store, [str(corpus)], processes=1)
    assert analysed == []
    assert assert_same_index(first, store.current().path) > 500


def test_parallel_writers_keep_a_table_each(tmp_path: Path):
    corpus = write_sample_corpus(tmp_path / "corpus")
    store = IndexStore(tmp_path / "index")
    stale = store.path / form_cache.DIRECTORY / "0123456789abcdef01234567-0.pickle"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"not a table")
    build(store, [str(corpus)], processes=2)
    files = form_cache.table_files(store.path, 2)
    assert sorted(stale.parent.iterdir()) == [f for f in files if f.exists()]
    assert any(form_cache.load(f, FormAnalyser(build_schema())) for f in files)
    build(store, [str(corpus)], processes=1)
    assert sorted(stale.parent.iterdir()) == form_cache.table_files(store.path, 1)


def test_a_table_is_taken_only_from_the_same_analyzers(tmp_path: Path):
    records = sample_records()
    analyser = FormAnalyser(build_schema())
    expected = analyser.analyse(records)
    path = tmp_path / "forms.pickle"
    form_cache.save(path, analyser)

    again = FormAnalyser(build_schema())
    assert form_cache.load(path, again)
    assert len(again.tables[0].ids) == len(analyser.tables[0].ids)
    actual = again.analyse(records)
    for name, occ in expected.items():
        assert occ.term_bytes(occ.keys) == actual[name].term_bytes(actual[name].keys), name
        assert occ.starts.tolist() == actual[name].starts.tolist(), name

    other = build_schema()
    other.remove("body_forms")
    other.add("body_forms", fields.TEXT(analyzer=build_schema()["body"].analyzer))
    assert not form_cache.load(path, FormAnalyser(other))
    path.write_bytes(path.read_bytes()[:100])
    assert not form_cache.load(path, FormAnalyser(build_schema()))


def test_changed_analysis_files_make_a_new_version(tmp_path: Path):
    same, changed = tmp_path / "same", tmp_path / "changed"
    for copy in (same, changed):
        shutil.copytree(form_cache.ANALYSIS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    variants = changed / "data" / "spelling_variants_de.txt"
    variants.write_text(variants.read_text("utf-8") + "\nfoto | photo\n", "utf-8")
    assert form_cache.analysis_version(same) == form_cache.analysis_version()
    assert form_cache.analysis_version(changed) != form_cache.analysis_version()
