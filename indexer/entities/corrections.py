"""Rule corrections to the CRF's spans where German news conventions are clear.

* Name particles: a person's name goes on over ``von der``, ``van der``,
  ``de`` ... to the capitalised surname (``Alexander Van der Bellen``, never
  ``Alexander Van``; ``Ursula von der Leyen``), and takes in particles right
  before it (``von der Leyen`` where the CRF found ``Leyen``).
* Two-word places: a place takes in the word before it where the two are
  one GeoNames name (``Bad Homburg`` where the CRF found ``Homburg``).
* Organisations named with an article: where the rule extractor and the
  name lists agree on a whole name such as ``Die Linke``, ``Der Spiegel`` or
  ``Die Zeit`` and the CRF found nothing there, the name is an organisation
  (GermEval rarely marks these, so the CRF learned to leave them; the search
  reads ``Die Linke`` as that organisation).
* Streets: a compound on a street word that Wiktionary does not know as a
  common noun is a place (``Rittergasse``, ``Schwanthalerstraße``; not
  ``Landstraße``); so is a place adjective before a street word
  (``Homburger Landstraße``, ``Frankfurter Allee``).  A house number after a
  street belongs to it (``Neuendorfer Straße 90c``), as in GermEval.

Mentions are (sentence, first word, end word, type) tuples, as in
:mod:`indexer.entities.consistency`.
"""

from __future__ import annotations

import re

from indexer.entities.gazetteer import Gazetteer
from indexer.entities.lexical import Lexicon
from indexer.entities.tagger import label_spans

Mention = tuple[int, int, int, str]

#: Particles that open the particle part of a name; more may follow ("von der").
#: ("vom", "zu", "da" are left out: everyday German words, "Ida vom Bankdirektor").
OPENING = frozenset("von van de di du la le del della ter ten dos".split())
#: Particles that may follow the first one.
FOLLOWING = frozenset("der den de la le".split())
#: Openers that are no everyday German word, so one alone before a surname is enough
#: ("de Maizière"; not "von Merkel", "die Rede von Merkel").
FOREIGN = frozenset("van de di du ter ten dos del della".split())
STREET_WORDS = ("straße", "strasse", "gasse", "allee", "platz", "damm", "ufer", "chaussee",
                "steig", "promenade")
_STREET_COMPOUND = re.compile(r"[A-ZÄÖÜ][a-zäöüß]{2,}(?:%s)" % "|".join(STREET_WORDS))
_STREET_WORD = re.compile(r"%s|(?:Land|Haupt)(?:%s)" % (
    "|".join(w.capitalize() for w in STREET_WORDS), "|".join(STREET_WORDS)))
_STREET_ENDINGS = STREET_WORDS + ("er",)  # a street compound, or a place adjective before one
_HOUSE_NUMBER = re.compile(r"\d{1,4}[a-z]?")
_PLACE_ADJECTIVE = re.compile(r"[A-ZÄÖÜ][a-zäöüß]{2,}er")
_SURNAME = re.compile(r"[A-ZÄÖÜ][a-zäöüßàáâçèéêëìíîïñòóôöùúûüýÿ'’]+")


#: Capitalised articles that open an organisation's name ("Die Linke", "Der Spiegel").
ARTICLES = frozenset({"Der", "Die", "Das"})


def correct(sentences: list[list[str]], mentions: list[Mention], hints: list[list[str]],
            lexicon: Lexicon, gazetteer: Gazetteer) -> list[Mention]:
    """The mentions corrected; ``hints``: the rule extractor's label of each word."""
    mentions = mentions + _names_with_an_article(sentences, hints, mentions, gazetteer)
    found = [_particles(sentences[s], (s, a, b, k), lexicon) if k == "PER" else
             _place_opener(sentences[s], (s, a, b, k), lexicon) if k == "LOC" else (s, a, b, k)
             for s, a, b, k in mentions]
    found += _streets(sentences, found, lexicon)
    return _house_numbers(sentences, _without_overlaps(found))


def _names_with_an_article(sentences: list[list[str]], hints: list[list[str]],
                           mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    taken = {(s, i) for s, first, end, _ in mentions for i in range(first, end)}
    added: list[Mention] = []
    for s, (words, labels) in enumerate(zip(sentences, hints)):
        if "B-ORG" not in labels and "I-ORG" not in labels:
            continue
        for first, end, kind in label_spans(labels):
            if kind != "ORG" or words[first] not in ARTICLES or \
                    any((s, i) in taken for i in range(first, end)):
                continue
            entry = gazetteer.lookup(tuple(words[first:end]))
            if entry and entry[0] == "ORG":
                added.append((s, first, end, kind))
    return added


def _particle_run(words: list[str], start: int, step: int) -> int:
    """How many particles stand from ``start`` on (step 1) or before it (step -1)."""
    count = 0
    i = start
    while 0 <= i < len(words) and count < 3 and words[i].lower() in OPENING | FOLLOWING:
        count += 1
        i += step
    return count


def _particles(words: list[str], mention: Mention, lexicon: Lexicon) -> Mention:
    s, first, end, kind = mention
    # forwards: "Alexander Van | der Bellen", "Ursula | von der Leyen"
    last = words[end - 1]
    run = _particle_run(words, end, 1)
    stopped_at_particle = last[:1].isupper() and last.lower() in OPENING  # "Alexander Van"
    opened = stopped_at_particle or (run > 0 and words[end].lower() in OPENING)
    after = end + run
    if opened and after < len(words) and _SURNAME.fullmatch(words[after]) and (
            stopped_at_particle or _unknown_name(words[after], lexicon)):
        end = after + 1
    # backwards: "von der | Leyen", "de | Maizière"
    run = _particle_run(words, first - 1, -1)
    while run and words[first - run].lower() not in OPENING:
        run -= 1
    if run and (run > 1 or words[first - 1].lower() in FOREIGN) and \
            words[first - run].islower():
        first -= run
    return (s, first, end, kind)


def _place_opener(words: list[str], mention: Mention, lexicon: Lexicon) -> Mention:
    s, first, end, kind = mention
    if first and f"{words[first - 1]} {words[first]}" in lexicon.two_word_places:
        return (s, first - 1, end, kind)  # "Bad | Homburg"
    return mention


def _unknown_name(word: str, lexicon: Lexicon) -> bool:
    """No common noun (nor a compound of one), other proper noun, place or frequent
    word: could only be a surname."""
    classes = lexicon.classes(word) or "F"
    return set(classes) <= {"F", "G"} and word not in lexicon.places and \
        lexicon.common_noun_head(word) is None and lexicon.zipf(word) < 3.5


def _streets(sentences: list[list[str]], mentions: list[Mention],
             lexicon: Lexicon) -> list[Mention]:
    """Street mentions to add (overlaps with the CRF's are settled by length later)."""
    taken = {(s, i) for s, a, b, _ in mentions for i in range(a, b)}
    taken -= {(s, a) for s, a, b, k in mentions  # a bare "Landstraße" may grow to the left
              if k == "LOC" and b == a + 1 and _STREET_WORD.fullmatch(sentences[s][a])}
    added: list[Mention] = []
    for s, words in enumerate(sentences):
        for i, word in enumerate(words):
            if not word.endswith(_STREET_ENDINGS) or (s, i) in taken:
                continue
            if _STREET_COMPOUND.fullmatch(word) and not lexicon.is_common_noun(word):
                added.append((s, i, i + 1, "LOC"))
            elif i + 1 < len(words) and _STREET_WORD.fullmatch(words[i + 1]) and \
                    _PLACE_ADJECTIVE.fullmatch(word) and _from_place(word, lexicon) and \
                    (s, i + 1) not in taken:
                added.append((s, i, i + 2, "LOC"))
    return added


def _from_place(adjective: str, lexicon: Lexicon) -> bool:
    """``Homburger`` from ``Homburg``, ``Frankfurter`` from ``Frankfurt``."""
    stem = adjective[:-2]
    return stem in lexicon.places or stem + "en" in lexicon.places or \
        stem + "e" in lexicon.places


def _house_numbers(sentences: list[list[str]], mentions: list[Mention]) -> list[Mention]:
    found = []
    for s, first, end, kind in mentions:
        words = sentences[s]
        if kind == "LOC" and end < len(words) and _HOUSE_NUMBER.fullmatch(words[end]) and \
                any(w.lower().endswith(STREET_WORDS) for w in words[first:end]):
            end += 1
        found.append((s, first, end, kind))
    return found


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Longer mentions first; a mention overlapping a kept one is dropped."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (-(m[2] - m[1]), m)):
        s, a, b, _ = mention
        if not any(t == s and x < b and a < y for t, x, y, _ in kept):
            kept.append(mention)
    return sorted(kept)
