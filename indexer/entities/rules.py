"""Rules that propose entity candidates from capitalised words.

German capitalises every noun, so capitalisation alone says little.  Each rule
asks for evidence:

* a gazetteer name (longest match, genitive ``-s`` allowed for places:
  ``Nordkoreas``), or a known organisation heading a hyphenated compound
  (``NATO-Staaten``);
* a club or institution prefix before a place (``VfL Osnabrück``,
  ``TU Berlin``, ``Landgericht Köln``): the whole is an organisation;
* a person-shaped run of capitalised words opened by a given name
  (``Olaf Scholz``) or introduced by a title or role (``Außenministerin Choe
  Son Hui``, ``Machthabers Kim Jong Un``), or a name after a verb of saying
  (``..., sagte Barth.``);
* a place-name ending after a locative preposition (``in Twistringen``);
* a legal-form suffix (``Zalando SE``) or an acronym in an organisation
  context (``die Gewerkschaft GDL``).

Every rule returns :class:`Candidate` spans; :mod:`indexer.entities.extract`
resolves overlaps.
"""

from __future__ import annotations

import re

from indexer.entities.gazetteer import Gazetteer
from indexer.entities.model import Candidate
from indexer.entities.tokens import Tokens

#: A word that can be part of a person's name.
NAME_WORD = re.compile(r"[A-ZÄÖÜ][a-zäöüßàáâãçèéêëìíîïñòóôõšžćčłńśźżğışř'’]+"
                       r"(?:-[A-ZÄÖÜ][a-zäöüßàáâãçèéêëìíîïñòóôõšžćčłńśźżğışř'’]+)?")
ACRONYM = re.compile(r"[A-ZÄÖÜ]{2,5}")
NAME_PARTICLES = frozenset({"von", "van", "de", "da", "di", "del", "della", "bin", "al", "zu",
                            "von der", "van der", "van den", "de la", "von und zu", "ibn"})
LEGAL_SUFFIXES = frozenset({"AG", "GmbH", "SE", "KG", "KGaA", "Inc", "Ltd", "Corp", "plc",
                            "e.V", "eG", "Holding"})
MAX_NAME_WORDS = 4
#: Capitalised words that are never part of a person's name.
NOT_NAMES = frozenset("""
Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Januar Februar März April Mai
Juni Juli August September Oktober November Dezember Ende Anfang Mitte Jahr Jahren Woche
Wochen Tag Tage Tagen Uhr Prozent Euro Dollar Millionen Milliarden Ja Nein Herr Frau Damen
Herren Bürger Menschen Regierung Partei Land Länder Stadt Staat Staaten Krieg Frieden
Am Im Auf Aus Bei Bis Das Dem Den Der Des Die Ein Eine Einem Einen Einer Er Es Für In Mit
Nach Nun Seit Sie Um Und Von Vor Wie Zu Zum Zur Auch Aber Doch Dann So Als Wenn Weil Noch
Mehr Nicht Kein Keine Man Wir Ich Du Ihr Unter Über Gegen Ohne Neben Laut Trotz Während
Dies Diese Dieser Dieses Jetzt Heute Gestern Morgen Hier Dort Da Dabei Damit Dazu Deshalb
Denn Oder Sowie Bereits Schon Nur Sogar Immer Wieder Zudem Außerdem Allerdings Jedoch
Insgesamt Zunächst Später Danach Dagegen Daher Somit Vielleicht Wer Was Wo Warum Welche
St Sankt Bad Nord Süd Ost West Innen Außen Der Die Das Mr Mrs Ms Dr Prof
""".split())
#: Endings of German nouns: a capitalised word with one is no surname.
NOUN_ENDING = re.compile(
    r"[\w-]{3,}(?:ung|ungen|heit|keit|schaft|ismus|ion|ionen|tät|tum|nis|sieg|kurs|rede|besuch|plan|"
    r"gesetz|krieg|wahl|amt|zeit|reise|partei|team|kabinett|regierung|sprecher|politik|"
    r"erklärung|nachfolger|vorgänger|worten|angaben|sicht|tochter|leute|straße|strasse|str|"
    r"weg|platz|allee|gasse|ufer|damm|chaussee|trikots?|"
    r"ische|ischen|ischer|isches|liche|lichen|licher|iges|igen|iger)")

#: Words after a name-shaped run that make it part of an organisation or place name.
NAME_OF_SOMETHING_ELSE = frozenset("""
Band Theatre Theater School Schule Gymnasium Stiftung Institut Verlag Preis Award Trophy
Orchester Ensemble Quartett Trio Group Company Foundation University College Center Centre
Stadion Arena Halle Museum Galerie Klinik Straße Platz Brücke Airport Hotel Spurs Memorial
""".split())
#: Words before a place: "in Essen", "aus Halle".
PLACE_PREPOSITIONS = frozenset({"in", "aus", "nach", "bei", "über", "durch", "nahe",
                                "Richtung", "zwischen", "bis", "gen"})
#: Endings of German and East European place names.
PLACE_ENDING = re.compile(
    r"\w{2,}(?:burg|berg|dorf|hausen|heim|feld|felde|hagen|rode|ingen|leben|stedt|städt|"
    r"itz|witz|bach|furt|brück|brücken|born|kirchen|hofen|weiler|walde|werder|münde|"
    r"grad|sk|insk|polis|ville)$")
NOT_PLACE_ENDING = re.compile(r"(?:ungen|lingen|heitsfeld|vorfeld|umfeld|bereich)$")

#: Prefixes that make "PREFIX + place" an organisation: clubs and institutions.
ORG_PREFIXES = frozenset("""
FC SC SV VfL VfB TSV MSV THW TSG SpVgg FSV SG HSV KSC RB BSC SSV ESV TuS TV AS AC
Borussia Eintracht Fortuna Arminia Alemannia Preußen Hertha Inter Real Atlético Olympique
Dynamo Dinamo Lokomotive Spartak Zenit Sporting Racing Rapid Austria Union Kickers Stuttgarter
TU TH FU LMU HU Universität Hochschule Fachhochschule Landgericht Amtsgericht Oberlandesgericht
Verwaltungsgericht Sozialgericht Arbeitsgericht OLG Staatsanwaltschaft Stadtwerke Staatsoper
Staatstheater Staatskapelle Philharmonie Stadtverwaltung Bezirksamt Landratsamt Polizeipräsidium
""".split())
#: Nouns right before an acronym that make it an organisation ("Partei AfD").
ORG_CUES = frozenset("""
Partei Parteien Verband Verbandes Gewerkschaft Konzern Konzerns Unternehmen Unternehmens
Firma Sender Senders Verein Vereins Klub Club Bank Agentur Behörde Institut Instituts
Organisation Bündnis Fraktion Miliz Hersteller Autobauer Fluggesellschaft Airline Versicherer
Stiftung Gruppe Zeitung Magazin Nachrichtenagentur Rundfunk Ministerium Kommission Universität
""".split())
#: Words right before a person's name in reported speech ("sagte Barth").
SPEECH_VERBS = frozenset("""
sagte sagten erklärte betonte meinte ergänzte berichtete kritisierte warnte forderte
schrieb teilte fügte so sagt erklärt betont meint kritisiert warnt fordert schreibt
""".split())
_AFTER_SPEECH_VERB = re.compile(r"(?<!\w)(?:%s) (?=[A-ZÄÖÜ])" % "|".join(sorted(SPEECH_VERBS)))
_AFTER_PLACE_PREPOSITION = re.compile(
    r"(?<!\w)(?:%s) ([A-ZÄÖÜ][\w]+)(?![\w-])" % "|".join(sorted(PLACE_PREPOSITIONS)))


def _strip_genitive(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def is_title(word: str, titles: frozenset[str]) -> bool:
    """A title or role, inflected or not (``Präsidenten``, ``Machthabers``)."""
    known = _title_cache.get(word)
    if known is None:
        known = _title_cache[word] = _is_title(word, titles)
    return known


_title_cache: dict[str, bool] = {}


def _is_title(word: str, titles: frozenset[str]) -> bool:
    if word in titles:
        return True
    for suffix in ("s", "es", "n", "en", "in", "innen", "nen"):
        if word.endswith(suffix) and word[: -len(suffix)] in titles:
            return True
    if "-" in word:  # "US-Präsident", "Ex-Kanzler"
        return _is_title(word.rsplit("-", 1)[-1], titles)
    return False


# -- gazetteer ---------------------------------------------------------------


def gazetteer_names(tokens: Tokens, gazetteer: Gazetteer) -> list[Candidate]:
    """Longest gazetteer matches, genitive places, organisations heading compounds."""
    found = []
    words, adjacent = tokens.words, tokens.adjacent
    openers = gazetteer.openers
    for i, word in enumerate(words):
        if word not in openers:  # opens no name, not even with a genitive -s
            if "-" in word:
                _organisation_heading(tokens, i, gazetteer, found)
            continue
        base = _strip_genitive(word)
        longest = max(gazetteer.longest.get(word, 0), gazetteer.longest.get(base, 0))
        hit = None
        for length in range(min(longest, len(words) - i), 0, -1):
            if length > 1 and not all(adjacent[i + 1:i + length]):
                continue
            span = tuple(words[i:i + length])
            entry = gazetteer.lookup(span)
            if entry is None and span[-1] != _strip_genitive(span[-1]):
                entry = gazetteer.lookup(span[:-1] + (_strip_genitive(span[-1]),))
                if entry and (entry[0] == "PER" or span[-1][:-1].isupper()):
                    entry = None  # "NATOs" is rare; "IS" + s is no name
            if entry:
                hit = (length, entry)
                break
        if hit:
            length, (kind, canonical) = hit
            if length == 1 and _strip_genitive(word) in gazetteer.ambiguous_places and \
                    tokens.word_before(i) not in PLACE_PREPOSITIONS:
                continue
            found.append(Candidate(tokens.starts[i], tokens.ends[i + length - 1], kind,
                                   canonical, 5 if length > 1 else 3))
            continue
        if "-" in word:
            _organisation_heading(tokens, i, gazetteer, found)
    return found


def _organisation_heading(tokens: Tokens, i: int, gazetteer: Gazetteer,
                          found: list[Candidate]) -> None:
    """A known organisation heading the hyphenated word ``i``: "NATO-Staaten", "CDU-Chef"."""
    head = tokens.words[i].split("-", 1)[0]
    entry = gazetteer.lookup((head,))
    if entry and entry[0] == "ORG":
        start = tokens.starts[i]
        found.append(Candidate(start, start + len(head), "ORG", entry[1], 2))


def lowercase_names(tokens: Tokens, gazetteer: Gazetteer) -> list[Candidate]:
    """Names written in lowercase (``dpa``, ``taz``), which capitalised words miss."""
    if gazetteer.lowercase_names is None:
        return []
    found = []
    for match in gazetteer.lowercase_names.finditer(tokens.text):
        kind, canonical = gazetteer.names[tuple(match.group(0).split())]
        found.append(Candidate(match.start(), match.end(), kind, canonical, 3))
    return found


def clubs_and_institutions(tokens: Tokens, gazetteer: Gazetteer) -> list[Candidate]:
    """``VfL Osnabrück``, ``1. FC Köln``, ``TU Berlin``, ``Mainz 05``."""
    found = []
    words, text = tokens.words, tokens.text
    for i in range(1, len(words)):
        if not tokens.adjacent[i] or words[i - 1] not in ORG_PREFIXES:
            continue
        kind = gazetteer.kind_of(words[i])
        if kind != "LOC" and not (kind is None and words[i - 1] in ("FC", "SC", "SV", "TSV")
                                  and NAME_WORD.fullmatch(words[i])):
            continue
        start = tokens.starts[i - 1]
        if text[max(0, start - 3):start] == "1. ":
            start -= 3
        end = tokens.ends[i]
        number = re.match(r" (0\d|\d\d)\b(?![.,:%]\d)", text[end:end + 4])
        if number:
            end += number.end()
        found.append(Candidate(start, end, "ORG", text[start:end], 6))
    for i, word in enumerate(words):  # "Mainz 05", "Schalke 04", "Hannover 96"
        if gazetteer.kind_of(word) != "LOC":
            continue
        end = tokens.ends[i]
        if _CLUB_NUMBER.match(text, end, end + 12) and \
                tokens.word_before(i) not in ("in", "aus", "nach", "bis", "seit"):
            found.append(Candidate(tokens.starts[i], end + 3, "ORG", text[tokens.starts[i]:end + 3],
                                   6))
    return found


_CLUB_NUMBER = re.compile(r" (0[1-9]|[1-9]\d)(?![\d.,:%])(?! (?:Jahre|Prozent|Euro|Mal))")


# -- persons -----------------------------------------------------------------


def person_runs(tokens: Tokens, gazetteer: Gazetteer) -> list[Candidate]:
    """Name-shaped runs opened by a given name or introduced by a title."""
    found = []
    words = tokens.words
    first_names = gazetteer.first_names
    i = 0
    while i < len(words):
        word = words[i]
        if i + 1 < len(words) and tokens.adjacent[i + 1] and is_title(word, gazetteer.titles):
            end = _name_run(tokens, i + 1, gazetteer)
            if end > i + 1:
                if not _names_something_else(tokens, end):
                    found.append(_person(tokens, i + 1, end, 2))
                i = end
                continue
        # A hyphenated given name is one only if every part is ("Frank-Walter",
        # not "Corona-Pandemie").
        if (word in first_names if "-" not in word else
                all(part in first_names for part in word.split("-"))) \
                and NAME_WORD.fullmatch(word):
            end = _name_run(tokens, i, gazetteer)
            if end >= i + 2:
                if not _names_something_else(tokens, end):
                    found.append(_person(tokens, i, end, 4))
                i = end
                continue
        i += 1
    return found


def _names_something_else(tokens: Tokens, end: int) -> bool:
    """The run is followed by "Band", "Stiftung", "Straße" ...: not a person."""
    return end < len(tokens.words) and tokens.adjacent[end] and \
        tokens.words[end] in NAME_OF_SOMETHING_ELSE


def reported_speech(tokens: Tokens, gazetteer: Gazetteer) -> list[Candidate]:
    """``..., sagte Barth.``: a name after a verb of saying, before punctuation."""
    found = []
    words = tokens.words
    for match in _AFTER_SPEECH_VERB.finditer(tokens.text):
        i = tokens.index_at(match.end())
        if i is None or gazetteer.kind_of(words[i]):
            continue
        end = _name_run(tokens, i, gazetteer)
        if end > i and end - i <= 2 and tokens.text_after(end - 1, 1) in (".", ",", ";", "") \
                and not NOUN_ENDING.fullmatch(words[end - 1]):
            found.append(_person(tokens, i, end, 2))
    return found


def _person(tokens: Tokens, first: int, end: int, priority: int) -> Candidate:
    return Candidate(tokens.starts[first], tokens.ends[end - 1], "PER", "", priority)


def _name_run(tokens: Tokens, start: int, gazetteer: Gazetteer) -> int:
    """End index (exclusive) of the name-shaped run starting at word ``start``."""
    words = tokens.words
    end = start
    while end < len(words) and end - start < MAX_NAME_WORDS:
        word = words[end]
        if end > start and not tokens.adjacent[end] and tokens.gap(end) not in NAME_PARTICLES \
                and not (tokens.gap(end) == "." and len(words[end - 1]) == 1):
            break
        if end > start and len(word) == 1 and tokens.text_after(end, 1) == "." and \
                end + 1 < len(words) and tokens.gap(end + 1) == ".":
            end += 1  # a middle initial: "George W. Bush"
            continue
        if word in NOT_NAMES or not NAME_WORD.fullmatch(word) or \
                is_title(word, gazetteer.titles) or NOUN_ENDING.fullmatch(word):
            break
        if end > start and gazetteer.kind_of(word) and word not in gazetteer.first_names:
            break
        end += 1
        if end - start >= 2 and _genitive_before_noun(tokens, end, gazetteer):
            break  # "Joe Bidens Wahlsieg", "Heidi Klums Modelsuche"
    return end


def _genitive_before_noun(tokens: Tokens, end: int, gazetteer: Gazetteer) -> bool:
    """The run's last word is a genitive followed by a capitalised noun."""
    words = tokens.words
    last = words[end - 1]
    return (last.endswith("s") and last not in gazetteer.first_names and end < len(words)
            and tokens.adjacent[end] and words[end] not in gazetteer.first_names
            and not words[end].isupper())


# -- places ------------------------------------------------------------------


def places_by_ending(tokens: Tokens, gazetteer: Gazetteer) -> list[Candidate]:
    """``in Twistringen``: a place-name ending right after a locative preposition."""
    found = []
    for match in _AFTER_PLACE_PREPOSITION.finditer(tokens.text):
        word = match.group(1)
        if PLACE_ENDING.fullmatch(word) and not NOT_PLACE_ENDING.search(word) and \
                word not in gazetteer.first_names and tokens.index_at(match.start(1)) is not None:
            found.append(Candidate(match.start(1), match.end(1), "LOC", word, 1))
    return found


# -- organisations -----------------------------------------------------------


_ACRONYM_IN_PARENTHESES = re.compile(r"\( ?([A-ZÄÖÜ]{2,6}) ?\)")
_LONG_FORM_WORD = re.compile(r"[A-ZÄÖÜ][\w'’]*(?:-[\w'’]+)*|für|der|des|und|von|of|for|the|de|du")


def defined_acronyms(tokens: Tokens, gazetteer: Gazetteer) -> list[Candidate]:
    """``Institut für Corporate Governance ( ICG )``: long form and acronym."""
    found = []
    text = tokens.text
    for match in _ACRONYM_IN_PARENTHESES.finditer(text):
        acronym = match.group(1)
        if gazetteer.kind_of(acronym) not in (None, "ORG"):
            continue
        words = list(_LONG_FORM_WORD.finditer(text, max(0, match.start() - 120), match.start()))
        initials: list[str] = []
        first = None
        for word in reversed(words):
            if text[word.end():first.start() if first else match.start()].strip():
                break  # something else stands between: the long form ended
            if word.group(0)[0].isupper() and word.group(0) not in LEGAL_SUFFIXES:
                initials[:0] = [part[0].upper() for part in word.group(0).split("-") if part]
            first = word
            if "".join(initials) == acronym:
                break
        if first is None or "".join(initials) != acronym or len(initials) < 2:
            continue
        long_end = match.start() - 1 if text[match.start() - 1] == " " else match.start()
        found.append(Candidate(first.start(), long_end, "ORG", text[first.start():long_end], 2))
        found.append(Candidate(match.start(1), match.end(1), "ORG", acronym, 2))
    return found


def organisation_forms(tokens: Tokens, gazetteer: Gazetteer) -> list[Candidate]:
    """Legal-form suffixes (``Musterwerk Holding AG``) and acronyms after a cue."""
    found = []
    words, text = tokens.words, tokens.text
    for i, word in enumerate(words):
        if ACRONYM.fullmatch(word) and i > 0 and tokens.adjacent[i] and \
                words[i - 1] in ORG_CUES and not gazetteer.kind_of(word):
            found.append(Candidate(tokens.starts[i], tokens.ends[i], "ORG", word, 1))
        suffix = word.rstrip(".")
        if suffix in LEGAL_SUFFIXES and i > 0 and tokens.adjacent[i]:
            first = i - 1
            while first > 0 and tokens.adjacent[first] and i - first < 3 and \
                    words[first - 1] not in NOT_NAMES:
                first -= 1
            if words[first] in NOT_NAMES:
                first += 1
            if first < i:
                end = tokens.ends[i] + (1 if text[tokens.ends[i]:tokens.ends[i] + 1] == "."
                                        and suffix in ("Inc", "Ltd", "Corp", "e.V") else 0)
                found.append(Candidate(tokens.starts[first], end, "ORG",
                                       text[tokens.starts[first]:end], 3))
    return found
