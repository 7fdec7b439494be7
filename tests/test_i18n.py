"""Language: every interface string and every message of the engine in German and English."""

from __future__ import annotations

import ast
import re
from html import unescape

import pytest
from conftest import REPO

from web.i18n import ENGLISH, translate_message

TEMPLATE_STRING = re.compile(r"""_\('((?:[^'\\]|\\.)*)'\)""")


#: The errors whose messages reach the user as they are.
MESSAGE_ERRORS = ("QueryError", "DateValueError")


def engine_messages() -> list[str]:
    """A sample of each QueryError message in the code, its {…} parts filled in."""
    def sample(node: ast.expr) -> list[str]:
        if isinstance(node, ast.Constant):
            return [str(node.value)]
        if isinstance(node, ast.JoinedStr):
            return ["".join(v.value if isinstance(v, ast.Constant) else "X"
                            for v in node.values)]
        if isinstance(node, ast.IfExp):
            return sample(node.body) + sample(node.orelse)
        if isinstance(node, ast.BinOp):
            return [a + b for a in sample(node.left) for b in sample(node.right)]
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "str":
            return []  # an error passed on: its own message is sampled where it is raised
        raise AssertionError(f"cannot read the message at line {node.lineno}")

    messages = []
    for path in [*(REPO / "indexer").rglob("*.py"), *(REPO / "web").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in MESSAGE_ERRORS:
                messages += sample(node.args[0])
    return messages


def test_every_engine_message_has_a_german_rendering(app):
    messages = engine_messages()
    assert len(messages) >= 25
    with app.test_request_context("/?lang=de"):
        untranslated = [m for m in messages if translate_message(m) == m]
    assert untranslated == []
    with app.test_request_context("/?lang=en"):
        assert all(translate_message(m) == m for m in messages)


def test_every_interface_string_has_an_english_rendering():
    used = set()
    for template in (REPO / "web" / "templates").iterdir():
        used |= set(TEMPLATE_STRING.findall(template.read_text("utf-8")))
    assert len(used) > 80
    assert sorted(used - set(ENGLISH)) == []


@pytest.mark.parametrize("path,api,german,english", [
    ("/?size=1000", "/api/search?size=1000", "size muss zwischen 1 und 100 liegen.",
     "size must be between 1 and 100."),
    ("/?q=Soldat&page=x", "/api/search?page=x", "„page“ muss eine ganze Zahl sein, nicht 'x'.",
     "'page' must be a whole number, not 'x'."),
    ("/nirgends", "/api/nirgends", "Diese Seite gibt es nicht.",
     "The requested URL was not found"),
    ("/articles/nope", "/api/articles/nope", "Es gibt keinen Artikel mit der Kennung 'nope'.",
     "No article with id 'nope'."),
])
def test_error_pages_speak_the_page_language(client, path, api, german, english):
    language = "&lang=en" if "?" in path else "?lang=en"
    de = unescape(client.get(path).get_data(as_text=True))
    en = unescape(client.get(path + language).get_data(as_text=True))
    assert german in de and english not in de
    assert english in en
    assert client.get(api).get_json()["error"]["message"].startswith(english)  # API: English


def test_links_keep_the_chosen_language(client):
    html = client.get("/?q=Soldat&lang=en").get_data(as_text=True)
    articles = re.findall(r'href="(/articles/[^"]+)"', html)
    assert articles and all("lang=en" in href for href in articles)
    assert 'href="/timeline?lang=en"' in html and 'href="/kwic?lang=en"' in html
    assert 'placeholder="e.g. Nordkorea Soldaten' in html
    assert 'href="/entity/person/Wladimir%20Putin?lang=en"' in html
    kwic = client.get("/kwic?q=Soldat&lang=en").get_data(as_text=True)
    assert all("lang=en" in href for href in re.findall(r'href="(/articles/[^"]+)"', kwic))
    german = client.get("/?q=Soldat").get_data(as_text=True)
    assert "lang=" not in "".join(re.findall(r'href="(/articles/[^"]+)"', german))


def test_an_unclosed_quote_gets_a_hint_and_a_way_to_close_it(client):
    html = client.get('/?q="Tag%20des').get_data(as_text=True)
    assert "Das Anführungszeichen ist nicht geschlossen" in html
    assert 'href="/?q=%22Tag+des%22">&#34;Tag des&#34;</a>' in html
    data = client.get('/api/search?q="Tag%20des').get_json()
    assert data["notices"] == [{
        "code": "unclosed_quote",
        "message": "The quotation mark is not closed, so the words were searched for one by "
                   "one.",
        "suggestion": '"Tag des"'}]
    assert client.get('/api/search?q="Tag%20des"').get_json()["notices"] == []
