"""Interface language: German by default, English on request.

The templates are written in German and wrap every interface string in
``_()``; :data:`ENGLISH` is their English catalogue.  Messages from the
search engine (a :class:`~indexer.searching.query.QueryError`, an HTTP
error) are written in English, the language of the JSON API;
:data:`GERMAN_MESSAGES` renders them in German on German pages, keyed by the
English template, whose ``{name}`` parts stand for any text and are carried
over.  The language comes from ``?lang=en|de`` (kept in every link the pages
build) or else from the browser's ``Accept-Language``.  Article text is
never translated.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Flask, has_request_context, request

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
    "Meinten Sie": "Did you mean",
    "weitere Fassung": "more version",
    "weitere Fassungen": "more versions",
    "alle Fassungen zeigen": "show every version",
    "gleiche Meldungen zusammenfassen": "collapse versions of the same story",
    "Fassungen von": "Versions of",
    "Kommt im Archiv nicht vor": "Not in the archive",
    "Gefundene Wortformen": "Word forms found",
    "Ein Klick lässt eine Form aus der Suche weg (oder nimmt sie wieder auf). Die Zahl sagt, "
    "wie viele Treffer sie enthalten.": "A click leaves a form out of the search (or takes "
                                         "it back). The number says how many results "
                                         "contain it.",
    "weglassen": "leave out",
    "wieder aufnehmen": "take back",
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
    "z. B. Nordkorea Soldaten, \"Tag des Sieges\", person:\"Olaf Scholz\"":
        "e.g. Nordkorea Soldaten, \"Tag des Sieges\", person:\"Olaf Scholz\"",
    "Werkzeuge": "Tools",
    "Zu den Treffern springen": "Skip to the results",
    "Zu den Filtern springen": "Skip to the filters",
    "Als Phrase suchen": "Search as a phrase",
    "Fundstellen im Kontext": "Occurrences in context",
    "Profil": "Profile",
    "Zeigen": "Show",
    "Anzahl": "Count",
    "Anteil an allen Artikeln": "Share of all articles",
    "Anteil an allen Artikeln pro": "Share of all articles per",
    "Artikel pro": "Articles per",
    "Herunterladen": "Download",
    "Treffer pro Zeitraum; ein Balken grenzt die Suche auf seinen Zeitraum ein":
        "Results per period; a bar narrows the search to its period",
    "Zählen nach": "Count by",
    "Jahre": "years",
    "Monate": "months",
    "Tage": "days",
    "Alle Suchen auf einer Skala": "All queries on one scale",
    "Ein Balken führt zu den Treffern seines Zeitraums": "A bar leads to the results of its period",
    "Keine datierten Artikel gefunden.": "No dated articles found.",
    "Summe": "Total",
    "davon": "of which",
    "Fundstellen zeigen": "Show occurrences",
    "Jede Fundstelle eines Suchbegriffs mit den Wörtern links und rechts davon, sortierbar "
    "nach den Nachbarwörtern.": "Every occurrence of a search term with the words to its left "
                               "and right, sortable by the neighbouring words.",
    "Zurück zu den Fundstellen": "Back to the occurrences",
    "Zurück zum Zeitverlauf": "Back to the timeline",
    "Zurück zum Profil": "Back to the profile",
    "Genannt in": "Named in",
    "Artikeln": "articles",
    "Diese Artikel durchsuchen": "Search these articles",
    "Nennungen im Kontext": "Mentions in context",
    "Mit anderen Suchen vergleichen": "Compare with other queries",
    "Nennungen im Zeitverlauf": "Mentions over time",
    "Artikel pro Zeitraum, die diesen Namen nennen": "Articles per period naming it",
    "Keine datierten Artikel.": "No dated articles.",
    "Schreibweisen": "Spellings",
    "So wird der Name in den Artikeln geschrieben (Zahl der Nennungen); alle Formen sind "
    "unter diesem Namen zusammengefasst.": "How the articles write the name (number of "
                                           "mentions); every form is counted under this "
                                           "name.",
    "Oft zusammen genannt": "Often named together",
    "Neueste Artikel": "Newest articles",
    "Relevanteste Artikel": "Most relevant articles",
}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


#: English engine messages → German.  More specific templates come first.
GERMAN_MESSAGES = {
    # request parameters (indexer/searching/search.py, web/params.py, web/export.py)
    "sort must be one of {choices}, not {value}.": "sort muss eines von {choices} sein, nicht "
                                                   "{value}.",
    "size must be between {low} and {high}.": "size muss zwischen {low} und {high} liegen.",
    "limit must be between {low} and {high}.": "limit muss zwischen {low} und {high} liegen.",
    "page must be 1 or more.": "page muss 1 oder größer sein.",
    "Results are available up to position {limit} (page × size); narrow the search with "
    "filters instead.": "Ergebnisse gibt es bis Position {limit} (page × size); grenzen Sie "
                        "die Suche stattdessen mit Filtern ein.",
    "Unknown filter {name}; filters are {names}.": "Unbekannter Filter {name}; die Filter "
                                                   "heißen {names}.",
    "The start date is after the end date.": "Das Anfangsdatum liegt nach dem Enddatum.",
    "year must be four digits, not {value}.": "year muss vier Ziffern haben, nicht {value}.",
    "month must look like 2024-11, not {value}.": "month muss wie 2024-11 aussehen, nicht "
                                                  "{value}.",
    "more must name a facet: {names}.": "more muss eine Facette nennen: {names}.",
    "At most {count} values per filter ('{name}').": "Höchstens {count} Werte je Filter "
                                                     "(„{name}“).",
    "'{name}' must be a whole number, not {value}.": "„{name}“ muss eine ganze Zahl sein, "
                                                     "nicht {value}.",
    "'{name}' must be a date like 2024-11-01, not {value}.": "„{name}“ muss ein Datum wie "
                                                             "2024-11-01 sein, nicht {value}.",
    "'{name}' must be a moment like 2024-11-01T00:00:00 (Berlin time) or "
    "2024-11-01T00:00:00+01:00, not {value}.": "„{name}“ muss ein Zeitpunkt wie "
                                               "2024-11-01T00:00:00 (Berliner Zeit) oder "
                                               "2024-11-01T00:00:00+01:00 sein, nicht {value}.",
    "{name} must be 0 or 1, not {value}.": "{name} muss 0 oder 1 sein, nicht {value}.",
    "format must be csv or jsonl.": "format muss csv oder jsonl sein.",
    "{param} must be one of {choices}.": "{param} muss eines von {choices} sein.",
    # the query text (indexer/searching/query.py)
    "The query has {count} characters; at most {limit} are allowed. Shorten it.":
        "Die Suche hat {count} Zeichen; erlaubt sind höchstens {limit}. Bitte kürzen.",
    "The query could not be read ({detail}). Check quotes, brackets and field names.":
        "Die Suche konnte nicht gelesen werden ({detail}). Bitte Anführungszeichen, Klammern "
        "und Feldnamen prüfen.",
    "Part of the query could not be read ({detail}). Check quotes, brackets and field names.":
        "Ein Teil der Suche konnte nicht gelesen werden ({detail}). Bitte Anführungszeichen, "
        "Klammern und Feldnamen prüfen.",
    "The field '{field}:' cannot be searched.": "Im Feld „{field}:“ kann nicht gesucht werden.",
    "There is no field '{field}:'. Fields are {fields}.": "Ein Feld „{field}:“ gibt es nicht. "
                                                         "Die Felder heißen {fields}.",
    "'{field}:*' cannot be searched: '*' alone works for the title, body, person, place and "
    "org fields. To narrow by section, source, year or month, use the filters (or the "
    "facets) instead.": "„{field}:*“ lässt sich nicht suchen: „*“ allein geht in den Feldern "
                        "title, body, person, place und org. Ressort, Quelle, Jahr oder Monat "
                        "grenzen Sie stattdessen mit den Filtern (oder Facetten) ein.",
    "'{text}' is too short for a wildcard: give at least two letters before '*'.":
        "„{text}“ ist zu kurz für einen Platzhalter: mindestens zwei Buchstaben vor „*“ "
        "angeben.",
    "The query has {count} search terms; at most {limit} are allowed. Split it into several "
    "searches.": "Die Suche hat {count} Suchbegriffe; erlaubt sind höchstens {limit}. Bitte "
                 "auf mehrere Suchen aufteilen.",
    "date: needs a value like 2024, 2024-11 or date:[2020 to 2022], not {value}.":
        "date: braucht einen Wert wie 2024, 2024-11 oder date:[2020 to 2022], nicht {value}.",
    "{field}: needs a value like {example}, not {value}.":
        "{field}: braucht einen Wert wie {example}, nicht {value}.",
    "'{text}*' matches more than {limit} different words. Use a longer prefix.":
        "„{text}*“ passt auf mehr als {limit} verschiedene Wörter. Bitte einen längeren "
        "Wortanfang angeben.",
    "'{text}' matches more than {limit} different words. Make it more specific.":
        "„{text}“ passt auf mehr als {limit} verschiedene Wörter. Bitte genauer fassen.",
    "The quotation mark is not closed, so the words were searched for one by one.":
        "Das Anführungszeichen ist nicht geschlossen, deshalb wurde nach den einzelnen "
        "Wörtern gesucht.",
    # research views (indexer/research/)
    "Keyword in context needs a query.": "Stichwort im Kontext braucht einen Suchbegriff.",
    "A daily timeline covers at most ten years; use interval=month or interval=year, or "
    "narrow the dates.": "Ein Verlauf nach Tagen umfasst höchstens zehn Jahre; bitte "
                         "interval=month oder interval=year wählen oder den Zeitraum "
                         "eingrenzen.",
    "At most {count} queries can be compared.": "Höchstens {count} Suchen lassen sich "
                                                "vergleichen.",
    "Name the entity as with=person:NAME, with=place:NAME or with=org:NAME.":
        "Den Namen bitte als with=person:NAME, with=place:NAME oder with=org:NAME angeben.",
    # pages and HTTP errors (web/)
    "No article with id {id}.": "Es gibt keinen Artikel mit der Kennung {id}.",
    "No article names {name} ({kind}).": "Kein Artikel nennt {name} ({kind}).",
    "The requested URL was not found on the server. If you entered the URL manually please "
    "check your spelling and try again.": "Diese Seite gibt es nicht. Wenn Sie die Adresse "
                                          "von Hand eingegeben haben, prüfen Sie bitte die "
                                          "Schreibweise.",
    "The method is not allowed for the requested URL.": "Diese Anfrageart ist für die "
                                                        "Adresse nicht erlaubt.",
    "The search index is not built yet. An administrator can build it with `newsindex "
    "build`.": "Der Suchindex ist noch nicht aufgebaut. Eine Administratorin kann ihn mit "
               "`newsindex build` aufbauen.",
    "The search index cannot be read. An administrator can check it with `newsindex verify` "
    "and rebuild it with `newsindex build`.": "Der Suchindex kann nicht gelesen werden. Eine "
                                              "Administratorin kann ihn mit `newsindex verify` "
                                              "prüfen und mit `newsindex build` neu aufbauen.",
    "The search took longer than {seconds} s and was stopped. Narrow it down: more specific "
    "words, a longer prefix before '*', a filter or a date range.":
        "Die Suche dauerte länger als {seconds} s und wurde abgebrochen. Bitte eingrenzen: "
        "genauere Wörter, ein längerer Wortanfang vor „*“, ein Filter oder ein Zeitraum.",
    "Generation {name} is no longer kept; the current one is {current}. Leave out "
    "generation= to search the current archive.": "Der Indexstand {name} wird nicht mehr "
                                                  "aufbewahrt; aktuell ist {current}. Ohne "
                                                  "generation= wird im aktuellen Archiv "
                                                  "gesucht.",
    "There is no generation {name} in this archive; the current one is {current}.":
        "Einen Indexstand {name} gibt es in diesem Archiv nicht; aktuell ist {current}.",
    # dates in the query text (indexer/searching/dates.py)
    "year: needs a year like 2024, not {value}.": "year: braucht eine Jahreszahl wie 2024, "
                                                  "nicht {value}.",
    "date: needs a value like {examples}, not {value}.":
        "date: braucht einen Wert wie 2024, 2024-11, 2024-11-05 oder einen Zeitraum wie "
        "date:[2020 to 2021-06], nicht {value}.",
    "{value} is not a date in the calendar.": "{value} ist kein Tag im Kalender.",
    "A {field}: range needs a start or an end, like {examples}.":
        "Ein Zeitraum in {field}: braucht einen Anfang oder ein Ende, etwa "
        "date:[2020 to 2021-06].",
    "The {field}: range ends before it starts.": "Der Zeitraum in {field}: endet, bevor er "
                                                 "beginnt.",
    "At most {count} word forms can be left out ('not_form').":
        "Höchstens {count} Wortformen lassen sich weglassen („not_form“).",
    "Something went wrong on our side. Please try again later.":
        "Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es später noch einmal.",
}


def _template_pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(re.escape(part) if n % 2 == 0 else f"(?P<{part}>.*?)"
                      for n, part in enumerate(parts))
    return re.compile(pattern, re.DOTALL)


_GERMAN_PATTERNS = [(_template_pattern(english), german)
                    for english, german in GERMAN_MESSAGES.items()]


def translate_message(message: str) -> str:
    """An engine message (English) in the current interface language."""
    if current_language() == "en":
        return message
    for pattern, german in _GERMAN_PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            return german.format(**found.groupdict())
    return message


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


def keep_language(endpoint: str, values: dict) -> None:
    """Links to pages built with ``url_for`` keep a chosen ``lang``."""
    if not (endpoint.startswith("pages.") and has_request_context()) or "lang" in values:
        return
    chosen = request.args.get("lang", "")
    if chosen in LANGUAGES:
        values["lang"] = chosen


def register(app: Flask) -> None:
    app.url_defaults(keep_language)
    app.jinja_env.globals.update(_=gettext, current_language=current_language,
                                 lang_query=lang_query, translate_message=translate_message)
