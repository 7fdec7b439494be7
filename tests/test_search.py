"""Search semantics on a real on-disk index: query language, filters, facets, snippets."""

from __future__ import annotations

from datetime import date

import pytest

from indexer.searching.query import MAX_QUERY_CHARS, QueryError
from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing.build import build
from indexer.writing.store import IndexStore


def ids(snapshot, q="", **kwargs):
    return {hit.id for hit in search(snapshot, SearchRequest(q=q, size=100, **kwargs)).hits}


def run(snapshot, q="", **kwargs):
    return search(snapshot, SearchRequest(q=q, size=100, **kwargs))


# -- German analysis at work ---------------------------------------------------


def test_stemmed_match_finds_inflected_forms(snapshot):
    assert ids(snapshot, "Soldat") == {"soldaten", "hochwasser", "feed-3"}


@pytest.mark.parametrize("query,expected", [
    ("Haus", {"hochwasser"}),
    ("Strasse", {"hochwasser", "muenchen"}),
    ("Muenchen", {"muenchen", "feed-2"}),
    ("Munchen", {"muenchen", "feed-2"}),
    ("münchen", {"muenchen", "feed-2"}),
])
def test_umlaut_and_sharp_s_variants(snapshot, query, expected):
    assert ids(snapshot, query) == expected


def test_snippet_marks_the_surface_form_that_matched(snapshot):
    result = run(snapshot, "Soldat")
    by_id = {hit.id: hit for hit in result.hits}
    assert "<mark>Soldaten</mark>" in " ".join(by_id["soldaten"].snippets)
    hochwasser = run(snapshot, "Haus").hits[0]
    assert "<mark>Häusern</mark>" in " ".join(hochwasser.snippets)
    assert "<mark>Häuser</mark>" in hochwasser.title_html


def test_snippets_are_escaped(snapshot):
    [hit] = run(snapshot, "Cyberabwehr").hits
    html = " ".join(hit.snippets) + hit.title_html
    assert "<img" not in html and "<script>" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;" in hit.title_html
    assert "<mark>Cyberabwehr</mark>" in html


# -- query language ------------------------------------------------------------


def test_default_operator_is_and(snapshot):
    assert ids(snapshot, "Soldaten Kursk") == {"soldaten"}


@pytest.mark.parametrize("query", ["Merkel OR Lindner", "Merkel ODER Lindner"])
def test_or(snapshot, query):
    assert ids(snapshot, query) == {"klima", "haushalt"}


@pytest.mark.parametrize("query", ["Soldaten NOT Kursk", "Soldaten NICHT Kursk", "Soldaten -Kursk"])
def test_not(snapshot, query):
    assert ids(snapshot, query) == {"hochwasser", "feed-3"}


@pytest.mark.parametrize("query", ["Scholz AND Merz", "Scholz UND Merz"])
def test_and(snapshot, query):
    assert ids(snapshot, query) == {"haushalt"}


def test_phrase_is_exact(snapshot):
    assert ids(snapshot, '"Bundeskanzler Olaf Scholz"') == {"haushalt"}
    assert ids(snapshot, '"Scholz Olaf"') == set()


def test_prefix_wildcard(snapshot):
    assert ids(snapshot, "Klima*") == {"klima"}


def test_title_field(snapshot):
    assert ids(snapshot, "title:Hochwasser") == {"hochwasser"}
    assert ids(snapshot, "titel:Soldaten") == {"soldaten"}


def test_entity_fields(snapshot):
    assert ids(snapshot, 'person:"Olaf Scholz"') == {"haushalt"}
    assert "soldaten" in ids(snapshot, "place:Kursk")


def test_date_range_in_query(snapshot):
    assert ids(snapshot, "date:[2021 to 2022]") == {"hochwasser", "feed-3"}


def test_title_matches_rank_first(snapshot):
    result = run(snapshot, "Hochwasser")
    assert result.hits[0].id == "hochwasser"


# -- filters, sorting, paging ---------------------------------------------------------


def test_entity_filter_with_query(snapshot):
    result = run(snapshot, "Soldat", filters={"person": ("Wladimir Putin",)})
    assert [hit.id for hit in result.hits] == ["soldaten"]
    assert "Wladimir Putin" in result.hits[0].entities["persons"]
    assert "Kursk" in result.hits[0].entities["places"]


def test_filters_combine_and_values_within_a_filter_are_alternatives(snapshot):
    assert ids(snapshot, filters={"year": ("2019", "2021")}) == {"muenchen", "klima", "hochwasser"}
    assert ids(snapshot, filters={"year": ("2019",), "section": ("wirtschaft",)}) == set()
    assert ids(snapshot, filters={"section": ("Sport",)}) == {"feed-2"}


def test_date_range_filter_is_inclusive_in_berlin_time(snapshot):
    found = ids(snapshot, date_from=date(2024, 11, 6), date_to=date(2024, 11, 6))
    assert found == {"haushalt"}
    assert ids(snapshot, date_from=date(2024, 1, 1)) == {"haushalt", "soldaten"}


@pytest.mark.parametrize("q", ["Soldat", '"Scholz Olaf"', ""])
def test_nothing_in_range_means_no_hits(snapshot, q):
    result = run(snapshot, q, date_from=date(1990, 1, 1), date_to=date(1990, 12, 31))
    assert result.total == 0 and result.hits == []


def test_sort_by_date_both_ways(snapshot):
    newest = [h.id for h in run(snapshot, "", sort="-date").hits]
    oldest = [h.id for h in run(snapshot, "", sort="date").hits]
    assert newest[:2] == ["haushalt", "soldaten"]
    assert oldest[:2] == ["klima", "muenchen"]
    assert all(h.score is None for h in run(snapshot, "Soldat", sort="date").hits)


def test_paging(snapshot):
    first = search(snapshot, SearchRequest(q="", sort="-date", size=3, page=1))
    second = search(snapshot, SearchRequest(q="", sort="-date", size=3, page=2))
    assert first.total == second.total == 8
    assert first.pages == 3
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


# -- facets --------------------------------------------------------------------------


def test_facets_count_the_whole_result_set_not_the_page(snapshot):
    result = search(snapshot, SearchRequest(q="Soldat", size=1))
    years = {v.value: v.count for v in result.facets["year"]}
    assert years == {"2024": 1, "2022": 1, "2021": 1}
    assert len(result.hits) == 1


def test_selected_facet_values_are_flagged_and_kept(snapshot):
    result = run(snapshot, "", filters={"person": ("wladimir putin",)})
    selected = [v for v in result.facets["persons"] if v.selected]
    assert [(v.value, v.count) for v in selected] == [("Wladimir Putin", 1)]


def test_entity_facets_use_canonical_names(snapshot):
    persons = {v.value for v in run(snapshot, "").facets["persons"]}
    assert {"Olaf Scholz", "Wladimir Putin"} <= persons
    assert "Putins" not in persons


# -- suggestions and errors -------------------------------------------------------------------


def test_a_word_found_nowhere_is_also_searched_as_its_nearest_spelling(snapshot):
    result = run(snapshot, "Hochwaser")
    assert [h.id for h in result.hits] == ["hochwasser"]
    assert [c.to_dict() for c in result.corrections] == [
        {"word": "Hochwaser", "searched_as": "Hochwasser"}]
    assert "<mark>Hochwasser</mark>" in result.hits[0].title_html


def test_corrections_can_be_turned_off_and_then_a_respelling_is_suggested(snapshot):
    result = search(snapshot, SearchRequest(q="Hochwaser", correct=False))
    assert result.total == 0 and result.corrections == []
    assert result.suggestion == "Hochwasser"


def test_words_that_occur_quoted_or_in_fields_are_not_corrected(snapshot):
    assert run(snapshot, "Hochwasser").corrections == []
    assert run(snapshot, '"Hochwaser"').corrections == []
    assert run(snapshot, "title:Hochwaser").corrections == []
    assert run(snapshot, "Hochwas*").corrections == []


def test_a_compound_also_finds_its_parts_written_apart(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "apart", "body": "Das Gesetz zum Klimaschutz wurde beschlossen."}\n'
        '{"id": "compound", "body": "Das Klimaschutzgesetz wurde beschlossen."}\n'
        '{"id": "one-part", "body": "Das Gesetz wurde beschlossen."}\n', "utf-8")
    build(IndexStore(tmp_path / "ix"), [str(feed)])
    snapshot = Archive(tmp_path / "ix").snapshot()
    hits = search(snapshot, SearchRequest(q="Klimaschutzgesetz")).hits
    assert [h.id for h in hits] == ["compound", "apart"]
    assert "<mark>Klimaschutz</mark>" in hits[1].snippets[0]


@pytest.mark.parametrize("query,fragment", [
    ("x" * (MAX_QUERY_CHARS + 1), "at most"),
    ("a*", "too short"),
    ("date:[gestern to morgen]", "needs a value like"),
    ('date:""', "needs a value like"),
    ("date:2024-13", "not a date in the calendar"),
    ("date:[2024 to 2023]", "ends before it starts"),
    ("year:abc", "needs a year like 2024"),
    ("year:2024-03", "needs a year like 2024"),
])
def test_bad_queries_raise_readable_errors(snapshot, query, fragment):
    with pytest.raises(QueryError, match=fragment):
        run(snapshot, query)


@pytest.mark.parametrize("kwargs,fragment", [
    ({"size": 0}, "size"),
    ({"size": 101}, "size"),
    ({"page": 0}, "page"),
    ({"page": 1000, "size": 100}, "position"),
    ({"sort": "random"}, "sort"),
    ({"filters": {"colour": ("red",)}}, "Unknown filter"),
    ({"filters": {"year": ("zwanzig",)}}, "year"),
    ({"date_from": date(2024, 2, 1), "date_to": date(2024, 1, 1)}, "after"),
])
def test_bad_parameters_raise_readable_errors(snapshot, kwargs, fragment):
    with pytest.raises(QueryError, match=fragment):
        search(snapshot, SearchRequest(**kwargs))


def test_stopwords_inside_phrases_count(tmp_path):
    from indexer.searching.search import Archive
    from indexer.writing.build import build
    from indexer.writing.store import IndexStore
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "exakt", "body": "Bis zum Tag des Sieges."}\n'
                    '{"id": "anders", "body": "Am Tag der Sieges-Feier."}\n'
                    '{"id": "ohne", "body": "Ein Tag Sieges lang."}\n'
                    '{"id": "getrennt", "body": "Am Tag des Herrn, des Sieges wegen."}\n',
                    "utf-8")
    build(IndexStore(tmp_path / "ix"), [str(feed)])
    snap = Archive(tmp_path / "ix").snapshot()
    assert ids(snap, '"Tag des Sieges"') == {"exakt"}
    assert ids(snap, '"Tag des"') == {"exakt", "getrennt"}
    assert ids(snap, "Tag Sieges") == {"exakt", "ohne", "anders", "getrennt"}


def test_hyphenated_compounds_by_their_parts_and_whole(snapshot):
    assert ids(snapshot, "NATO-Staaten") == {"soldaten"}
    assert "soldaten" in ids(snapshot, "Staaten")
    assert "soldaten" in ids(snapshot, "nato")  # acronyms are case-insensitive
    assert ids(snapshot, '"der NATO-Staaten"') == {"soldaten"}


def test_transliterations_of_a_name_are_one_word(snapshot):
    assert ids(snapshot, "Selenskyj") == {"soldaten"}
    assert ids(snapshot, "Zelensky") == {"soldaten"}
    [hit] = run(snapshot, "Zelenskyy").hits
    assert "<mark>Selenskyj</mark>" in " ".join(hit.snippets)


def test_a_question_mark_ends_a_question_and_is_no_wildcard(snapshot):
    assert {h.id for h in run(snapshot, "Wer ist Putin?").hits} == \
        {h.id for h in run(snapshot, "Putin").hits} != set()
