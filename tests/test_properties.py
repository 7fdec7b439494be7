"""Property-based tests: no request, however odd, gets a 500 or a stack trace."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

QUERY_ALPHABET = st.characters(blacklist_categories=("Cs",))
QUERY_PIECES = st.sampled_from([
    "Soldat", "Häuser", "AND", "OR", "NOT", "UND", "ODER", "NICHT", "(", ")", '"', "*", "?",
    "-", "+", ":", "title:", "person:", "date:", "date:[", " to ", "]", "year:", "2024",
    "[", "{", "}", "~", "^", "\\", "'", "Kl*", "a*", "*x", "…", "\x00", " ",
])
PARAMS = ["q", "page", "size", "sort", "from", "to", "person", "place", "org", "section",
          "source", "year", "month", "unknown"]
VALUES = st.one_of(
    st.text(QUERY_ALPHABET, max_size=40),
    st.integers(-10**12, 10**12).map(str),
    st.sampled_from(["relevance", "date", "-date", "2024-11-01", "2024", "2024-13-45", "", "0",
                     "101", "1e3", "NaN", "-1"]),
)
settings.register_profile("api", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile("api")


def check_response(response) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code in (200, 400), (response.status_code, text[:300])
    assert "Traceback" not in text
    if response.status_code == 400 and response.mimetype == "application/json":
        error = response.get_json()["error"]
        assert error["message"] and error["code"] in ("invalid_query", "invalid_parameter")


@given(st.lists(QUERY_PIECES, max_size=12).map("".join))
def test_structured_queries_never_fail(client, q):
    check_response(client.get("/api/search?" + urlencode({"q": q})))


@given(st.text(QUERY_ALPHABET, max_size=120))
def test_arbitrary_text_queries_never_fail(client, q):
    check_response(client.get("/api/search?" + urlencode({"q": q})))


@given(st.lists(st.tuples(st.sampled_from(PARAMS), VALUES), max_size=8))
def test_arbitrary_parameters_never_fail(client, pairs):
    query = urlencode(pairs)
    check_response(client.get("/api/search?" + query))
    check_response(client.get("/?" + query))


def test_only_get_is_served(app, client):
    for rule in app.url_map.iter_rules():
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    assert client.post("/api/search", data={"q": "x"}).status_code == 405
    assert client.delete("/api/articles/soldaten").status_code == 405


def test_debug_mode_is_off(app):
    assert app.debug is False
