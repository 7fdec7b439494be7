"""Snippet assembly from character spans: choice of passages, marking, escaping."""

from __future__ import annotations

import random

from conftest import write_large_feed

from indexer.searching.matching import matching_docs
from indexer.searching.search import Archive, SearchRequest, matched_terms, prepare
from indexer.searching.snippets import fragments, mark
from indexer.writing.build import build
from indexer.writing.store import IndexStore

TEXT = ("Der Bundestag debattiert. " * 20 + "Nordkoreanische Soldaten stehen in Kursk. "
        + "Fülltext ohne Bezug. " * 30 + "Die Soldaten sollen abziehen, fordert Seoul. "
        + "Schluss <b>fett</b> & Ende.")


def spans_of(text: str, *words: str) -> list[tuple[int, int]]:
    found = []
    for word in words:
        start = text.find(word)
        while start != -1:
            found.append((start, start + len(word)))
            start = text.find(word, start + 1)
    return sorted(found)


def test_mark_wraps_spans_and_escapes_everything_else():
    text = "a <b> Soldaten & co"
    assert mark(text, [(6, 14)]) == "a &lt;b&gt; <mark>Soldaten</mark> &amp; co"


def test_mark_ignores_overlapping_or_out_of_range_spans():
    assert mark("abcdef", [(0, 3), (2, 4), (5, 9)]) == "<mark>abc</mark>def"


def test_fragments_prefer_passages_where_several_words_meet():
    spans = spans_of(TEXT, "Soldaten", "Kursk", "Seoul")
    [best] = fragments(TEXT, spans, max_fragments=1)
    assert "<mark>Soldaten</mark> stehen in <mark>Kursk</mark>" in best


def test_fragments_are_in_text_order_and_do_not_overlap():
    spans = spans_of(TEXT, "Soldaten", "Kursk", "Seoul")
    result = fragments(TEXT, spans, max_fragments=3, width=80)
    assert len(result) == 2
    assert "Kursk" in result[0] and "Seoul" in result[1]
    assert result[0].startswith("… Nordkoreanische") and result[1].endswith("&amp; Ende.")


def test_fragments_start_and_end_at_sentence_boundaries_within_reach():
    text = ("Viel Text ohne Bezug steht hier am Anfang. " * 3 + "Dr. Kim und Prof. Lee sagten, "
            "die Soldaten seien abgezogen. Danach wurde es ruhig. " + "Anderer Text folgt. " * 8)
    [fragment] = fragments(text, spans_of(text, "Soldaten"), width=120)
    assert fragment.startswith("… Dr. Kim und Prof. Lee sagten, die <mark>Soldaten</mark>")
    assert fragment.endswith(". …") and "Anderer Tex …" not in fragment


def test_a_fragment_far_into_a_long_sentence_starts_at_a_word():
    text = "Am Anfang " + "steht ein sehr langer Satz ohne Punkt " * 10 + "mit Soldaten darin."
    [fragment] = fragments(text, spans_of(text, "Soldaten"), width=80)
    assert fragment.startswith("… ") and not fragment.startswith("… Am Anfang")
    assert fragment.endswith("<mark>Soldaten</mark> darin.")


def test_fragments_without_matches_fall_back_to_the_escaped_lead():
    [lead] = fragments("<i>Kurz</i> & knapp.", [])
    assert lead == "&lt;i&gt;Kurz&lt;/i&gt; &amp; knapp."
    [long_lead] = fragments("Wort " * 200, [])
    assert long_lead.endswith(" …") and len(long_lead) < 260


def test_fragments_stay_inside_the_paragraph_of_their_match():
    text = "Erster Absatz endet hier.\n\nDie Soldaten ziehen ab.\n\nLetzter Absatz folgt."
    [fragment] = fragments(text, spans_of(text, "Soldaten"), width=200)
    assert fragment == "… Die <mark>Soldaten</mark> ziehen ab. …"


def test_matchers_taken_on_from_hit_to_hit_find_the_same_spans(tmp_path):
    """A page's hits share whoosh's matchers; in any order they mark what each alone does."""
    store = IndexStore(tmp_path / "ix")
    build(store, [str(write_large_feed(tmp_path / "feed.jsonl", 600))], processes=1)
    snapshot = Archive(store.path, refresh_seconds=0).snapshot()
    searcher = snapshot.searcher
    prepared = prepare(snapshot, SearchRequest(q="Regierung Haushalt"))
    docnums = matching_docs(prepared.restricted, searcher).tolist()
    assert len(docnums) > 300  # several posting blocks per term

    def spans(highlights, docnum):
        body = searcher.stored_fields(docnum).get("body", "")
        return highlights.spans(searcher, "body", docnum, body)

    alone = {d: spans(matched_terms(prepared.user_query, searcher), d) for d in docnums}
    assert all(alone.values())
    for order in (docnums, docnums[::-1], random.Random(3).sample(docnums, len(docnums))):
        shared = matched_terms(prepared.user_query, searcher)
        assert {d: spans(shared, d) for d in order} == alone
        assert shared.matchers  # they were kept
