"""Spelling variants are one word for search: reforms, ph and f, transliterated names."""

from __future__ import annotations

import pytest
from conftest import archive_of

from indexer.analysis.variants import parse_table, preferred_spelling, variant_table
from indexer.searching.search import SearchRequest, search


def ids(snapshot, q: str) -> set[str]:
    return {hit.id for hit in search(snapshot, SearchRequest(q=q, size=100)).hits}


#: Pairs of spellings that must find each other: reforms, ph/f, and more.
SPELLINGS = [
    ("daß", "dass"), ("muß", "muss"), ("Kuß", "Kuss"), ("Schiffahrt", "Schifffahrt"),
    ("Ballettänzer", "Balletttänzer"), ("Schlußstrich", "Schlussstrich"),
    ("Flußschiffahrt", "Flussschifffahrt"), ("Photo", "Foto"), ("Photos", "Fotos"),
    ("Photograph", "Fotograf"), ("Delphin", "Delfin"), ("Delphine", "Delfine"), ("Tip", "Tipp"),
    ("Tips", "Tipps"), ("selbständig", "selbstständig"),
    ("Selbständigkeit", "Selbstständigkeit"), ("Känguruh", "Känguru"),
    ("Portemonnaie", "Portmonee"), ("Joghurt", "Jogurt"), ("plazieren", "platzieren"),
    ("plaziert", "platziert"), ("Plazierung", "Platzierung"), ("numerieren", "nummerieren"),
    ("Stengel", "Stängel"), ("behende", "behände"), ("überschwenglich", "überschwänglich"),
    ("Gemse", "Gämse"), ("aufwendig", "aufwändig"), ("Quentchen", "Quäntchen"),
    ("Greuel", "Gräuel"), ("belemmert", "belämmert"), ("Stukkateur", "Stuckateur"),
    ("rauh", "rau"), ("rauhe", "raue"), ("Zierat", "Zierrat"), ("Tolpatsch", "Tollpatsch"),
    ("Roheit", "Rohheit"), ("Alptraum", "Albtraum"), ("Differential", "Differenzial"),
    ("essentiell", "essenziell"), ("potentiell", "potenziell"),
    ("existentiell", "existenziell"), ("substantiell", "substanziell"),
    ("Justitiar", "Justiziar"), ("Thunfisch", "Tunfisch"), ("Graphik", "Grafik"),
    ("Geographie", "Geografie"), ("Biographie", "Biografie"), ("Telephon", "Telefon"),
    ("Mikrophon", "Mikrofon"), ("Phantasie", "Fantasie"), ("phantastisch", "fantastisch"),
    ("Paragraph", "Paragraf"), ("Spaghetti", "Spagetti"), ("Ketchup", "Ketschup"),
    ("Mayonnaise", "Majonäse"), ("Exposé", "Exposee"), ("Facette", "Fassette"),
    ("Friseur", "Frisör"), ("Stop", "Stopp"),
]
#: Transliterations of names (and their genitive).
NAMES = [
    ("Selenskyj", "Selensky"), ("Selenskyj", "Zelensky"), ("Selensky", "Zelenskyy"),
    ("Zelenskys", "Selenskyj"), ("Chodorkowski", "Khodorkovsky"), ("Gaddafi", "Ghaddafi"),
    ("Gaddafi", "al-Gaddafi"), ("Ghaddafi", "al-Gaddafi"), ("Gadhafi", "Gaddafi"),
    ("Gorbatschow", "Gorbachev"), ("Nawalny", "Navalny"), ("Netanjahu", "Netanyahu"),
    ("Kiew", "Kyiv"), ("Al-Qaida", "Al-Kaida"), ("Hisbollah", "Hezbollah"),
]
#: Words a general rule must not make one.
DISTINCT = [("Phase", "Fase"), ("Philosoph", "Filosof"), ("Schiff", "Schif"), ("Mops", "Mopp"),
            ("Kanne", "Kane")]
PAIRS = SPELLINGS + NAMES


@pytest.fixture(scope="module")
def spellings(tmp_path_factory):
    records = [{"id": f"{i}-{side}", "body": f"Im Bericht steht {word} ganz am Ende."}
               for i, pair in enumerate(PAIRS + DISTINCT) for side, word in enumerate(pair)]
    return archive_of(tmp_path_factory.mktemp("spellings"), records)


def test_there_are_enough_written_pairs():
    assert len(SPELLINGS) >= 40 and len(NAMES) >= 10


@pytest.mark.parametrize("index,pair", list(enumerate(PAIRS)), ids=[" ~ ".join(p) for p in PAIRS])
def test_spelling_variants_find_and_mark_each_other(spellings, index, pair):
    for side, word in enumerate(pair):
        other = 1 - side
        result = search(spellings, SearchRequest(q=word, size=100))
        hits = {hit.id: hit for hit in result.hits}
        assert {f"{index}-0", f"{index}-1"} <= set(hits), word
        assert f"<mark>{pair[other]}</mark>" in hits[f"{index}-{other}"].snippets[0]


@pytest.mark.parametrize("pair", DISTINCT, ids=[" ~ ".join(p) for p in DISTINCT])
def test_the_rules_leave_other_words_alone(spellings, pair):
    index = len(PAIRS) + DISTINCT.index(pair)
    assert f"{index}-1" not in ids(spellings, pair[0])
    assert f"{index}-0" not in ids(spellings, pair[1])


def test_the_variant_table_reads_words_prefixes_and_names():
    table = parse_table(["Tipp|Tip", "foto*|photo*  # a comment", "[names]", "Kiew|Kyiv"])
    assert table.spelling("tips") == "tipps"
    assert table.spelling("photovoltaik") == "fotovoltaik"
    assert table.spelling("kyivs") == table.spelling("kiews") == "kiew"
    assert table.spelling("tipi") == "tipi"


def test_every_table_entry_is_reached():
    table = variant_table()
    for variant, preferred in {**table.words, **table.names}.items():
        assert preferred_spelling(variant) == preferred
    for variant, preferred in table.prefixes.items():
        assert preferred_spelling(variant + "e") == preferred + "e"
