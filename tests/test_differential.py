"""Differential test: search() against an oracle written plainly here.

The oracle reads the articles of a small archive with its own rules (a word
regex, umlaut folding, Snowball stems, boolean, phrase, prefix and date logic)
and never calls the engine's analyzer.  Queries are generated from the
archive's own words and from templates for each class of behaviour; for
every query, the set of matching articles must be the same.

The oracle's rules, which are the documented query language:

* a word matches a word of the text, or a part of a word joined by hyphens
  or apostrophes (``Staaten`` in ``NATO-Staaten``, ``geht`` in ``geht’s``),
  or a part of a closed compound listed in :data:`COMPOUNDS`, when their
  Snowball stems after folding are equal; ``’ ‘ ` ´`` are the apostrophe ``'``;
* stopwords (:data:`STOPWORDS`, in any spelling) are dropped from a query
  unless the query has nothing else;
* a phrase matches whole words of one field, one right after the other;
* a prefix matches words and word parts starting with it after folding,
  without stemming;
* ``date:`` and ``year:`` values are days in Europe/Berlin; undated articles
  match no date;
* ``-x`` and ``NICHT x`` alone mean every article without ``x``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import snowballstemmer
from conftest import archive_of

from indexer.searching.search import SearchRequest, search

BERLIN = ZoneInfo("Europe/Berlin")

# (id, date in ISO 8601 or None, title, body)
ARTICLES = [
    ("gelbrot", "2005-03-01T00:30:00+01:00", "Platzverweis im Derby",
     "Der Verteidiger sah die Gelb-Rote Karte nach einem groben Foul. "
     "Ohne ihn geht’s für die Gäste schwer weiter."),
    ("gelb", "2005-02-28T23:30:00+00:00", "Sperre für den Stürmer",
     "Nach der fünften Gelben Karte muss der Stürmer pausieren. Die Rote Karte blieb aus."),
    ("us-praesident", "2007-06-15T12:00:00+02:00", "Frist aus Washington",
     "Der Kongress setzt US-Präsident Bush eine Frist. Die Demokraten fordern Antworten "
     "vor der Bundestagswahl."),
    ("praesident", "2007-07-01T09:00:00+02:00", "Frist für den Präsidenten",
     "Die Partei setzt Präsident Müller eine Frist. Er antwortet über einen Sprecher."),
    ("hypo-skandal", "2008-01-10T10:00:00+01:00", "Teure Affäre",
     "Die Aufarbeitung des Hypo-Skandals vernichtet Vertrauen in Kärnten."),
    ("hypo", "2008-02-10T10:00:00+01:00", "Akten verschwunden",
     "Die Hypo vernichtet Akten, berichtet ein Zeuge vor dem Ausschuss."),
    ("oebb-infrastruktur", "2006-05-02T08:00:00+02:00", "Baustelle am Bahnhof",
     "Die Arbeiten der ÖBB-Infrastruktur AG beginnen im Mai."),
    ("oebb", "2006-05-20T08:00:00+02:00", "Rücktritt im Vorstand",
     "Der Chef der ÖBB AG tritt zurück, sein Nachfolger kommt aus Linz."),
    ("nato-staaten", "2004-04-01T12:00:00+02:00", "Gipfel in Brüssel",
     "Die NATO-Staaten fordern mehr Geld. Kanada zögert."),
    ("nato", "2004-11-30T23:30:00+01:00", "Streit im Bündnis",
     "Die NATO fordert Einigkeit, viele Staaten zögern noch."),
    ("apostroph-gerade", "2020-01-01T00:15:00+01:00", "Filiale eröffnet",
     "Wie geht's weiter? McDonald's eröffnet eine Filiale in Muenchen. "
     "Eugene O'Neill hätte darüber geschrieben."),
    ("apostroph-typo", "2019-12-31T23:30:00+00:00", "Physik erklärt",
     "So geht’s: Die Heisenberg’sche Formel, erklärt bei McDonald’s von Eugene O’Neill."),
    ("apostroph-andere", "2020-12-31T23:30:00+01:00", "Kurz notiert",
     "Gibt´s das? Wie steht`s um McDonald‘s Filiale?"),
    ("heisenberg", "2021-06-30T23:59:00+02:00", "Ein Physiker in Leipzig",
     "Werner Heisenberg lehrte in Leipzig Physik."),
    ("muenchen", "2021-07-01T00:01:00+02:00", "Sperrung",
     "Die Straße in München ist gesperrt, sagt die Polizei."),
    ("munchen", "2021-12-31T12:00:00+01:00", "Grüße",
     "Grüße aus Munchen und von der Strasse nebenan."),
    ("krieg-fuer", "2022-03-01T12:00:00+01:00", "Ein Plädoyer",
     "Ein Plädoyer für den Frieden und gegen den Krieg."),
    ("krieg-ueber", "2022-03-02T12:00:00+01:00", "Ein Buch",
     "Ein Buch über den Krieg erscheint im Herbst."),
    ("krieg", "2022-03-03T12:00:00+01:00", "Lage",
     "Der Krieg dauert an, die Lage bleibt ernst."),
    ("reform", "2023-05-05T12:00:00+02:00", "Reform",
     "Er sagte, daß er fuer die Reform sei und ueber die Folgen nachdenke. "
     "Ob er muß, wer weiß das. Die Wahl ist im September, die Landtagswahlen später."),
    ("untersuchung", "2023-06-06T12:00:00+02:00", "Untersuchung",
     "Die Untersuchung dauert. Weitere Untersuchungen laufen seit Wochen."),
    ("untersucht", "2023-06-07T12:00:00+02:00", "Der Fall",
     "Die Polizei untersucht den Fall."),
    ("anlass", None, "Konzert",
     "Anlässlich des Jubiläums gab es ein Konzert. Der Anlass war würdig."),
    ("inhalt", None, "Rede",
     "Inhaltlich blieb die Rede vage, der Inhalt dünn."),
    ("hoch", "2024-02-29T12:00:00+01:00", "Im Gebirge",
     "Die Hochebene liegt hoch über dem Tal. Die Hochzeit findet oben statt."),
    ("regierung", "2024-03-31T01:30:00+01:00", "Die Regierung",
     "Die Regierung will regieren. Im Theater führt ein Regisseur Regie."),
]

#: Closed compounds of the archive and their parts (words joined without a hyphen).
COMPOUNDS = {
    "baustelle": ("bau", "stelle"),
    "bundestagswahl": ("bundestag", "wahl"),
    "hochebene": ("hoch", "ebene"),
    "landtagswahlen": ("landtag", "wahl"),
    "platzverweis": ("platz", "verweis"),
}

#: The stopwords among the words of the archive (function words, dropped from queries).
STOPWORDS = {"am", "an", "aus", "bei", "das", "dass", "dem", "den", "der", "des", "die", "ein",
             "eine", "einem", "einen", "er", "es", "für", "hatte", "ihn", "im", "in", "ist",
             "muss", "nach", "noch", "ob", "sein", "so", "über", "um", "und", "von", "vor", "war",
             "wer", "wie"}

WORD = re.compile(r"\w+(?:['’‘`´]\w+)*(?:-\w+(?:['’‘`´]\w+)*)*")
_STEMMER = snowballstemmer.stemmer("german")


def fold(word: str) -> str:
    """Lowercase; apostrophes as '; ß as ss; ä, ae (not after a vowel or q) as a; same for o, u."""
    word = word.lower()
    for apostrophe in "’‘`´":
        word = word.replace(apostrophe, "'")
    word = re.sub(r"(?<![qaeiouäöü])(ae|oe|ue)", lambda m: m.group(1)[0], word)
    for letter, plain in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss")):
        word = word.replace(letter, plain)
    return word


def stem(word: str) -> str:
    folded = fold(word)
    if len(folded) < 4 or folded[0].isdigit():
        return folded
    return _STEMMER.stemWord(folded)


FOLDED_STOPWORDS = {fold(word) for word in STOPWORDS}


def tokens(text: str) -> list[str]:
    return WORD.findall(text)


def pieces(token: str) -> list[str]:
    """A token and, if it has any, its pieces joined by hyphens or apostrophes."""
    found = [p for p in re.split(r"[-'’‘`´]", token) if p]
    return [token] + found if len(found) > 1 else [token]


def parts(token: str) -> list[str]:
    """A token's pieces and the parts of those that are closed compounds."""
    found = pieces(token)
    return found + [part for piece in found for part in COMPOUNDS.get(fold(piece), ())]


@dataclass(frozen=True)
class Article:
    id: str
    day: int  # yyyymmdd in Berlin, 0 if undated
    fields: tuple[list[str], list[str]]  # title tokens, body tokens

    @property
    def words(self) -> set[str]:
        """Stems of every word and word part."""
        return {stem(p) for field in self.fields for token in field for p in parts(token)}

    @property
    def forms(self) -> set[str]:
        """Folded words and word parts (what a prefix is matched against)."""
        return {fold(p) for field in self.fields for token in field for p in pieces(token)}


def articles() -> list[Article]:
    found = []
    for doc_id, when, title, body in ARTICLES:
        day = 0
        if when:
            local = datetime.fromisoformat(when).astimezone(BERLIN)
            day = local.year * 10000 + local.month * 100 + local.day
        found.append(Article(doc_id, day, (tokens(title), tokens(body))))
    return found


# -- queries: a text for the engine and a predicate for the oracle -------------


class Q:
    text: str

    def stopword(self) -> bool:
        return False


@dataclass(frozen=True)
class Word(Q):
    word: str

    @property
    def text(self) -> str:
        return self.word

    def stopword(self) -> bool:
        return fold(self.word) in FOLDED_STOPWORDS

    def __call__(self, article: Article) -> bool:
        if "-" in self.word:  # a hyphenated word matches that word as a whole
            return any(stem(t) == stem(self.word) for f in article.fields for t in f)
        return stem(self.word) in article.words


@dataclass(frozen=True)
class Phrase(Q):
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return '"' + " ".join(self.words) + '"'

    def __call__(self, article: Article) -> bool:
        wanted = [stem(w) for w in self.words]
        for field in article.fields:
            stems = [stem(t) for t in field]
            for start in range(len(stems) - len(wanted) + 1):
                if stems[start:start + len(wanted)] == wanted:
                    return True
        return False


@dataclass(frozen=True)
class Prefix(Q):
    prefix: str

    @property
    def text(self) -> str:
        return self.prefix + "*"

    def __call__(self, article: Article) -> bool:
        return any(form.startswith(fold(self.prefix)) for form in article.forms)


@dataclass(frozen=True)
class Dates(Q):
    text: str
    first: int
    last: int

    def __call__(self, article: Article) -> bool:
        return article.day != 0 and self.first <= article.day <= self.last


@dataclass(frozen=True)
class And(Q):
    clauses: tuple[Q, ...]

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.clauses)

    def __call__(self, article: Article) -> bool:
        return all(c(article) for c in self.kept())

    def kept(self) -> tuple[Q, ...]:
        kept = tuple(c for c in self.clauses if not c.stopword())
        return kept or self.clauses


@dataclass(frozen=True)
class Or(Q):
    clauses: tuple[Q, ...]
    word: str = "OR"

    @property
    def text(self) -> str:
        return "(" + f" {self.word} ".join(c.text for c in self.clauses) + ")"

    def __call__(self, article: Article) -> bool:
        return any(c(article) for c in self.clauses)


@dataclass(frozen=True)
class Not(Q):
    clause: Q
    spelling: str = "-"

    @property
    def text(self) -> str:
        return f"{self.spelling}{self.clause.text}"

    def __call__(self, article: Article) -> bool:
        return not self.clause(article)


# -- generated queries, by class ---------------------------------------------------


def content_words(archive: list[Article]) -> list[str]:
    words = sorted({t for a in archive for f in a.fields for t in f
                    if len(t) > 2 and not t.isdigit()})
    return [w for w in words if fold(w) not in FOLDED_STOPWORDS]


def hyphen_queries(archive: list[Article], rng: random.Random) -> list[Q]:
    queries: list[Q] = [Phrase(tuple(p.split())) for p in (
        "Gelben Karte", "Gelb-Rote Karte", "Rote Karte", "setzt Präsident", "setzt US-Präsident",
        "Hypo vernichtet", "Hypo-Skandals vernichtet", "der ÖBB AG", "ÖBB-Infrastruktur AG",
        "NATO-Staaten fordern", "Staaten fordern", "Staaten zögern", "die Gelb-Rote")]
    queries += [Word(w) for w in ("NATO", "Staaten", "NATO-Staaten", "Präsident", "Karte",
                                  "Gelb", "Rote", "ÖBB", "Infrastruktur", "Hypo", "Skandals")]
    for article in archive:
        for field in article.fields:
            for first, second in zip(field, field[1:]):
                queries.append(Phrase((first, second)))
                for token, other, before in ((first, second, False), (second, first, True)):
                    if "-" in token:
                        for piece in token.split("-"):
                            words = (other, piece) if before else (piece, other)
                            queries.append(Phrase(words))
    rng.shuffle(queries)
    return queries


def apostrophe_queries(archive: list[Article], rng: random.Random) -> list[Q]:
    words = ["geht", "geht’s", "geht's", "geht´s", "McDonald’s", "McDonald's", "McDonald‘s",
             "McDonald", "Heisenberg", "Heisenberg’sche", "Heisenberg'sche", "O’Neill",
             "O'Neill", "Neill", "gibt's", "steht’s"]
    queries: list[Q] = [Word(w) for w in words]
    queries += [Phrase(tuple(p.split())) for p in ("So geht’s", "Wie geht's", "wie geht’s weiter",
                                                   "Eugene O'Neill", "bei McDonald's")]
    queries += [And((Word(rng.choice(words)), Word(rng.choice(words)))) for _ in range(10)]
    return queries


def umlaut_queries(archive: list[Article], rng: random.Random) -> list[Q]:
    words = ["München", "Muenchen", "Munchen", "Straße", "Strasse", "Grüße", "Gruesse",
             "Müller", "Mueller", "Kärnten", "Kaernten", "Bündnis", "Buendnis", "Brüssel"]
    digraphs = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    plain = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
    for word in content_words(archive):
        if re.search("[äöüß]", word.lower()):
            words += [word.translate(digraphs), word.lower().translate(plain), word.upper()]
    return [Word(w) for w in words] + [Phrase(("Straße", "in", "Muenchen"))]


def stopword_queries(archive: list[Article], rng: random.Random) -> list[Q]:
    spellings = ["für", "fuer", "fur", "über", "ueber", "uber", "daß", "dass", "muß", "muss"]
    queries: list[Q] = [And((Word(s), Word("Krieg"))) for s in spellings]
    queries += [And((Word(s), Word("Reform"))) for s in spellings]
    content = content_words(archive)
    for _ in range(20):
        queries.append(And((Word(rng.choice(spellings)), Word(rng.choice(content)))))
    queries += [And(tuple(Word(w) for w in q.split())) for q in ("die", "Wer war das", "für",
                                                                   "über den")]
    return queries


def date_queries(archive: list[Article], rng: random.Random) -> list[Q]:
    def period(text: str) -> tuple[int, int]:
        parts_ = [int(p) for p in text.split("-")]
        year, month, day = parts_ + [None] * (3 - len(parts_))
        first = date(year, month or 1, day or 1)
        if day:
            last = first
        elif month:
            last = date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
            last = date.fromordinal(last)
        else:
            last = date(year, 12, 31)
        return (first.year * 10000 + first.month * 100 + first.day,
                last.year * 10000 + last.month * 100 + last.day)

    values = ["2004", "2005", "2005-02", "2005-03", "2005-03-01", "2005-02-28", "2007-06",
              "2019-12-31", "2020", "2020-01-01", "2020-12", "2021-06", "2021-06-30",
              "2021-07", "2021-07-01", "2024-02-29", "2024-03", "2024-03-31", "2008"]
    queries: list[Q] = []
    for value in values:
        first, last = period(value)
        queries.append(Dates(f"date:{value}", first, last))
        if len(value) == 4:
            queries.append(Dates(f"year:{value}", first, last))
    for _ in range(40):
        a, b = sorted(rng.sample(values, 2), key=lambda v: period(v)[0])
        queries.append(Dates(f"date:[{a} to {b}]", period(a)[0], period(b)[1]))
    queries.append(Dates("date:[2020 to 2021-06]", 20200101, 20210630))
    queries.append(Dates("date:[2005-03-01 to 2005-03-01]", 20050301, 20050301))
    queries.append(Dates("date:[2020 to]", 20200101, 99991231))
    queries.append(Dates("date:[to 2019]", 1, 20191231))
    queries.append(Dates("year:[2005 to 2007]", 20050101, 20071231))
    single = [q for q in queries if isinstance(q, Dates)]
    content = content_words(archive)
    for _ in range(30):
        queries.append(And((Word(rng.choice(content)), rng.choice(single))))
    for _ in range(15):
        a, b, c = rng.sample(single, 3)
        queries.append(And((Or((a, b)), Not(c))))
    queries.append(And((Or((Dates("date:2005", 20050101, 20051231),
                            Dates("date:2007", 20070101, 20071231))),
                        Not(Dates("date:2005-03", 20050301, 20050331)))))
    return queries


def prefix_queries(archive: list[Article], rng: random.Random) -> list[Q]:
    queries: list[Q] = [Prefix(p) for p in ("Untersuchun", "Untersuchung", "Anlässli", "anlassl",
                                            "inhaltli", "Hoche", "Hochz", "regier", "Regie",
                                            "Staat", "NATO-St", "Infra", "Heisenb", "Strass",
                                            "Straß", "Münch", "Muench", "Gelb")]
    for word in content_words(archive):
        folded = word.strip("'’‘`´")
        for length in range(3, len(folded)):
            if rng.random() < 0.15 and folded[:length].isalpha():
                queries.append(Prefix(folded[:length]))
    return queries


def not_only_queries(archive: list[Article], rng: random.Random) -> list[Q]:
    content = content_words(archive)
    queries: list[Q] = []
    for word in rng.sample(content, 25):
        queries.append(Not(Word(word), rng.choice(["-", "NICHT "])))
    for _ in range(10):
        a, b = rng.sample(content, 2)
        queries.append(And((Not(Word(a)), Not(Word(b)))))
    queries.append(Not(Word("Regierung")))
    queries.append(Not(Word("Regierung"), "NICHT "))
    return queries


CLASSES = {
    "hyphens": hyphen_queries,
    "dates": date_queries,
    "prefixes": prefix_queries,
    "apostrophes": apostrophe_queries,
    "stopwords": stopword_queries,
    "not-only": not_only_queries,
    "umlauts": umlaut_queries,
}


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    records = [{"id": doc_id, "title": title, "body": body, **({"date": when} if when else {})}
               for doc_id, when, title, body in ARTICLES]
    return archive_of(tmp_path_factory.mktemp("differential"), records)


def engine(snapshot, text: str) -> set[str]:
    result = search(snapshot, SearchRequest(q=text, size=100, snippets=False))
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits}


@pytest.mark.parametrize("name", CLASSES)
def test_engine_agrees_with_the_oracle(snapshot, name):
    archive = articles()
    queries = CLASSES[name](archive, random.Random(name))
    assert len(queries) >= 20
    wrong = []
    for q in queries:
        expected = {a.id for a in archive if q(a)}
        try:
            found = engine(snapshot, q.text)
        except ValueError as error:
            wrong.append(f"{q.text!r}: error {error}")
            continue
        if found != expected:
            wrong.append(f"{q.text!r}: missing {sorted(expected - found)}, "
                         f"extra {sorted(found - expected)}")
    assert not wrong, f"{len(wrong)} of {len(queries)} queries differ:\n" + "\n".join(wrong[:25])
