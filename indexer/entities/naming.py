"""Canonical names (facet values) for the mentions found in one article.

A canonical name merges the ways one article, or many, write the same
referent; it never maps a name to a different or a later one.

Persons are named by the fullest form the article uses:

* ``Wladimir Wladimirowitsch Putin`` and ``Wladimir Putin`` are one person
  (patronymics dropped, as in :mod:`indexer.entities.canonical`);
* a genitive ``-s`` goes (``Joe Bidens Wahlsieg``, ``Putins Krieg``, ``die
  Rede Merkels`` where the article names ``Merkel``);
* a mention whose words end, or are part of, exactly one full name used in the
  same article stands for that person, before or after it: ``Merkel`` for
  ``Angela Merkel``, ``Van der Bellen`` for ``Alexander Van der Bellen``,
  ``Harry`` for ``Harry Kane``; if two full names fit, it stays as written;
  a given name right after a royal or clerical title (``Prinz Harry``,
  ``König Charles``) is that royal, not another person of the article;
* spellings listed in ``data/person_spellings.txt`` are one spelling
  (``Selensky`` and ``Selenskyj``).

Places and organisations take the gazetteer's canonical name, whose lines
list only spellings, short forms and inflections of one referent
(``Kyjiw`` -> ``Kiew``, ``FC Bayern`` -> ``FC Bayern München``; ``Facebook``
is no spelling of ``Meta``, the Austrian ``Innenministerium`` none of the
``Bundesinnenministerium``).  Beyond the gazetteer: a genitive goes where
the place is known (``Nordkoreas``, ``Taiskirchens``) or named in the article
too (``Offenbachs``), an organisation's last noun is put in the nominative
(``des Innenministeriums``), a dateline in capitals is written as a name
(``OFFENBACH`` -> ``Offenbach``), and an organisation's short form stands for
the one longer name of the article it is part of (``Eintracht`` for
``Eintracht Frankfurt``).
"""

from __future__ import annotations

import re

from indexer.entities.canonical import person_canonical, strip_genitive
from indexer.entities.gazetteer import Gazetteer
from indexer.entities.lexical import Lexicon
from indexer.entities.model import Entity

_NOUN_AFTER = re.compile(r" [A-ZÄÖÜ]")
#: Titles before a royal's or a pope's given name ("Prinz Harry", "Papst Franziskus").
ROYAL_TITLES = frozenset("""
König Königin Prinz Prinzessin Kronprinz Kronprinzessin Kaiser Kaiserin Herzog Herzogin
Fürst Fürstin Papst Großherzog Großherzogin Erzherzog Erzherzogin Prince Princess King Queen
""".split())
_TITLE_BEFORE = re.compile(r"(\w+) $")
Span = tuple[int, int, str]


def name(text: str, spans: list[Span], gazetteer: Gazetteer, lexicon: Lexicon) -> list[Entity]:
    """Entities for ``spans`` of ``text`` with their canonical names."""
    persons = _person_names(text, [(s, e) for s, e, k in spans if k == "PER"], gazetteer,
                            lexicon)
    others = _other_names(text, [span for span in spans if span[2] != "PER"], gazetteer,
                          lexicon)
    names = persons | others
    return [Entity(start, end, kind, text[start:end], names[(start, end)])
            for start, end, kind in spans]


# -- places and organisations -------------------------------------------------


def _other_names(text: str, spans: list[Span], gazetteer: Gazetteer,
                 lexicon: Lexicon) -> dict[tuple[int, int], str]:
    surfaces = {(start, end): text[start:end] for start, end, _ in spans}
    longer = {kind: _multiword({text[s:e] for s, e, k in spans if k == kind})
              for kind in ("ORG",)}
    known = {(text[start:end], kind) for start, end, kind in spans}
    names = {}
    for start, end, kind in spans:
        surface = surfaces[(start, end)]
        if kind == "ORG":
            surface = _only_longer_name(surface, longer["ORG"]) or surface
        names[(start, end)] = _place_or_organisation(surface, kind, gazetteer, lexicon, known)
    return names


def _multiword(names: set[str]) -> list[str]:
    return sorted(name for name in names if " " in name)


def _only_longer_name(surface: str, longer: list[str]) -> str | None:
    """The one longer name of the article that holds every word of ``surface``."""
    words = set(surface.split())
    fits = [name for name in longer if name != surface and words < set(name.split())]
    return fits[0] if len(fits) == 1 else None


def _place_or_organisation(surface: str, kind: str, gazetteer: Gazetteer, lexicon: Lexicon,
                           known: set[tuple[str, str]]) -> str:
    written = tuple(surface.split())
    capitals = surface.isupper() and len(surface) > 3
    words = tuple(_as_name(word) for word in written) if capitals else written  # "OFFENBACH"
    genitive = words[:-1] + (words[-1][:-1],) if _may_be_genitive(words[-1]) else None
    nominative = words[:-1] + (_nominative(words[-1], lexicon),) if kind == "ORG" else None
    for candidate in (written, words, genitive, nominative):
        entry = gazetteer.lookup(candidate) if candidate else None
        if entry and entry[0] == kind:
            return entry[1]  # "Nordkoreas", "des Roten Kreuzes"
    if genitive and ((" ".join(genitive), kind) in known or kind == "LOC" and _known_place(
            genitive[-1], lexicon) and not _known_place(words[-1], lexicon)):
        return " ".join(genitive)  # "Offenbachs" where "Offenbach" is named too, "Taiskirchens"
    if kind == "ORG":
        return surface if capitals else " ".join(nominative)  # "des Innenministeriums"
    return " ".join(words)


def _as_name(word: str) -> str:
    """``OFFENBACH`` -> ``Offenbach``, ``BADEN-BADEN`` -> ``Baden-Baden``."""
    return "-".join(part.capitalize() for part in word.split("-"))


def _may_be_genitive(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith("ss") and \
        not word[:-1].isupper()


def _known_place(word: str, lexicon: Lexicon) -> bool:
    return word in lexicon.places or "T" in lexicon.classes(word)


def _nominative(word: str, lexicon: Lexicon) -> str:
    """A common noun's genitive singular as its lemma (``Innenministeriums``), else ``word``."""
    entry_lemma = lexicon.lemma(word)
    lower = word.lower()
    if entry_lemma and lower in (entry_lemma + "s", entry_lemma + "es"):
        return word[:len(entry_lemma)]
    return word


# -- persons ----------------------------------------------------------------


def _person_names(text: str, spans: list[tuple[int, int]], gazetteer: Gazetteer,
                  lexicon: Lexicon) -> dict[tuple[int, int], str]:
    """Canonical person names by span, settled over the whole article."""
    written = {}
    for start, end in spans:
        words = person_canonical(text[start:end]).split()
        if _NOUN_AFTER.match(text, end):
            words[-1] = strip_genitive(words[-1])  # "Joe Bidens Wahlsieg", "Putins Krieg"
        written[(start, end)] = words
    article_words = {word for words in written.values() for word in words}
    names = {}
    for key, words in written.items():
        last = words[-1]
        stem = strip_genitive(last)
        if stem != last and _genitive_of_a_name(last, stem, article_words, lexicon):
            words = words[:-1] + [stem]  # "die Rede Merkels"
        names[key] = gazetteer.person_spelling(" ".join(words))
    full = _fullest_forms(list(names.values()))
    for (start, end), person in names.items():
        if " " not in person and _after_royal_title(text, start):
            continue  # "König Charles" is not "Charles Michel"
        names[(start, end)] = _full_name(person, full) or person
    return names


def _genitive_of_a_name(word: str, stem: str, article_words: set[str], lexicon: Lexicon) -> bool:
    """``Merkels`` where the article names ``Merkel``, or Wiktionary knows ``Merkel`` as a
    family name and ``Merkels`` as nothing (``Williams`` is no genitive of ``William``)."""
    if stem in article_words:
        return True
    return "F" in lexicon.classes(stem) and not lexicon.classes(word)


def _after_royal_title(text: str, start: int) -> bool:
    before = _TITLE_BEFORE.search(text, max(0, start - 20), start)
    return before is not None and before.group(1) in ROYAL_TITLES


def _fullest_forms(names: list[str]) -> list[str]:
    """Multi-word names, a name dropped when a longer one contains all its words."""
    multi = sorted({n for n in names if " " in n}, key=lambda n: (-len(n.split()), n))
    kept: list[str] = []
    for name in multi:
        words = name.split()
        if not any(_ends_with(k.split(), words) or set(words) < set(k.split()) for k in kept):
            kept.append(name)
    return kept


def _ends_with(words: list[str], tail: list[str]) -> bool:
    return len(tail) <= len(words) and words[len(words) - len(tail):] == tail


def _full_name(name: str, full: list[str]) -> str | None:
    """The one full name that ``name`` (or its genitive) ends or is part of."""
    words = name.split()
    tails = [words]
    if strip_genitive(words[-1]) != words[-1]:
        tails.append(words[:-1] + [strip_genitive(words[-1])])
    for tail in tails:
        fits = [f for f in full if _ends_with(f.split(), tail) or set(tail) < set(f.split())]
        if len(fits) == 1:
            return fits[0]
        if fits:
            return None  # two persons share the name: leave it as written
    return None
