"""Name lists behind entity extraction, loaded once per process.

Sources:

* ``data/*.txt``, plain text written for this project (places with their
  exonyms, organisations, person titles, given names) or derived from GeoNames
  (``cities.txt``); each file's header says where it comes from;
* pycountry's German translations of ISO 3166-1 country names and ISO 3166-2
  subdivision names (``Dänemark``, ``Niedersachsen``, ``Kalifornien``);
* Faker's given-name lists for European locales and Turkish, minus the names
  in ``first_name_exclusions.txt`` that are also German words, and its
  family-name lists (evidence the tagger weighs, never a rule on its own);

Place, organisation and person-spelling lines name the canonical facet value
first and the variants it absorbs after ``|`` (``Kiew|Kyjiw|Kyiv|Kiev``).
A variant is a spelling, short form or inflection of the same referent,
never a later name or another referent (``Facebook`` is no variant of
``Meta``, ``Innenministerium`` none of ``Bundesinnenministerium``).
"""

from __future__ import annotations

import gettext
import importlib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

#: Faker locales whose given names appear in German news in Latin script.
FAKER_LOCALES = ("de_DE", "de_AT", "de_CH", "en_US", "en_GB", "en_IE", "fr_FR", "it_IT",
                 "es_ES", "nl_NL", "pl_PL", "cs_CZ", "sk_SK", "hu_HU", "hr_HR", "sl_SI",
                 "sv_SE", "da_DK", "no_NO", "fi_FI", "pt_PT", "pt_BR", "tr_TR")
#: Subdivision names that are ordinary words or too vague to be a place facet.
_VAGUE_SUBDIVISIONS = frozenset({"Nord", "Süd", "Ost", "West", "Nordost", "Nordwest", "Südost",
                                 "Südwest", "Zentrum", "Mitte", "Russe", "Hauptstadt", "Zentral",
                                 "Jura", "Uri", "Zug", "Berne", "Fribourg", "Luxemburg", "Marken",
                                 "Favoriten", "Georgia", "Nordwest-Territorien"})
#: Countries whose subdivisions German news names as they are (US states).
_SUBDIVISIONS_AS_IS = ("US",)
_ADJECTIVE = re.compile(r"[A-ZÄÖÜ]\w+(?:e|er|es)")
_GIVEN_NAME = re.compile(r"[A-ZÄÖÜ][a-zäöüßáàâãçéèêëíìîïñóòôõúùûýčćđěłńřšśťůźžğış]{2,}")


def read_list(name: str) -> list[str]:
    """Lines of a data file, without comments and blank lines."""
    text = resources.files("indexer.entities").joinpath("data", name).read_text("utf-8")
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@dataclass
class Gazetteer:
    """All names, keyed by their word tuples for longest-match lookup."""

    #: word tuple → (type, canonical)
    names: dict[tuple[str, ...], tuple[str, str]] = field(default_factory=dict)
    #: first word → word count of the longest name starting with it
    longest: dict[str, int] = field(default_factory=dict)
    #: names written in lowercase ("dpa", "taz"), matched by a pattern of their own
    lowercase_names: re.Pattern[str] | None = None
    #: places that are also ordinary words: only after "in", "aus", "nach" ...
    ambiguous_places: frozenset[str] = frozenset()
    first_names: frozenset[str] = frozenset()
    #: family names from Faker's lists (many are German words too: Koch, Fischer)
    surnames: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    #: a person's name (or surname) in another spelling → its canonical spelling
    person_spellings: dict[str, str] = field(default_factory=dict)

    def add(self, surface: str, kind: str, canonical: str) -> None:
        words = tuple(surface.split())
        if not words or words in self.names:
            return
        self.names[words] = (kind, canonical)
        self.longest[words[0]] = max(self.longest.get(words[0], 0), len(words))

    def add_inflected(self, surface: str, kind: str, canonical: str) -> None:
        """The name and, if it opens with an adjective, its inflected forms.

        ``Europäische Union`` also as ``Europäischen Union``, ``Naher Osten``
        as ``Nahen Osten``.
        """
        self.add(surface, kind, canonical)
        first, _, rest = surface.partition(" ")
        if rest and _ADJECTIVE.fullmatch(first):
            stem = first[:-2] if first.endswith(("er", "es")) else first[:-1]
            for ending in ("e", "en", "er", "es", "em"):
                self.add(f"{stem}{ending} {rest}", kind, canonical)

    @cached_property
    def openers(self) -> dict[str, int]:
        """Words that open a name, with the word count of the longest; also each with a
        genitive ``-s`` (``Nordkoreas``, count 1)."""
        found = {word + "s": 1 for word in self.longest}
        found.update(self.longest)
        return found

    def lookup(self, words: tuple[str, ...]) -> tuple[str, str] | None:
        return self.names.get(words)

    def kind_of(self, word: str) -> str | None:
        entry = self.names.get((word,))
        return entry[0] if entry else None

    def person_spelling(self, name: str) -> str:
        """``name`` in its canonical spelling: the whole name, else its surname."""
        spelled = self.person_spellings.get(name)
        if spelled:
            return spelled
        head, _, last = name.rpartition(" ")
        surname = self.person_spellings.get(last)
        if not surname:
            return name
        return f"{head} {surname}" if head else surname

    def add_person_spellings(self, line: str) -> None:
        """One line of ``person_spellings.txt``: canonical name, then its other spellings."""
        canonical, *variants = [v.strip() for v in line.split("|") if v.strip()]
        canonical_words = canonical.split()
        for variant in variants:
            self.person_spellings[variant] = canonical
            words = variant.split()
            if len(words) == len(canonical_words) and words[-1] != canonical_words[-1]:
                self.person_spellings[words[-1]] = canonical_words[-1]


def _pycountry_names() -> list[str]:
    """German names of countries and of subdivisions with a German exonym."""
    try:
        import pycountry
        countries = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
        subdivisions = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["de"])
    except (ImportError, OSError):
        return []
    names = [countries.gettext(country.name) for country in pycountry.countries]
    for subdivision in pycountry.subdivisions:
        german = subdivisions.gettext(subdivision.name)
        if subdivision.country_code in ("DE", "AT", "CH") + _SUBDIVISIONS_AS_IS or \
                german != subdivision.name:
            names.append(german)
    return [name for name in names
            if "," not in name and "(" not in name and name not in _VAGUE_SUBDIVISIONS]


def _faker_names(attributes: tuple[str, ...]) -> set[str]:
    """One-word names from the Faker person providers' ``attributes`` lists."""
    names: set[str] = set()
    for locale in FAKER_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            continue
        for attribute in attributes:
            names.update(getattr(provider, attribute, ()))
    return {name for name in names if _GIVEN_NAME.fullmatch(name)}


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """The gazetteer, built on first use."""
    gazetteer = Gazetteer()
    for kind, filename in (("ORG", "organisations.txt"), ("LOC", "places.txt")):
        for line in read_list(filename):
            variants = [v.strip() for v in line.split("|") if v.strip()]
            for variant in variants:
                gazetteer.add_inflected(variant, kind, variants[0])
    for name in _pycountry_names() + read_list("cities.txt"):
        gazetteer.add(name, "LOC", name)
    ambiguous = read_list("ambiguous_places.txt")
    for name in ambiguous:
        gazetteer.add(name, "LOC", name)
    gazetteer.ambiguous_places = frozenset(ambiguous)
    lowercase = sorted((" ".join(words) for words in gazetteer.names if words[0][:1].islower()),
                       key=len, reverse=True)
    if lowercase:
        gazetteer.lowercase_names = re.compile(
            r"(?<![\w-])(?:%s)(?![\w])" % "|".join(map(re.escape, lowercase)))
    excluded = set(read_list("first_name_exclusions.txt"))
    own = set(read_list("first_names.txt"))
    given = _faker_names(("first_names", "first_names_male", "first_names_female"))
    registry = {name for name in given if (name,) not in gazetteer.names}
    gazetteer.first_names = frozenset((own | registry) - excluded)
    gazetteer.surnames = frozenset(
        _faker_names(("last_names", "last_names_male", "last_names_female")))
    gazetteer.titles = frozenset(
        word for line in read_list("person_titles.txt") for word in line.split())
    for line in read_list("person_spellings.txt"):
        gazetteer.add_person_spellings(line)
    return gazetteer
