"""Citable searches: "query Q on archive version G: N articles", and how it was searched.

A paper must be able to cite a search and anyone must be able to run it
again: :func:`citation` gives the generation the search ran on, its hit
count, the day of access, a permalink pinned to that generation and a
German methods sentence saying what was searched and how the archive
analyses words (stemming, compounds, variants), ready to copy.
"""

from __future__ import annotations

from datetime import date

from indexer.searching.search import SearchResult

FILTER_NAMES = {"person": "Person", "place": "Ort", "org": "Organisation",
                "section": "Ressort", "source": "Quelle", "year": "Jahr", "month": "Monat",
                "cluster": "Fassungen von"}
ANALYSIS = ("Die Suche findet Wörter in Titel und Text unabhängig von Groß- und "
            "Kleinschreibung, von der Schreibung mit Umlaut oder ae/oe/ue, ß oder ss und "
            "von Schreibvarianten alter und neuer Rechtschreibung, führt sie auf ihre "
            "Stammform zurück (Snowball-Stemmer für das Deutsche) und findet sie auch als "
            "Teil zusammengesetzter Wörter (»Wahl« in »Bundestagswahl«, schwächer "
            "gewichtet); ein zusammengesetztes Suchwort findet auch seine getrennt "
            "geschriebenen Teile. Wörter in Anführungszeichen werden als Phrase wörtlich "
            "gesucht; Stoppwörter wie »der« oder »und« zählen nur in Phrasen.")


def citation(result: SearchResult, documents: int, permalink: str, api_url: str,
             accessed: date) -> dict:
    """The citation of one search result (see module docs); ``documents``: archive size."""
    request = result.request
    return {
        "generation": result.generation,
        "documents": documents,
        "total": result.total,
        "counting": "clusters" if request.collapse else "articles",
        "accessed": accessed.isoformat(),
        "permalink": permalink,
        "api": api_url,
        "query": result.to_dict()["query"],
        "methods": methods_sentence(result, documents, accessed),
        "citation": (f"Nachrichtenarchiv, Indexstand {result.generation} "
                     f"({_number(documents)} Artikel): Suche »{request.q or '*'}«, "
                     f"{_number(result.total)} {_hits(request.collapse)}. {permalink} "
                     f"(abgerufen am {_day(accessed)})."),
    }


def methods_sentence(result: SearchResult, documents: int, accessed: date) -> str:
    """A German account of the search for a methods section."""
    request = result.request
    what = f"nach »{request.q}«" if request.q.strip() else "nach allen Artikeln"
    parts = [f"Gesucht wurde {what}{_restrictions(result)} im Nachrichtenarchiv, Indexstand "
             f"{result.generation} ({_number(documents)} Artikel), am {_day(accessed)}: "
             f"{_number(result.total)} {_hits(request.collapse)}."]
    if request.collapse:
        parts.append("Fassungen derselben Meldung (Dubletten) sind zusammengefasst und "
                     "zählen einmal.")
    if result.corrections:
        parts.append("Im Archiv nicht vorkommende Wörter wurden zusätzlich in ihrer nächsten "
                     "Schreibung gesucht: " + ", ".join(
                         f"»{c.word}« auch als »{c.searched_as}«" for c in result.corrections)
                     + ".")
    parts.append(ANALYSIS)
    if request.q.strip() and request.sort == "relevance":
        parts.append("Die Treffer sind nach Relevanz geordnet (BM25F, Treffer im Titel doppelt "
                     "gewichtet).")
    else:
        parts.append("Die Treffer sind nach Datum geordnet.")
    return " ".join(parts)


def _restrictions(result: SearchResult) -> str:
    request = result.request
    found = []
    for key, values in request.filters.items():
        found.append(f"{FILTER_NAMES.get(key, key)}: {' oder '.join(values)}")
    for key, values in request.exclude.items():
        found.append(f"ohne {FILTER_NAMES.get(key, key)}: {', '.join(values)}")
    text = f" mit den Filtern {'; '.join(found)}" if found else ""
    if request.date_from or request.date_to:
        start = _day(request.date_from) if request.date_from else "…"
        end = _day(request.date_to) if request.date_to else "…"
        text += f" im Zeitraum {start}–{end}"
    if request.since:
        text += f", unter den nach dem {request.since.isoformat()} aufgenommenen Artikeln"
    if request.not_forms:
        text += f", ohne Treffer allein über die Wortformen {', '.join(request.not_forms)}"
    return text


def _hits(collapse: bool) -> str:
    return "Meldungen" if collapse else "Treffer"


def _day(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")
