"""Canonical names of marked mentions: inflections, short forms, spellings, and names
that must stay apart (``tests/data/canonical_names.tsv``).

The mentions are given, so each case checks naming alone, not whether the
tagger finds them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.entities import gazetteer, lexical
from indexer.entities.naming import name

CASES = Path(__file__).parent / "data" / "canonical_names.tsv"
_MARK = re.compile(r"\[([^\[\]|]+)\|(PER|LOC|ORG)\]")


def read_cases() -> list[tuple[str, str, str, str]]:
    lines = CASES.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


def unmark(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The plain text and the (start, end, type) of each marked mention."""
    text, spans, position = [], [], 0
    length = 0
    for match in _MARK.finditer(marked):
        before = marked[position:match.start()]
        text.append(before)
        length += len(before)
        spans.append((length, length + len(match.group(1)), match.group(2)))
        text.append(match.group(1))
        length += len(match.group(1))
        position = match.end()
    text.append(marked[position:])
    return "".join(text), spans


def test_the_list_is_long_and_covers_every_category():
    cases = read_cases()
    assert len(cases) >= 100
    assert {case[0] for case in cases} == {"inflection", "short", "variant", "keep"}


@pytest.mark.parametrize("category,marked,surface,expected", read_cases(),
                         ids=lambda value: value if len(value) < 40 else None)
def test_canonical_name(category, marked, surface, expected):
    text, spans = unmark(marked)
    entities = name(text, spans, gazetteer.load(), lexical.load())
    chosen = [entity for entity in entities if entity.text == surface]
    assert chosen, f"no mention written {surface!r}"
    assert chosen[-1].canonical == expected, category
