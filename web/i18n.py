"""Interface language: German by default, English on request.

The templates are written in German and wrap every interface string in
``_()``; this module holds the English catalogue.  The language comes from
``?lang=en|de`` (kept in every link the pages build) or else from the
browser's ``Accept-Language``.  Article text is never translated.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request

LANGUAGES = ("de", "en")

ENGLISH = {
    "Nachrichtenarchiv": "News archive",
    "Zum Inhalt springen": "Skip to content",
    "Suchbegriffe": "Search terms",
    "Suchen": "Search",
    "Diese Seite als JSON": "This page as JSON",
    "Zeitraum": "Date range",
    "von": "from",
    "bis": "to",
    "ab": "from",
    "Anwenden": "Apply",
    "Filter": "Filters",
    "Personen": "People",
    "Orte": "Places",
    "Organisationen": "Organisations",
    "Ressort": "Section",
    "Quelle": "Source",
    "Jahr": "Year",
    "Monat": "Month",
    "Tag": "Day",
    "Person": "Person",
    "Ort": "Place",
    "Organisation": "Organisation",
    "ohne": "without",
    "durchsuchen": "search",
    "ausschließen": "exclude",
    "alle anzeigen": "show all",
    "weniger anzeigen": "show fewer",
    "Treffer": "results",
    "die neuesten": "the newest",
    "Diese Suche zitieren": "Cite this search",
    "Indexstand": "Archive version",
    "Abgerufen am": "Accessed",
    "Dauerhafter Link auf diesen Indexstand": "Permanent link to this archive version",
    "Methodenbeschreibung (zum Kopieren)": "Methods sentence (German, to copy)",
    "Zitierangaben als JSON": "Citation as JSON",
    "Artikel im Archiv": "articles in the archive",
    "Diese Suche als Feed": "This search as a feed",
    "Treffer für": "results for",
    "Treffer pro": "Results per",
    "Meinten Sie": "Did you mean",
    "weitere Fassung": "more version",
    "weitere Fassungen": "more versions",
    "alle Fassungen zeigen": "show every version",
    "gleiche Meldungen zusammenfassen": "collapse versions of the same story",
    "Fassungen von": "Versions of",
    "Kommt im Archiv nicht vor": "Not in the archive",
    "auch gesucht als": "also searched as",
    "nur genau so suchen": "search exactly as typed",
    "Aktive Filter": "Active filters",
    "entfernen": "remove",
    "Sortieren": "Sort",
    "Sortierung": "Sort order",
    "Relevanz": "Relevance",
    "Neueste zuerst": "Newest first",
    "Älteste zuerst": "Oldest first",
    "Alle Treffer herunterladen": "Download all results",
    "Stichwort im Kontext": "Keyword in context",
    "Titel aus dem ersten Satz": "Title taken from the first sentence",
    "Keine Artikel gefunden. Weniger oder andere Suchbegriffe versuchen, Filter entfernen.":
        "No articles found. Try fewer or other words, or remove filters.",
    "Seiten": "Pages",
    "Seite": "Page",
    "von insgesamt": "of",
    "Zurück": "Previous",
    "Weiter": "Next",
    "ohne Datum": "undated",
    "Balken anklicken grenzt den Zeitraum ein": "click a bar to narrow the dates",
    "Zurück zu den Ergebnissen": "Back to the results",
    "Original": "Original",
    "Erwähnte Namen": "Names mentioned",
    "Ähnliche Artikel": "Similar articles",
    "Fundstellen": "occurrences",
    "Fundstellen für": "occurrences of",
    "Zur Trefferliste": "Back to the result list",
    "als CSV": "as CSV",
    "Sortieren nach": "Sort by",
    "Fundstelle": "position",
    "linkes Wort": "word on the left",
    "rechtes Wort": "word on the right",
    "links": "left",
    "rechts": "right",
    "Artikel": "Article",
    "Fundstellen mit linkem und rechtem Kontext": "Occurrences with left and right context",
    "Die Suche konnte nicht ausgeführt werden": "The search could not be run",
    "Nicht gefunden": "Not found",
    "Fehler": "Error",
    "Zur Suche": "To the search",
    "English": "English",
    "Deutsch": "Deutsch",
    "Sprache": "Language",
    "Zeitverlauf": "Timeline",
    "Suche": "Query",
    "Vergleichen": "Compare",
    "alle Artikel": "all articles",
    "Treffer und Anteil an allen Artikeln des Zeitraums":
        "Results and share of all articles in the period",
    "Zeitverlauf vergleichen": "Compare over time",
}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def current_language() -> str:
    chosen = request.args.get("lang", "")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="de") or "de"


def gettext(text: str) -> str:
    """``text`` (German) in the current interface language."""
    return ENGLISH.get(text, text) if current_language() == "en" else text


def lang_query(language: str) -> str:
    """The current query string with the interface language switched."""
    args = request.args.copy()
    args["lang"] = language
    return urlencode(list(args.items(multi=True)))


def register(app: Flask) -> None:
    app.jinja_env.globals.update(_=gettext, current_language=current_language,
                                 lang_query=lang_query)
