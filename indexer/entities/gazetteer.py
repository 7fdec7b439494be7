"""Name lists behind entity extraction, loaded once.

The lists in ``data/`` are plain text written for this project (first names,
person titles, places, organisations); country names are completed from
pycountry's German translations.  Each place or organisation line names the
canonical facet value first and the variants it absorbs after ``|``.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files("indexer.entities").joinpath("data", name).read_text("utf-8")
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@dataclass
class Gazetteer:
    """All names, keyed by their token tuples for longest-match lookup."""

    #: token tuple → (type, canonical)
    names: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)
    #: first token → longest name length starting with it
    longest: dict[str, int] = field(default_factory=dict)
    first_names: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()

    def add(self, surface: str, kind: str, canonical: str) -> None:
        tokens = tuple(surface.split())
        if tokens in self.names:
            return
        self.names[tokens] = (kind, canonical)
        self.longest[tokens[0]] = max(self.longest.get(tokens[0], 0), len(tokens))

    def lookup(self, tokens: tuple[str, ...]) -> tuple[str, str] | None:
        return self.names.get(tokens)


def _pycountry_german_names() -> list[str]:
    """German short names of all countries (e.g. ``Dänemark``)."""
    try:
        import pycountry
        german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    except (ImportError, OSError):
        return []
    names = []
    for country in pycountry.countries:
        name = german.gettext(country.name)
        if "," not in name and "(" not in name:
            names.append(name)
    return names


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    gazetteer = Gazetteer()
    for kind, filename in (("ORG", "organisations.txt"), ("LOC", "places.txt")):
        for line in _lines(filename):
            variants = [v.strip() for v in line.split("|") if v.strip()]
            for variant in variants:
                gazetteer.add(variant, kind, variants[0])
    for name in _pycountry_german_names():
        gazetteer.add(name, "LOC", name)
    gazetteer.first_names = frozenset(
        word for line in _lines("first_names.txt") for word in line.split())
    gazetteer.titles = frozenset(
        word for line in _lines("person_titles.txt") for word in line.split())
    return gazetteer
