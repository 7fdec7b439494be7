"""Which word forms a query matched, and leaving some of them out (``not_form``).

Checked against the stored text of the sample archive: a form's count is
the number of results whose title or body contains it, and leaving forms
out keeps exactly the results that still contain another form of the word.
"""

from __future__ import annotations

import re

import pytest
from conftest import REPO

from indexer.analysis.folding import fold_word
from indexer.searching.ranking import by_relevance
from indexer.searching.search import (
    Archive,
    SearchRequest,
    matching_docnums,
    prepare,
    search,
)
from indexer.searching.weights import DEFAULT_RANKING
from indexer.writing.build import build
from indexer.writing.store import IndexStore

_WORD = re.compile(r"[^\W_][\w'’-]*")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("expansions") / "ix"
    build(IndexStore(path), [str(REPO / "corpus")])
    return Archive(path).snapshot()


def written_forms(stored: dict) -> set[str]:
    """The folded words of an article's title and body, hyphenated words also in parts."""
    forms = set()
    for word in _WORD.findall(f"{stored.get('title', '')} {stored.get('body', '')}"):
        folded = fold_word(word)
        forms.add(folded)
        forms.update(piece for piece in re.split(r"[-']", folded) if piece)
    return forms


def results(archive, **request) -> dict[int, set[str]]:
    """Every matching document with the forms written in it."""
    prepared = prepare(archive, SearchRequest(**request))
    searcher = archive.searcher
    return {int(d): written_forms(searcher.stored_fields(int(d)))
            for d in matching_docnums(archive, prepared)}


def forms_of(result, word: str) -> dict[str, tuple[int, bool]]:
    expansion = next(e for e in result.expansions if e.word == word)
    return {f.form: (f.count, f.excluded) for f in expansion.forms}


def test_a_word_lists_its_forms_and_the_compounds_it_is_part_of(archive):
    listed = forms_of(search(archive, SearchRequest(q="Wahl")), "Wahl")
    assert {"wahl", "bundestagswahl", "neuwahlen", "landtagswahlen"} <= set(listed)
    assert not any(excluded for _, excluded in listed.values())


def test_a_spelling_variant_is_listed_under_the_word(archive, tmp_path):
    from conftest import archive_of
    variants = archive_of(tmp_path, [
        {"id": "a", "title": "Ein Photo vom Hafen", "body": "Das Photo zeigt den Hafen."},
        {"id": "b", "title": "Fotos vom Hafen", "body": "Die Fotos zeigen den Hafen."},
        {"id": "c", "title": "Hafen", "body": "Der Hafen bei Nacht."}])
    result = search(variants, SearchRequest(q="Foto"))
    # Snowball keeps the "s" after a vowel: "Fotos" is not a form of "Foto", and is not found.
    assert result.total == 1
    assert forms_of(result, "Foto") == {"photo": (1, False)}


def test_forms_are_shown_as_the_archive_writes_them(archive):
    result = search(archive, SearchRequest(q="Wahl"))
    written = {f.form: f.written for f in result.expansions[0].forms}
    assert written["prasidentschaftswahl"] == "präsidentschaftswahl"
    assert written["bundestagswahl"] == "bundestagswahl"
    assert all(fold_word(w) == f for f, w in written.items())


def test_each_count_is_the_number_of_results_containing_the_form(archive):
    result = search(archive, SearchRequest(q="Wahl"))
    found = results(archive, q="Wahl")
    listed = forms_of(result, "Wahl")
    assert len(listed) >= 5
    for form, (count, _) in listed.items():
        assert count == sum(form in forms for forms in found.values()), form
    counts = [count for count, _ in listed.values()]
    assert counts == sorted(counts, reverse=True)


def test_leaving_out_a_form_keeps_the_articles_with_another_form(archive):
    every = search(archive, SearchRequest(q="Wahl")).expansions[0]
    all_forms = {f.form for f in every.forms}
    before = results(archive, q="Wahl")
    after = results(archive, q="Wahl", not_forms=("bundestagswahl",))
    expected = {d for d, forms in before.items() if forms & (all_forms - {"bundestagswahl"})}
    assert set(after) == expected
    assert len(after) < len(before)
    dropped = set(before) - set(after)
    assert all("bundestagswahl" in before[d] for d in dropped)


def test_a_left_out_form_is_listed_as_excluded_and_not_marked(archive):
    result = search(archive, SearchRequest(q="Wahl", not_forms=("bundestagswahl",), size=50))
    count, excluded = forms_of(result, "Wahl")["bundestagswahl"]
    assert excluded and count >= 0
    marked = " ".join([h.title_html or "" for h in result.hits]
                      + [s for h in result.hits for s in h.snippets])
    assert "<mark>Bundestagswahl" not in marked
    assert "<mark>Wahl" in marked


def test_a_prefix_lists_the_words_it_expanded_to_and_can_leave_one_out(archive):
    result = search(archive, SearchRequest(q="Regier*"))
    listed = forms_of(result, "regier*")
    assert {"regierung", "bundesregierung"} & set(listed) and "regierung" in listed
    before = results(archive, q="Regier*")
    after = results(archive, q="Regier*", not_forms=("regierung",))
    assert set(after) == {d for d, forms in before.items()
                          if any(f.startswith("regier") and f != "regierung" for f in forms)}


def test_leaving_out_every_form_finds_nothing_for_that_word(archive):
    forms = archive.word_forms.forms(archive.searcher, "inflation", every=True).every
    assert 1 < len(forms) <= 50
    assert search(archive, SearchRequest(q="Inflation", not_forms=forms)).total == 0
    either = search(archive, SearchRequest(q="Inflation OR Wahl", not_forms=forms))
    assert either.total == search(archive, SearchRequest(q="Wahl")).total


def test_left_out_forms_do_not_touch_exclusions(archive):
    plain = search(archive, SearchRequest(q="Regierung -Wahl")).total
    assert plain < search(archive, SearchRequest(q="Regierung")).total
    assert search(archive, SearchRequest(q="Regierung -Wahl",
                                         not_forms=("wahl", "bundestagswahl"))).total == plain


def test_ranking_with_a_left_out_form_is_whooshs(archive):
    """The NumPy ranking of a rewritten query scores as whoosh's searcher does."""
    request = SearchRequest(q="Wahl Regierung", not_forms=("bundestagswahl",), size=100)
    prepared = prepare(archive, request)
    docnums = matching_docnums(archive, prepared)
    found = by_relevance(archive.searcher, archive.ranking, prepared.ranking, docnums, 100,
                         DEFAULT_RANKING.weighting())
    assert found
    expected = archive.searcher.search(prepared.ranking, limit=100,
                                       filter=set(docnums.tolist()))
    assert [d for d, _ in found] == [d for d, _ in expected.items()]
    for (_, score), (_, want) in zip(found, expected.items()):
        assert score == pytest.approx(want, rel=1e-6)


def test_the_api_lists_forms_with_a_toggle_url_that_leaves_out_and_takes_back(client):
    body = client.get("/api/search?q=Wahl").get_json()
    total = body["total"]
    expansion = body["expansions"][0]
    assert expansion["word"] == "Wahl" and isinstance(expansion["complete"], bool)
    form = next(f for f in expansion["forms"] if f["form"] != "wahl")
    left_out = client.get(form["toggle_url"]).get_json()
    assert left_out["query"]["not_form"] == [form["form"]]
    assert left_out["total"] <= total
    again = next(f for f in left_out["expansions"][0]["forms"] if f["form"] == form["form"])
    assert again["excluded"]
    assert client.get(again["toggle_url"]).get_json()["total"] == total


def test_the_page_lists_the_same_forms(client):
    api = client.get("/api/search?q=Wahl").get_json()["expansions"][0]["forms"]
    page = client.get("/?q=Wahl").get_data(as_text=True)
    assert "Gefundene Wortformen" in page
    assert all(f">{f['written']}</a>" in page for f in api)


def test_too_many_left_out_forms_are_refused(client):
    query = "&".join(f"not_form=form{n}" for n in range(51))
    response = client.get(f"/api/search?q=Wahl&{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["param"] == "not_form"


def test_not_form_is_folded_like_the_index(archive):
    folded = search(archive, SearchRequest(q="Wahl", not_forms=("bundestagswahl",))).total
    from werkzeug.datastructures import MultiDict

    from web.params import search_request
    request = search_request(MultiDict([("q", "Wahl"), ("not_form", "Bundestagswahl")]))
    assert request.not_forms == ("bundestagswahl",)
    assert search(archive, request).total == folded


def test_the_methods_sentence_names_left_out_forms(client):
    cite = client.get("/api/cite?q=Wahl&not_form=Bundestagswahl").get_json()
    assert "ohne Treffer allein über die Wortformen bundestagswahl" in cite["methods"]


def test_expansions_can_be_left_out_of_the_answer(client):
    assert client.get("/api/search?q=Wahl&expansions=0").get_json()["expansions"] == []
    assert client.get("/api/search?q=Wahl&expansions=x").status_code == 400


def test_while_the_forms_are_still_read_words_come_without_them(archive):
    """On a large archive the forms are read beside the requests; a search does not wait."""
    from indexer.searching.expansions import WordForms, expansions, query_words

    word_forms = WordForms(archive.searcher.schema, lambda: {})
    words = query_words(archive.parser.parse("Wahl"), "Wahl", archive.searcher.schema)
    docnums = matching_docnums(archive, prepare(archive, SearchRequest(q="Wahl")))
    with word_forms._reading:  # a reading under way in another thread
        [waiting] = expansions(word_forms, words, archive.searcher, docnums)
    assert waiting.forms == [] and not waiting.complete
    [done] = expansions(word_forms, words, archive.searcher, docnums)
    assert {f.form for f in done.forms} >= {"wahl", "bundestagswahl"}
