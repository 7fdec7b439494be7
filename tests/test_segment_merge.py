"""Merging segments with the segment writer's encoders, against whoosh's own merge.

The same segments (written by the archive's writer, some documents deleted,
some replaced by a later version) are merged by whoosh's
``SegmentWriter.add_reader`` and by :func:`merge_segments`; whoosh's reader
must then see the same terms, term statistics, postings (documents, weights,
positions and characters), stored fields, field lengths and columns, and the
posting arrays written beside the new segment must hold whoosh's postings.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from test_segment_writer import (
    QUERIES,
    _postings,
    _terminfo,
    own_index_of,
    record,
    sample_records,
)
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.qparser import MultifieldParser
from whoosh.reading import SegmentReader

from indexer.writing.build import CODEC
from indexer.writing.posting_arrays import SegmentArrays, file_name
from indexer.writing.segments import merge
from indexer.writing.segments.merge import merge_segments
from indexer.writing.segments.sink import codec_options, commit_segments

SEGMENT_DOCS = 9
MERGED = slice(1, 7)  # the segments merged: all but the first


def whoosh_merge(directory: Path) -> None:
    """whoosh's own merge of the segments ``MERGED``, placed where they were."""
    ix = whoosh_index.open_dir(str(directory))
    writer = ix.writer(codec=CODEC)
    segments = list(writer.segments)
    chosen = segments[MERGED]
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    new = writer._finalize_segment()
    writer._commit_toc(segments[:MERGED.start] + [new] + segments[MERGED.stop:])
    writer._finish()
    ix.close()


def own_merge(directory: Path) -> None:
    ix = whoosh_index.open_dir(str(directory))
    writer = ix.writer(codec=CODEC)
    segments = list(writer.segments)
    new = merge_segments(ix.storage, ix.indexname, ix.schema, segments[MERGED],
                         codec_options(CODEC))
    writer.segments = segments[:MERGED.start] + [new] + segments[MERGED.stop:]
    commit_segments(writer, [])
    ix.close()


def deleted_and_replaced(directory: Path) -> list[dict]:
    """An index in segments of ``SEGMENT_DOCS``, with deleted documents; returns its records.

    Documents 3, 10, 11 and 30 are deleted; 10 and 30 come back in the last
    segment, changed (as an update replaces an article).
    """
    records = sample_records()[:55]
    replaced = [record(records[n]["id"], f"Berichtigt {n}", f"Neue Fassung {n} aus Bremen")
                for n in (10, 30)]
    own_index_of(records + replaced, directory, SEGMENT_DOCS)
    ix = whoosh_index.open_dir(str(directory))
    with ix.writer() as writer:
        for docnum in (3, 10, 11, 30):
            writer.delete_document(docnum)
        writer.mergetype = lambda writer, segments: segments
    ix.close()
    return records + replaced


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The index before, after whoosh's merge and after the archive's merge."""
    root = tmp_path_factory.mktemp("merge")
    deleted_and_replaced(root / "before")
    shutil.copytree(root / "before", root / "whoosh")
    shutil.copytree(root / "before", root / "own")
    whoosh_merge(root / "whoosh")
    own_merge(root / "own")
    return root / "before", root / "whoosh", root / "own"


def leaves(directory: Path):
    ix = whoosh_index.open_dir(str(directory))
    reader = ix.reader()
    return ix, reader, [leaf for leaf, _ in reader.leaf_readers()]


def test_the_merged_segment_is_whoosh_merge(merged):
    before, expected, actual = merged
    _, _, sources = leaves(before)
    _, _, e_leaves = leaves(expected)
    _, _, a_leaves = leaves(actual)
    assert [leaf.doc_count_all() for leaf in sources] == [9, 9, 9, 9, 9, 9, 3]
    assert [leaf.doc_count_all() for leaf in e_leaves] == [9, 45]
    assert [leaf.doc_count_all() for leaf in a_leaves] == [9, 45]
    e, a = e_leaves[1], a_leaves[1]
    assert not a.has_deletions()
    terms = list(e.all_terms())
    assert terms == list(a.all_terms())
    postings = 0
    for fieldname, text in terms:
        assert _terminfo(e.term_info(fieldname, text)) == _terminfo(
            a.term_info(fieldname, text)), (fieldname, text)
        found = _postings(a, fieldname, text)
        assert found == _postings(e, fieldname, text), (fieldname, text)
        postings += len(found)
    assert postings > 5000
    for docnum in range(e.doc_count_all()):
        assert e.stored_fields(docnum) == a.stored_fields(docnum), docnum
    for name in e.schema.names():
        for docnum in range(e.doc_count_all()):
            assert e.doc_field_length(docnum, name) == a.doc_field_length(docnum, name), name
        assert e.has_column(name) == a.has_column(name), name
        if e.has_column(name):
            assert list(e.column_reader(name)) == list(a.column_reader(name)), name
    # Stored fields carry the replaced articles' ids only once: the old versions are gone.
    ids = [a.stored_fields(n)["id"] for n in range(a.doc_count_all())]
    assert len(ids) == len(set(ids))


def test_field_lengths_are_the_sources_less_the_deleted_documents(merged):
    before, whoosh_merged, actual = merged
    _, _, sources = leaves(before)
    _, _, a_leaves = leaves(actual)
    _, _, e_leaves = leaves(whoosh_merged)
    checked = 0
    for name in ("body", "title", "persons"):
        expected = 0
        for source in sources[MERGED]:
            expected += source.field_length(name)
            for docnum in source.segment().deleted_docs():
                expected -= source.doc_field_length(docnum, name) or 0
        assert a_leaves[1].field_length(name) == expected > 0, name
        # whoosh adds up the rounded lengths instead: close, not the same
        assert abs(e_leaves[1].field_length(name) - expected) <= 0.1 * expected
        checked += 1
    assert checked == 3


def test_the_posting_arrays_of_the_merged_segment_are_whoosh_postings(merged):
    _, _, actual = merged
    _, _, a_leaves = leaves(actual)
    leaf = a_leaves[1]
    arrays = SegmentArrays.open(actual / file_name(leaf._segid), leaf._segid,
                                leaf.doc_count_all())
    checked = 0
    for (fieldname, btext), _ in leaf:
        found = arrays.get(fieldname, btext)
        if fieldname.endswith("_forms"):
            assert found is not None, (fieldname, btext)
        if found is None:
            continue
        expected = _postings(leaf, fieldname, btext)
        np.testing.assert_array_equal(found[0], [p[0] for p in expected])
        np.testing.assert_array_equal(found[1], [p[1] for p in expected])
        checked += 1
    assert checked > 100


def test_whoosh_answers_the_same_before_and_after(tmp_path: Path):
    """Without deletions nothing changes for a search: same documents, numbers and scores."""
    records = sample_records()
    own_index_of(records, tmp_path / "before", 7)
    shutil.copytree(tmp_path / "before", tmp_path / "own")
    own_merge(tmp_path / "own")
    before, after = (whoosh_index.open_dir(str(tmp_path / d)) for d in ("before", "own"))
    parser = MultifieldParser(["title", "body", "title_parts", "body_parts"], before.schema)
    hits = 0
    with before.searcher() as bs, after.searcher() as afs:
        assert len(afs.reader().leaf_readers()) == len(bs.reader().leaf_readers()) - 5
        for text in QUERIES:
            query = parser.parse(text)
            b, a = bs.search(query, limit=20, terms=True), afs.search(query, limit=20, terms=True)
            assert [(h.docnum, h.score) for h in b] == [(h.docnum, h.score) for h in a], text
            assert [h.highlights("body") for h in b] == [h.highlights("body") for h in a], text
            hits += len(b)
    assert hits


def test_small_slices_of_terms_merge_the_same(merged, tmp_path: Path, monkeypatch):
    """A field's terms encoded a few at a time give the same segment as all at once."""
    before, _, actual = merged
    monkeypatch.setattr(merge, "CHUNK_POSTINGS", 5)
    shutil.copytree(before, tmp_path / "sliced")
    own_merge(tmp_path / "sliced")
    _, _, one = leaves(actual)
    _, _, sliced = leaves(tmp_path / "sliced")
    terms = list(one[1].all_terms())
    assert terms == list(sliced[1].all_terms())
    for fieldname, text in terms:
        assert _postings(one[1], fieldname, text) == _postings(sliced[1], fieldname, text)
        assert _terminfo(one[1].term_info(fieldname, text)) == _terminfo(
            sliced[1].term_info(fieldname, text))



def test_a_schema_with_term_vectors_is_not_merged(tmp_path: Path):
    schema = fields.Schema(body=fields.TEXT(vector=True))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with ix.writer() as writer:
        writer.add_document(body="ein Satz")
    with pytest.raises(NotImplementedError, match="vectors"):
        merge_segments(ix.storage, ix.indexname, ix.schema, ix._segments())
