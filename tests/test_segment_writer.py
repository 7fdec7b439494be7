"""The archive's segment writer against whoosh's own, compared through whoosh's reader.

The same records go through whoosh's ``SegmentWriter.add_document`` and
through :class:`~indexer.writing.segments.sink.SegmentSink`; whoosh's reader
must then see the same terms, term statistics, postings (documents, weights,
positions and characters), field lengths, stored fields and columns, and
whoosh's searcher and the archive's search must answer the same.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from conftest import write_sample_corpus
from whoosh import analysis, fields
from whoosh import index as whoosh_index
from whoosh.index import TOC
from whoosh.qparser import MultifieldParser
from whoosh.writing import SegmentWriter

from indexer.reading.documents import Document
from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing.build import CODEC, BuildReport, build, read_documents, update
from indexer.writing.schema import analyse, build_schema, to_fields
from indexer.writing.segments.forms import FormAnalyser, plan_for
from indexer.writing.segments.sink import SegmentSink, writes
from indexer.writing.store import IndexStore

REPO = Path(__file__).resolve().parent.parent
QUERIES = ["Regierung", "Soldaten", '"in der"', "Wahl", "Bundes*", "title:Haushalt",
           "NATO-Staaten", "Soldaten -Russland", "Straße", "geht's", "3.000", "year:2024",
           "section:inland", "persons:scholz", "Hochwasser OR Unwetter"]


def sample_records() -> list[dict]:
    docs = read_documents([REPO / "corpus"], BuildReport("test"))
    return [to_fields(analyse(doc)) for doc in docs]


def record(doc_id: str, title: str, body: str, **extra) -> dict:
    doc = Document(id=doc_id, title=title, body=body, date=datetime(2024, 5, 1, 12),
                   source="test", section="inland", url="", origin=f"t:{doc_id}")
    return {**to_fields(analyse(doc)), **extra}


TRICKY = [
    record("u", "Über Straße und Fluß", "Müller, Mueller und Muller trafen Strauß in Köln."),
    record("h", "NATO-Staaten", "Die NATO-Staaten, Nord-Süd-Gefälle und E-Mail-Adressen; "
           "Bundestagswahl-Ergebnis - ein Binde- und Ergänzungsstrich -- doppelt."),
    record("a", "geht’s", "Wie geht's? Geht’s gut? Sag's mir, d'accord, Rock'n'Roll."),
    record("n", "8.000 Euro", "Rund 3.000 Soldaten, 3,5 Prozent, 1990er Jahre, 2024, 0,1,2."),
    record("e", "Leer", ""),
    record("s", "_Unter_strich_", "_ __ ___ a_b _x_ Foto Photo Schiffahrt Schifffahrt"),
    record("l", "Lang", " ".join(["Bundesregierung und der Krieg in der Ukraine"] * 800)),
    record("x", "Ünïcödé ẞ İstanbul ﬁnanz", "Zelensky Selenskyj Zelenskys İİİ ß ẞ"),
    record("d", "der die das", " ".join(["der"] * 1300)),
]


def whoosh_index_of(records: list[dict], directory: Path, segment_docs: int) -> None:
    """The reference: whoosh's SegmentWriter, one segment per ``segment_docs`` records."""
    directory.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(directory), build_schema())
    segments = []
    for start in range(0, len(records), segment_docs):
        writer = SegmentWriter(ix, _lk=False, limitmb=256, codec=CODEC)
        for rec in records[start:start + segment_docs]:
            writer.add_document(**rec)
        segments.append(writer._finalize_segment())
    TOC(ix.schema, segments, 1).write(ix.storage, ix.indexname)


def own_index_of(records: list[dict], directory: Path, segment_docs: int,
                 schema: fields.Schema | None = None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(directory), schema or build_schema())
    sink = SegmentSink(ix, CODEC, segment_docs)
    for rec in records:
        sink.add(rec)
    TOC(ix.schema, sink.finish(), 1).write(ix.storage, ix.indexname)


def _postings(reader, fieldname: str, text: bytes) -> list:
    matcher = reader.postings(fieldname, text)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


def _terminfo(info) -> tuple:
    return (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
            info.max_weight(), info.min_id(), info.max_id())


def assert_same_index(expected_dir: Path, actual_dir: Path) -> int:
    """Assert whoosh's reader sees the same index in both; return the postings compared."""
    compared = 0
    expected, actual = whoosh_index.open_dir(str(expected_dir)), whoosh_index.open_dir(
        str(actual_dir))
    with expected.reader() as ex, actual.reader() as ac:
        e_leaves, a_leaves = [r for r, _ in ex.leaf_readers()], [r for r, _ in ac.leaf_readers()]
        assert len(e_leaves) == len(a_leaves)
        for e, a in zip(e_leaves, a_leaves):
            compared += _assert_same_segment(e, a)
    return compared


def _assert_same_segment(e, a) -> int:
    compared = 0
    assert e.doc_count_all() == a.doc_count_all()
    terms = list(e.all_terms())
    assert terms == list(a.all_terms())
    for fieldname, text in terms:
        assert _terminfo(e.term_info(fieldname, text)) == _terminfo(
            a.term_info(fieldname, text)), (fieldname, text)
        postings = _postings(e, fieldname, text)
        assert postings == _postings(a, fieldname, text), (fieldname, text)
        compared += len(postings)
    for docnum in range(e.doc_count_all()):
        assert e.stored_fields(docnum) == a.stored_fields(docnum), docnum
    for name in e.schema.names():
        assert e.field_length(name) == a.field_length(name), name
        for docnum in range(e.doc_count_all()):
            assert e.doc_field_length(docnum, name) == a.doc_field_length(docnum, name), name
        assert e.has_column(name) == a.has_column(name), name
        if e.has_column(name):
            assert list(e.column_reader(name)) == list(a.column_reader(name)), name
    return compared


def assert_same_answers(expected_dir: Path, actual_dir: Path) -> None:
    """whoosh's own searcher: same hits, scores and highlights."""
    expected, actual = whoosh_index.open_dir(str(expected_dir)), whoosh_index.open_dir(
        str(actual_dir))
    parser = MultifieldParser(["title", "body", "title_parts", "body_parts"], expected.schema)
    hits = 0
    with expected.searcher() as es, actual.searcher() as acs:
        for text in QUERIES:
            query = parser.parse(text)
            e, a = es.search(query, limit=20, terms=True), acs.search(query, limit=20, terms=True)
            assert [(h.docnum, round(h.score, 6)) for h in e] == \
                [(h.docnum, round(h.score, 6)) for h in a], text
            assert [h.highlights("body") for h in e] == [h.highlights("body") for h in a], text
            hits += len(e)
    assert hits


@pytest.mark.parametrize("segment_docs", [1000, 7])
def test_sample_corpus_as_whoosh_writes_it(tmp_path: Path, segment_docs: int):
    records = sample_records()
    whoosh_index_of(records, tmp_path / "whoosh", segment_docs)
    own_index_of(records, tmp_path / "own", segment_docs)
    assert assert_same_index(tmp_path / "whoosh", tmp_path / "own") > 1000
    assert_same_answers(tmp_path / "whoosh", tmp_path / "own")


def test_tricky_texts_as_whoosh_writes_them(tmp_path: Path):
    whoosh_index_of(TRICKY, tmp_path / "whoosh", 4)
    own_index_of(TRICKY, tmp_path / "own", 4)
    assert assert_same_index(tmp_path / "whoosh", tmp_path / "own") > 100


def test_every_text_field_of_the_schema_is_read_from_word_forms():
    schema = build_schema()
    planned = {name for name in schema.names() if plan_for(schema[name])}
    assert planned == {f"{source}{suffix}" for source in ("title", "body")
                       for suffix in ("", "_parts", "_pairs", "_forms")}


def test_a_field_the_form_table_does_not_know_is_indexed_as_whoosh_does(tmp_path: Path):
    """An unknown analyzer is not cached and not dropped: whoosh's field.index() writes it."""
    schema = build_schema()
    schema.add("title_derived", fields.TEXT(phrase=True, chars=True))  # whoosh's StandardAnalyzer
    schema.add("tags", fields.KEYWORD(stored=True, scorable=True))
    assert plan_for(schema["title_derived"]) is None
    records = [{**rec, "title_derived": rec["title"] + " abgeleitet", "tags": "a b a"}
               for rec in TRICKY if "title" in rec]
    for directory, write in (("whoosh", None), ("own", own_index_of)):
        path = tmp_path / directory
        path.mkdir()
        ix = whoosh_index.create_in(str(path), schema)
        if write is None:
            writer = SegmentWriter(ix, _lk=False, limitmb=64, codec=CODEC)
            for rec in records:
                writer.add_document(**rec)
            TOC(ix.schema, [writer._finalize_segment()], 1).write(ix.storage, ix.indexname)
        else:
            write(records, path, 100, schema)
    assert assert_same_index(tmp_path / "whoosh", tmp_path / "own")
    with whoosh_index.open_dir(str(tmp_path / "own")).reader() as reader:
        assert b"abgeleitet" in list(reader.lexicon("title_derived"))


def test_a_schema_with_vectors_or_spelling_is_written_by_whoosh(tmp_path: Path):
    """The segment writer writes neither; the sink hands such a schema to whoosh's writer."""
    with_vectors = build_schema()
    with_vectors.add("summary", fields.TEXT(vector=True, stored=True))
    schema = build_schema()
    schema.add("keywords", fields.TEXT(analyzer=analysis.StemmingAnalyzer(), spelling=True))
    assert writes(build_schema()) and not writes(with_vectors) and not writes(schema)
    records = [{**rec, "keywords": rec["title"] + " Wahlergebnis"}
               for rec in TRICKY if "title" in rec]
    path = tmp_path / "own"
    own_index_of(records, path, 3, schema)
    with whoosh_index.open_dir(str(path)).reader() as reader:
        assert reader.doc_count() == len(records)
        assert b"ukrain" in list(reader.lexicon("body"))
        assert b"wahlergebni" in list(reader.lexicon("keywords"))


def test_form_table_starts_afresh_without_changing_the_streams(monkeypatch):
    """Past MAX_FORMS the table is emptied before a batch; the batch's streams stay the same."""
    records = sample_records()
    fresh = FormAnalyser(build_schema())
    expected = fresh.analyse(records[10:20])
    analyser = FormAnalyser(build_schema())
    analyser.analyse(records[:10])
    monkeypatch.setattr("indexer.writing.segments.forms.MAX_FORMS", 10)
    actual = analyser.analyse(records[10:20])
    assert analyser.tables[0].ids.keys() == fresh.tables[0].ids.keys()
    for name, occ in expected.items():
        assert occ.term_bytes(occ.keys) == actual[name].term_bytes(actual[name].keys), name
        assert occ.docs.tolist() == actual[name].docs.tolist()
        assert occ.starts.tolist() == actual[name].starts.tolist()


class WhooshSink:
    """The reference for the build and update paths: whoosh's own SegmentWriter behind the
    same interface as :class:`~indexer.writing.segments.sink.SegmentSink`."""

    def __init__(self, ix, codec, segment_docs: int, forms_file=None, clock=None,
                 turn=None) -> None:
        self.ix, self.codec, self.segment_docs = ix, codec, segment_docs
        self.writer, self.count, self.segments = None, 0, []

    def add(self, rec: dict) -> None:
        if self.writer is None:
            self.writer = SegmentWriter(self.ix, _lk=False, limitmb=64, codec=self.codec)
        self.writer.add_document(**rec)
        self.count += 1
        if self.count >= self.segment_docs:
            self.close_segment()

    def close_segment(self) -> None:
        if self.writer is not None:
            self.segments.append(self.writer._finalize_segment())
            self.writer, self.count = None, 0

    def finish(self) -> list:
        self.close_segment()
        return self.segments


def _build_and_update(store_path: Path, corpus: Path, sink_class, monkeypatch) -> Path:
    """Build from a copy of ``corpus``, then change, add and delete articles and update.

    The copy is always at the same place, as the index stores where articles came from.
    """
    from indexer.writing import build as building
    from indexer.writing import parallel

    monkeypatch.setattr(building, "SegmentSink", sink_class)
    monkeypatch.setattr(parallel, "SegmentSink", sink_class)
    monkeypatch.setattr(building.time, "time", lambda: 1_700_000_000.0)  # same arrival stamps
    work = corpus.parent / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(corpus, work)
    store = IndexStore(store_path)
    build(store, [str(work)], processes=2, segment_docs=9)
    klima = work / "2019" / "klima.txt"
    klima.write_text(klima.read_text("utf-8").replace("Klimapaket", "Klimaschutzgesetz"),
                     "utf-8")
    (work / "2021" / "hochwasser.txt").unlink()
    (work / "2025" / "neu.txt").parent.mkdir(exist_ok=True)
    (work / "2025" / "neu.txt").write_text(
        " date 2025-01 Neu Die Straßenbahn fährt wieder Stand: 02.01.2025 10:00 Uhr\n\n"
        "Nach dem Hochwasser fährt die Straßenbahn in Köln wieder.\n", "utf-8")
    report = update(store, [str(work)], delete_missing=True)
    assert (report.added, report.replaced, report.deleted) == (1, 1, 1)
    return store_path


def test_build_and_update_write_what_whoosh_writes(tmp_path: Path, monkeypatch):
    corpus = write_sample_corpus(tmp_path / "sample")
    with monkeypatch.context() as patch:
        whoosh_store = _build_and_update(tmp_path / "whoosh", corpus, WhooshSink, patch)
    own_store = _build_and_update(tmp_path / "own", corpus, SegmentSink, monkeypatch)
    expected = IndexStore(whoosh_store).current().path
    actual = IndexStore(own_store).current().path
    assert assert_same_index(expected, actual) > 500
    assert_same_answers(expected, actual)
    for name in ("vocabulary.tsv", "entity_forms.tsv"):
        if (expected / name).exists():
            assert (expected / name).read_bytes() == (actual / name).read_bytes(), name
    whoosh_side, own_side = Archive(whoosh_store).snapshot(), Archive(own_store).snapshot()
    for text in QUERIES + ["Straßenbahn", "Klimaschutzgesetz", "Hochwasser"]:
        answers = [search(side, SearchRequest(q=text)).to_dict()
                   for side in (whoosh_side, own_side)]
        for answer in answers:
            answer.pop("took_ms", None)
            answer.pop("generation", None)
        assert answers[0] == answers[1], text


class CountedTurn:
    """A lock stand-in that counts its turns and fails if one starts inside another."""

    def __init__(self) -> None:
        self.taken, self.held = 0, False

    def __enter__(self) -> None:
        assert not self.held
        self.held, self.taken = True, self.taken + 1

    def __exit__(self, *exc) -> None:
        self.held = False


def test_a_sink_writes_each_segment_in_its_turn(tmp_path: Path):
    records = sample_records()[:7]
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    turn = CountedTurn()
    sink = SegmentSink(ix, CODEC, 3, turn=turn)
    for rec in records:
        sink.add(rec)
    segments = sink.finish()
    assert [s.doc_count() for s in segments] == [3, 3, 1]
    assert turn.taken == 3 and not turn.held
    TOC(ix.schema, segments, 1).write(ix.storage, ix.indexname)
    with whoosh_index.open_dir(str(tmp_path)).searcher() as searcher:
        assert [stored["id"] for stored in searcher.all_stored_fields()] == \
            [rec["id"] for rec in records]

