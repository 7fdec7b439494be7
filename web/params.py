"""Request parameters: URL query strings to search requests, and back to URLs.

The HTML page and the JSON API take the same parameters, parsed here once:
``q``, ``person``, ``place``, ``org``, ``section``, ``source``, ``year``,
``month`` (each repeatable), ``from``/``to`` (ISO dates), ``sort``, ``page``,
``size``, ``correct`` (``0``: words that occur nowhere are not also
searched as their nearest spelling), ``collapse`` (``1``: one article per
near-duplicate cluster), ``since`` (only articles indexed after that
moment) and ``not_form`` (repeatable: a written form no query word matches
by).  Facet values and matched word forms get a ``toggle_url`` built from
the current parameters, so a click adds or removes exactly that filter.  An article's
``back`` parameter carries the way back to the list it was opened from.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import quote

from flask import request, url_for
from werkzeug.datastructures import MultiDict

from indexer.analysis.folding import fold_word
from indexer.reading.corpus import BERLIN
from indexer.searching.facets import ENTITY_FACETS
from indexer.searching.query import QueryError
from indexer.searching.search import FILTER_FIELDS, SearchRequest, SearchResult

#: Facet field → URL parameter that filters by it.
FACET_PARAMS = {field: key for key, field in FILTER_FIELDS.items()}
MAX_FILTER_VALUES = 20
EXCLUDE_PREFIX = "not_"
NOT_FORM = "not_form"
MEASURES = ("count", "share")
KNOWN_PARAMS = {
    "lang",
    "measure",
    "q",
    "from",
    "to",
    "sort",
    "page",
    "size",
    "interval",
    "format",
    "with",
    "kwic_sort",
    "more",
    "facet_filter",
    "correct",
    "collapse",
    "since",
    "generation",
    NOT_FORM,
    "expansions",
    *FILTER_FIELDS,
    *(EXCLUDE_PREFIX + k for k in FILTER_FIELDS),
}


def search_request(args: MultiDict, default_size: int = 10) -> SearchRequest:
    """Parse and validate URL parameters; raises QueryError with a readable message."""
    filters, exclude = _values(args, ""), _values(args, EXCLUDE_PREFIX)
    more = args.get("more", "")
    if more and more not in FILTER_FIELDS:
        raise QueryError(f"more must name a facet: {', '.join(FILTER_FIELDS)}.", "more")
    parsed = SearchRequest(
        q=args.get("q", ""),
        filters=filters,
        exclude=exclude,
        facet_more=more,
        date_from=_date(args, "from"),
        date_to=_date(args, "to"),
        sort=args.get("sort", "relevance") or "relevance",
        page=int_param(args, "page", 1),
        size=int_param(args, "size", default_size),
        correct=_flag(args, "correct", True),
        collapse=_flag(args, "collapse", False),
        since=_moment(args, "since"),
        not_forms=_forms(args),
        expansions=_flag(args, "expansions", True),
    )
    parsed.validate()
    return parsed


def _values(args: MultiDict, prefix: str) -> dict[str, tuple[str, ...]]:
    found = {}
    for key in FILTER_FIELDS:
        name = prefix + key
        values = tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
        if len(values) > MAX_FILTER_VALUES:
            raise QueryError(f"At most {MAX_FILTER_VALUES} values per filter ('{name}').", name)
        if values:
            found[key] = values
    return found


def _forms(args: MultiDict) -> tuple[str, ...]:
    """The ``not_form`` values as the index writes forms (folded, lowercase)."""
    return tuple(dict.fromkeys(fold_word(v.strip()) for v in args.getlist(NOT_FORM)
                               if v.strip()))


def _flag(args: MultiDict, name: str, default: bool) -> bool:
    raw = args.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw not in ("0", "1", "true", "false"):
        raise QueryError(f"{name} must be 0 or 1, not {raw!r}.", name)
    return raw in ("1", "true")


def int_param(args: MultiDict, name: str, default: int) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise QueryError(f"'{name}' must be a whole number, not {raw[:40]!r}.", name) from None


def _date(args: MultiDict, name: str) -> date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        if len(raw) == 4 and raw.isdigit():
            return date(int(raw), 1, 1) if name == "from" else date(int(raw), 12, 31)
        return date.fromisoformat(raw)
    except ValueError:
        raise QueryError(
            f"'{name}' must be a date like 2024-11-01, not {raw[:40]!r}.", name
        ) from None


def _moment(args: MultiDict, name: str) -> datetime | None:
    """An ISO 8601 moment; without a time zone it is Berlin time, a bare date its midnight."""
    raw = args.get(name, "").strip()
    if not raw:
        return None
    if "T" in raw:  # an offset's "+" arrives as a space when the URL was not encoded
        raw = re.sub(r"(?<=\d) (?=\d\d:?\d\d$)", "+", raw)
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"'{name}' must be a moment like 2024-11-01T00:00:00 (Berlin time) "
                         f"or 2024-11-01T00:00:00+01:00, not {raw[:40]!r}.", name) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)




def compared_queries(args: MultiDict) -> list[str]:
    """The queries to compare over time: blank and repeated ones left out
    (a form with four fields sends them all); none means all articles."""
    queries = dict.fromkeys(q.strip() for q in args.getlist("q") if q.strip())
    return list(queries) or [""]


def chart_measure(args: MultiDict, default: str = "count") -> str:
    """``measure``: a chart shows counts or each period's share of all articles."""
    chosen = args.get("measure", "") or default
    if chosen not in MEASURES:
        raise QueryError(f"measure must be one of {', '.join(MEASURES)}.", "measure")
    return chosen


def query_notices(q: str) -> list[dict]:
    """Hints about how the query text was read, with a corrected query."""
    if q.count('"') % 2:
        return [{"code": "unclosed_quote",
                 "message": "The quotation mark is not closed, so the words were searched "
                            "for one by one.",
                 "suggestion": q.rstrip() + '"'}]
    return []


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (``/…``, not ``//host``), else None."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(c) < 32 for c in target):
        return None
    return target


def current_path() -> str:
    """This page's path and query string, for a ``back`` parameter."""
    query = request.query_string.decode("utf-8", "replace")
    return quote(request.path) + (f"?{query}" if query else "")


def url_with(endpoint: str, args: MultiDict, view_args: dict | None = None, **changes) -> str:
    """``endpoint``'s URL with the current parameters, some replaced.

    A change of ``None`` removes the parameter; page resets to 1 unless it
    is changed explicitly.  ``view_args`` fill the endpoint's path.
    """
    merged = MultiDict(args)
    merged.pop("page", None)
    for key, value in changes.items():
        merged.poplist(key)
        if value is None:
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            merged.add(key, item)
    clean = [(k, v) for k, v in merged.items(multi=True) if v != "" and k in KNOWN_PARAMS]
    return url_for(endpoint, **(view_args or {}), **_group(clean))


def _group(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def toggle(args: MultiDict, key: str, value: str, endpoint: str) -> str:
    """The URL that adds ``value`` to filter ``key``, or removes it if present."""
    current = args.getlist(key)
    folded = value.casefold()
    if any(v.casefold() == folded for v in current):
        remaining = [v for v in current if v.casefold() != folded]
    else:
        remaining = current + [value]
    return url_with(endpoint, args, **{key: remaining or None})


def exclude(args: MultiDict, key: str, value: str, endpoint: str) -> str:
    """The URL that leaves out articles with ``value`` (and unselects it)."""
    folded = value.casefold()
    selected = [v for v in args.getlist(key) if v.casefold() != folded]
    excluded = args.getlist(EXCLUDE_PREFIX + key)
    if not any(v.casefold() == folded for v in excluded):
        excluded = excluded + [value]
    return url_with(endpoint, args, **{key: selected or None, EXCLUDE_PREFIX + key: excluded})


def facets_with_urls(result: SearchResult, args: MultiDict, endpoint: str) -> dict:
    """Facets as JSON-ready dicts: each value with its ``toggle_url`` (select or
    unselect) and ``exclude_url`` (leave articles with this value out); values
    of persons, places and organisations also with their ``entity_url``."""
    entity_endpoint = "api.entity_json" if endpoint.startswith("api.") else "pages.entity_page"
    return {
        name: [
            {
                **v.to_dict(),
                "toggle_url": toggle(args, FACET_PARAMS[name], v.value, endpoint),
                "exclude_url": exclude(args, FACET_PARAMS[name], v.value, endpoint),
                **({"entity_url": url_for(entity_endpoint, kind=FACET_PARAMS[name], name=v.value)}
                   if name in ENTITY_FACETS else {}),
            }
            for v in values
            if _shown(args, name, v.value)
        ]
        for name, values in result.facets.items()
    }


def expansions_with_urls(result: SearchResult, args: MultiDict, endpoint: str) -> list[dict]:
    """The forms each query word matched, each with the ``toggle_url`` that
    leaves it out (``not_form``) or, once left out, takes it back."""
    return [
        {**expansion.to_dict(),
         "forms": [{**form.to_dict(), "toggle_url": _toggle_form(args, form.form, endpoint)}
                   for form in expansion.forms]}
        for expansion in result.expansions
    ]


def _toggle_form(args: MultiDict, form: str, endpoint: str) -> str:
    current = [v for v in args.getlist(NOT_FORM) if v.strip()]
    remaining = [v for v in current if fold_word(v.strip()) != form]
    if len(remaining) == len(current):
        remaining.append(form)
    return url_with(endpoint, args, **{NOT_FORM: remaining or None})


def _shown(args: MultiDict, name: str, value: str) -> bool:
    """``facet_filter`` narrows the facet opened with ``more`` to matching values."""
    wanted = args.get("facet_filter", "").strip().casefold()
    return not wanted or args.get("more") != FACET_PARAMS[name] or wanted in value.casefold()


def current_args() -> MultiDict:
    return request.args
