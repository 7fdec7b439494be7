"""Rule- and gazetteer-based recognition of persons, places and organisations.

German capitalises every noun, so capitalisation alone says little.  A
mention is accepted only with evidence:

* a gazetteer name (places, organisations; longest match, genitive ``-s``
  allowed: ``Nordkoreas`` → ``Nordkorea``), also as the first part of a
  hyphenated compound (``NATO-Staaten`` → ``NATO``);
* a person-shaped run of capitalised words opened by a known first name
  (``Olaf Scholz``) or introduced by a title or role (``Außenministerin Choe
  Son Hui``, ``Machthabers Kim Jong Un``);
* an acronym or a legal-form suffix for organisations (``BDI``, ``Zalando SE``);
* document-level propagation: once ``Wladimir Putin`` is found, ``Putin`` and
  ``Putins`` elsewhere in the text are the same person.

Canonical names unify the forms of one entity within a document (the most
complete name of a person) and across documents (the gazetteer's canonical
spelling, patronymics dropped).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from indexer.entities.gazetteer import Gazetteer, load

#: Capitalised words (and acronyms), hyphenated or slashed compounds included.
CAPITALISED = re.compile(
    r"(?<![\w-])[A-ZÄÖÜ][\w'’]*(?:[-/][\w'’]+)*")
NAME_WORD = re.compile(r"[A-ZÄÖÜ][a-zäöüßàáâãçèéêëìíîïñòóôõšžćčłńśźżğış'’]+"
                       r"(?:-[A-ZÄÖÜ][a-zäöüßàáâãçèéêëìíîïñòóôõšžćčłńśźżğış'’]+)?")
ACRONYM = re.compile(r"[A-ZÄÖÜ]{2,5}\d?")
NAME_PARTICLES = ("von der", "van der", "von", "van", "de", "zu", "da", "di", "del", "bin", "al")
PATRONYMIC = re.compile(r"\w+(?:owitsch|ewitsch|itsch|owna|ewna|jewitsch)$")
LEGAL_SUFFIXES = ("AG", "GmbH", "SE", "KG", "KGaA", "Inc", "Ltd", "Corp", "e.V.")
#: Capitalised words that are never part of a name.
NOT_NAMES = frozenset("""
Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Januar Februar März April Mai
Juni Juli August September Oktober November Dezember Ende Anfang Mitte Jahr Jahren Woche
Wochen Tag Tage Tagen Uhr Prozent Euro Dollar Millionen Milliarden Ja Nein Herr Frau Damen
Herren Bürger Menschen Regierung Partei Land Länder Stadt Staat Staaten Krieg Frieden
Am Im Auf Aus Bei Bis Das Dem Den Der Des Die Ein Eine Einem Einen Einer Er Es Für In Mit
Nach Nun Seit Sie Um Und Von Vor Wie Zu Zum Zur Auch Aber Doch Dann So Als Wenn Weil Noch
Mehr Nicht Kein Keine Man Wir Ich Du Ihr Unter Über Gegen Ohne Neben Laut Trotz Während
""".split())
#: Acronyms that are not organisations.
NOT_ORG_ACRONYMS = frozenset("""
US USA UK EU AG SE KG OK TV PC KI IT CO CO2 PS EM WM DDR BRD ICE SUV GPS USB DNA RNA
AIDS HIV COVID SARS FAQ CEO CFO PR PDF ID LKW PKW NS SS ABC II III IV VI VII VIII IX XI
XII XIV XV XVI UKW GmbH KGaA ISBN ISSN EUR USD CHF GBP FB FC SC SV VfB VfL TSV BC AC CD DVD
LP EP MB GB KB PS KW MW GW KM SMS GPS WLAN URL HTML PDF MP ZDF ARD
""".split()) - {"ZDF", "ARD"}
#: Gazetteer place names that are also common words: need "in/aus/nach ..." before.
AMBIGUOUS_PLACES = frozenset({"Essen", "Halle", "Oder", "Elbe", "Union", "Niger", "Chile",
                              "Santiago", "Lima", "Georgien", "Korea", "Amerika"})
PLACE_PREPOSITIONS = frozenset({"in", "aus", "nach", "bei", "von", "über", "um", "durch",
                                "Richtung", "nahe", "zwischen"})
MAX_NAME_WORDS = 4
#: Endings of German nouns that follow a genitive name ("Bidens Wahlsieg").
NOUN_ENDING = re.compile(
    r"(?:ung|heit|keit|schaft|ismus|ion|tät|tum|nis|sieg|kurs|rede|besuch|plan|gesetz|krieg|"
    r"wahl|amt|zeit|reise|haus|partei|team|kabinett|regierung|sprecher|politik|erklärung|"
    r"nachfolger|vorgänger|worten|angaben|sicht|sohn|tochter|frau|mann)$")


@dataclass(frozen=True)
class Entity:
    """One mention of a named entity in a text."""

    start: int  # character offset into the text
    end: int  # exclusive
    type: str  # "PER", "LOC" or "ORG"
    text: str  # the surface form, text[start:end]
    canonical: str  # the facet value


@dataclass
class _Candidate:
    start: int
    end: int
    type: str
    canonical: str
    priority: int  # higher wins among equal spans


class _Tokens:
    """Capitalised tokens of a text with the gaps between them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.matches = list(CAPITALISED.finditer(text))
        self.words = [m.group(0) for m in self.matches]

    def adjacent(self, i: int) -> bool:
        """Token ``i`` follows token ``i-1`` with only a space between."""
        if i <= 0:
            return False
        gap = self.text[self.matches[i - 1].end():self.matches[i].start()]
        return gap == " "

    def word_before(self, i: int) -> str:
        start = self.matches[i].start()
        head = self.text[max(0, start - 30):start].split()
        return head[-1] if head else ""

    def sentence_start(self, i: int) -> bool:
        start = self.matches[i].start()
        head = self.text[max(0, start - 3):start].strip()
        return start == 0 or head[-1:] in (".", "!", "?", ":", "\"", "„", "“") or head == ""


def extract_entities(text: str) -> list[Entity]:
    """Persons, places and organisations mentioned in ``text``, in order."""
    if not text:
        return []
    gazetteer = load()
    tokens = _Tokens(text)
    candidates = _gazetteer_matches(tokens, gazetteer)
    candidates += _person_runs(tokens, gazetteer)
    candidates += _organisation_rules(tokens)
    chosen = _resolve(candidates)
    _canonicalise_persons(text, chosen)
    chosen = _propagate_persons(tokens, chosen)
    return [Entity(c.start, c.end, c.type, text[c.start:c.end], c.canonical) for c in chosen]


# --------------------------------------------------------------------------


def _gazetteer_matches(tokens: _Tokens, gazetteer: Gazetteer) -> list[_Candidate]:
    found = []
    words, matches = tokens.words, tokens.matches
    for i, word in enumerate(words):
        base = _strip_genitive(word)
        longest = max(gazetteer.longest.get(word, 0), gazetteer.longest.get(base, 0))
        hit = None
        for length in range(min(longest, len(words) - i), 0, -1):
            if length > 1 and not all(tokens.adjacent(i + k) for k in range(1, length)):
                continue
            span = tuple(words[i:i + length])
            entry = gazetteer.lookup(span)
            if entry is None:
                genitive = span[:-1] + (_strip_genitive(span[-1]),)
                entry = gazetteer.lookup(genitive) if genitive != span else None
                if entry and entry[0] == "ORG" and entry[1].isupper():
                    entry = None  # "NATOs" is rare; "IS" + s is not a name
            if entry:
                hit = (length, entry)
                break
        if hit:
            length, (kind, canonical) = hit
            if length == 1 and word in AMBIGUOUS_PLACES and \
                    tokens.word_before(i) not in PLACE_PREPOSITIONS:
                continue
            # Multi-word names outrank person runs ("Robert Koch-Institut").
            found.append(_Candidate(matches[i].start(), matches[i + length - 1].end(),
                                    kind, canonical, 5 if length > 1 else 3))
            continue
        if "-" in word:  # an organisation heading a compound: "NATO-Staaten", "CDU-Chef"
            head = word.split("-", 1)[0]
            entry = gazetteer.lookup((head,))
            if entry and entry[0] == "ORG" and entry[1] != "CDU/CSU":
                start = matches[i].start()
                found.append(_Candidate(start, start + len(head), entry[0], entry[1], 2))
    return found


def _strip_genitive(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _title_word(word: str, titles: frozenset[str]) -> bool:
    if word in titles:
        return True
    for suffix in ("s", "es", "n", "en", "in", "innen", "nen"):
        if word.endswith(suffix) and word[: -len(suffix)] in titles:
            return True
    return False


def _person_runs(tokens: _Tokens, gazetteer: Gazetteer) -> list[_Candidate]:
    """Name-shaped runs opened by a first name or introduced by a title."""
    found = []
    words, matches = tokens.words, tokens.matches
    i = 0
    while i < len(words):
        word = words[i]
        titled = _title_word(word, gazetteer.titles) or (
            "-" in word and _title_word(word.rsplit("-", 1)[-1].capitalize(), gazetteer.titles))
        if titled and i + 1 < len(words) and tokens.adjacent(i + 1):
            end = _name_run(tokens, i + 1, gazetteer)
            if end > i + 1:
                found.append(_Candidate(matches[i + 1].start(), matches[end - 1].end(), "PER",
                                        "", 2))
                i = end
                continue
        first = word.split("-", 1)[0]
        if first in gazetteer.first_names and NAME_WORD.fullmatch(word):
            end = _name_run(tokens, i, gazetteer)
            if end >= i + 2:
                canonical = ""
                if _genitive_cut(tokens, end, gazetteer):
                    canonical = person_canonical(
                        tokens.text[matches[i].start():matches[end - 1].end() - 1])
                found.append(_Candidate(matches[i].start(), matches[end - 1].end(), "PER",
                                        canonical, 4))
                i = end
                continue
        i += 1
    return found


def _name_run(tokens: _Tokens, start: int, gazetteer: Gazetteer) -> int:
    """End index (exclusive) of the name-shaped run starting at ``start``."""
    words = tokens.words
    end = start
    while end < len(words) and end - start < MAX_NAME_WORDS:
        word = words[end]
        if end > start and not tokens.adjacent(end):
            if not _particle_between(tokens, end):
                break
        if word in NOT_NAMES or not NAME_WORD.fullmatch(word):
            break
        if _title_word(word, gazetteer.titles):
            break
        if end > start and gazetteer.lookup((word,)) and word not in gazetteer.first_names:
            break
        end += 1
        if end - start >= 2 and _genitive_cut(tokens, end, gazetteer):
            break  # genitive before a noun: "Joe Bidens Wahlsieg"
    return end


def _genitive_cut(tokens: _Tokens, end: int, gazetteer: Gazetteer) -> bool:
    """The run's last word is a genitive followed by a capitalised noun."""
    words = tokens.words
    return (words[end - 1].endswith("s") and end < len(words) and tokens.adjacent(end)
            and NOUN_ENDING.search(words[end]) is not None
            and words[end] not in gazetteer.first_names)


def _particle_between(tokens: _Tokens, i: int) -> bool:
    gap = tokens.text[tokens.matches[i - 1].end():tokens.matches[i].start()].strip()
    return gap in NAME_PARTICLES


def _organisation_rules(tokens: _Tokens) -> list[_Candidate]:
    found = []
    words, matches = tokens.words, tokens.matches
    for i, word in enumerate(words):
        if ACRONYM.fullmatch(word) and word not in NOT_ORG_ACRONYMS and (
                len(word) >= 3 or not tokens.sentence_start(i)):
            found.append(_Candidate(matches[i].start(), matches[i].end(), "ORG", word, 1))
        if word.rstrip(".") in LEGAL_SUFFIXES and i > 0 and tokens.adjacent(i):
            first = i - 1
            while first > 0 and tokens.adjacent(first) and i - first < 3:
                first -= 1
            name = tokens.text[matches[first].start():matches[i].end()]
            found.append(_Candidate(matches[first].start(), matches[i].end(), "ORG", name, 3))
    return found


def _resolve(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates: longer spans first, then higher priority."""
    candidates.sort(key=lambda c: (-(c.end - c.start), -c.priority, c.start))
    taken: list[_Candidate] = []
    occupied: list[tuple[int, int]] = []
    for cand in candidates:
        if any(cand.start < end and cand.end > start for start, end in occupied):
            continue
        taken.append(cand)
        occupied.append((cand.start, cand.end))
    taken.sort(key=lambda c: c.start)
    return taken


def _canonicalise_persons(text: str, chosen: list[_Candidate]) -> None:
    """Canonical names for person runs: the most frequent complete form.

    ``Wladimir Wladimirowitsch Putin`` and ``Wladimir Putin`` in one text are
    one person; the more frequent form (then the shorter) names both.
    """
    forms: Counter[str] = Counter()
    for cand in chosen:
        if cand.type == "PER":
            if not cand.canonical:
                cand.canonical = person_canonical(text[cand.start:cand.end])
            forms[cand.canonical] += 1
    by_last: dict[str, list[str]] = {}
    for name in forms:
        if " " in name:
            by_last.setdefault(name.split()[-1], []).append(name)
    for cand in chosen:
        if cand.type == "PER" and " " in cand.canonical:
            options = by_last[cand.canonical.split()[-1]]
            best = max(options, key=lambda n: (forms[n], -len(n)))
            if set(best.split()) <= set(cand.canonical.split()):
                cand.canonical = best


def _name_keys(chosen: list[_Candidate]) -> dict[str, set[str]]:
    """Single words that can stand for a fully named person, by word."""
    keys: dict[str, set[str]] = {}
    for cand in chosen:
        parts = cand.canonical.split()
        if cand.type != "PER" or len(parts) < 2:
            continue
        for part in parts[1:]:
            keys.setdefault(part, set()).add(cand.canonical)
        if len(parts) == 3 and len(parts[0]) <= 5:
            # East Asian names start with the family name: "Choe" for "Choe Son Hui".
            keys.setdefault(parts[0], set()).add(cand.canonical)
    return keys


def _propagate_persons(tokens: _Tokens, chosen: list[_Candidate]) -> list[_Candidate]:
    """Name single-word mentions of persons named in full elsewhere in the text."""
    keys = _name_keys(chosen)
    if not keys:
        return chosen
    for cand in chosen:  # "Außenministerin Choe" before "Choe Son Hui"
        if cand.type == "PER" and " " not in cand.canonical:
            names = keys.get(cand.canonical) or keys.get(_strip_genitive(cand.canonical))
            if names and len(names) == 1:
                cand.canonical = next(iter(names))
    occupied = [(c.start, c.end) for c in chosen]
    added = []
    for i, word in enumerate(tokens.words):
        base = word.rstrip("'’")
        names = keys.get(base) or keys.get(_strip_genitive(base))
        if not names or len(names) != 1:
            continue
        start = tokens.matches[i].start()
        end = start + len(base)
        if any(start < e and end > s for s, e in occupied):
            continue
        added.append(_Candidate(start, end, "PER", next(iter(names)), 1))
    return sorted(chosen + added, key=lambda c: c.start)


def person_canonical(surface: str) -> str:
    """A person's facet value from a surface form: apostrophe and patronymics off."""
    words = surface.replace("’", "'").rstrip("'").split()
    if len(words) > 2:
        words = [w for w in words if not PATRONYMIC.fullmatch(w)]
    return " ".join(words)

