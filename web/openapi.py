"""The OpenAPI 3 description of the JSON API, served at ``/api/openapi.json``."""

from __future__ import annotations

from indexer.searching.query import MAX_QUERY_CHARS
from indexer.searching.search import MAX_PAGE_SIZE, SORTS

_STRINGS = {"type": "array", "items": {"type": "string"}}


def _param(name: str, description: str, schema: dict, repeat: bool = False) -> dict:
    param = {"name": name, "in": "query", "required": False, "description": description,
             "schema": {"type": "array", "items": schema} if repeat else schema}
    if repeat:
        param.update(style="form", explode=True)
    return param


SEARCH_PARAMETERS = [
    _param("q", "Query: words (AND by default), \"phrases\", AND/UND, OR/ODER, NOT/NICHT, "
           "-word, word*, fields title:, person:, place:, org:, section:, source:, year:, "
           "date:[2020 to 2021].", {"type": "string", "maxLength": MAX_QUERY_CHARS}),
    _param("person", "Only articles naming this person (canonical name).", {"type": "string"},
           True),
    _param("place", "Only articles naming this place.", {"type": "string"}, True),
    _param("org", "Only articles naming this organisation.", {"type": "string"}, True),
    _param("section", "Only articles of this section.", {"type": "string"}, True),
    _param("source", "Only articles of this source.", {"type": "string"}, True),
    _param("year", "Only articles of this year.", {"type": "string", "pattern": r"^\d{4}$"},
           True),
    _param("month", "Only articles of this month.",
           {"type": "string", "pattern": r"^\d{4}-\d{2}$"}, True),
    _param("from", "First day (inclusive, Europe/Berlin).", {"type": "string", "format": "date"}),
    _param("to", "Last day (inclusive, Europe/Berlin).", {"type": "string", "format": "date"}),
    _param("sort", "Order of hits.", {"type": "string", "enum": list(SORTS),
                                      "default": "relevance"}),
    _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    _param("size", "Hits per page.", {"type": "integer", "minimum": 1,
                                      "maximum": MAX_PAGE_SIZE, "default": 10}),
    _param("collapse", "1: one article per near-duplicate cluster; total, facets and "
                       "timeline then count clusters.",
           {"type": "integer", "enum": [0, 1], "default": 0}),
    _param("cluster", "Only the articles of this near-duplicate cluster (its id).",
           {"type": "string"}, True),
    _param("generation", "Answer from this index generation while it is kept (410 when it is "
                         "no longer kept, 404 when unknown).", {"type": "string"}),
    _param("since", "Only articles indexed after this moment (ISO 8601; Berlin time without "
                    "an offset).", {"type": "string", "format": "date-time"}),
    _param("correct", "1: words found in no article are also searched as their nearest "
                      "spelling (listed in corrections); 0: search exactly as typed.",
           {"type": "integer", "enum": [0, 1], "default": 1}),
]

FACET_VALUE = {
    "type": "object",
    "required": ["value", "count", "selected", "toggle_url"],
    "properties": {
        "value": {"type": "string"},
        "count": {"type": "integer"},
        "selected": {"type": "boolean"},
        "toggle_url": {"type": "string", "description": "Adds or removes this filter."},
    },
}
ENTITIES = {
    "type": "object",
    "properties": {"persons": _STRINGS, "places": _STRINGS, "orgs": _STRINGS},
}
HIT = {
    "type": "object",
    "required": ["id", "title", "date", "source", "section", "url", "score", "snippet",
                 "entities"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "title_derived": {"type": "boolean",
                          "description": "No title: `title` is the first sentence."},
        "title_html": {"type": "string", "description": "Escaped title, matches in <mark>."},
        "date": {"type": "string", "format": "date-time", "nullable": True},
        "source": {"type": "string"},
        "section": {"type": "string"},
        "url": {"type": "string", "nullable": True, "description": "http(s) only."},
        "score": {"type": "number", "nullable": True},
        "snippet": {"type": "string", "description": "Escaped HTML, matches in <mark>."},
        "snippets": _STRINGS,
        "entities": ENTITIES,
        "cluster": {"type": "string",
                    "description": "Near-duplicate cluster: the id of its first article."},
        "indexed": {"type": "string", "format": "date-time", "nullable": True,
                    "description": "When this version was first indexed (UTC)."},
        "duplicates": {"type": "integer", "nullable": True,
                       "description": "With collapse=1: other matching articles of the "
                                      "cluster; else null."},
    },
}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message", "param"],
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "param": {"type": "string", "nullable": True},
        },
    }},
}


HEALTH = {
    "type": "object",
    "required": ["state", "generation", "documents", "current", "problem"],
    "properties": {
        "state": {"type": "string", "enum": ["ok", "degraded", "unavailable"],
                  "description": "ok: the live generation is served; degraded: it cannot be "
                                 "read and an older one is served; unavailable: none can be."},
        "generation": {"type": "string", "nullable": True,
                       "description": "The generation that answers searches."},
        "documents": {"type": "integer", "nullable": True},
        "current": {"type": "string", "nullable": True,
                    "description": "The generation the index directory names as live."},
        "problem": {"type": "string", "nullable": True,
                    "description": "Why the live generation is not served."},
    },
}


def _error_responses(*statuses: int) -> dict:
    text = {400: "Invalid parameter or query.", 404: "Not found (or an unknown generation).",
            410: "The generation asked for is no longer kept.",
            503: "No readable index, or the search ran past its time budget."}
    return {str(s): {"description": text[s], "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for s in statuses}


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Nachrichtenarchiv API", "version": "1.0.0",
                 "description": "Full-text search over a German news archive."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Ranked search with snippets and facets",
                "parameters": SEARCH_PARAMETERS,
                "responses": {"200": {"description": "One page of results.", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Search"}}}},
                    **_error_responses(400, 404, 410, 503)},
            }},
            "/api/cite": {"get": {
                "summary": "How to cite a search: generation, hit count, day, permalink, "
                           "German methods sentence",
                "parameters": SEARCH_PARAMETERS,
                "responses": {"200": {"description": "The citation.", "content": {
                    "application/json": {"schema": {"type": "object", "required": [
                        "generation", "documents", "total", "counting", "accessed",
                        "permalink", "api", "query", "methods", "citation"]}}}},
                    **_error_responses(400, 404, 410, 503)},
            }},
            "/api/health": {"get": {
                "summary": "Which index generation is served, and whether it is the live one",
                "responses": {
                    "200": {"description": "An index is served (state ok or degraded).",
                            "content": {"application/json": {
                                "schema": {"$ref": "#/components/schemas/Health"}}}},
                    "503": {"description": "No index can be served (state unavailable).",
                            "content": {"application/json": {
                                "schema": {"$ref": "#/components/schemas/Health"}}}},
                },
            }},
            "/api/articles/{id}": {"get": {
                "summary": "One article with its entities",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "The article.", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Article"}}}},
                    **_error_responses(404, 503)},
            }},
        },
        "components": {"schemas": {
            "Hit": HIT,
            "FacetValue": FACET_VALUE,
            "Error": ERROR,
            "Health": HEALTH,
            "Search": {
                "type": "object",
                "required": ["query", "total", "page", "size", "took_ms", "hits", "facets",
                             "suggestion"],
                "properties": {
                    "query": {"type": "object"},
                    "total": {"type": "integer"},
                    "counting": {"type": "string", "enum": ["articles", "clusters"]},
                    "page": {"type": "integer"},
                    "size": {"type": "integer"},
                    "pages": {"type": "integer"},
                    "took_ms": {"type": "number"},
                    "generation": {"type": "string"},
                    "suggestion": {"type": "string", "nullable": True},
                    "corrections": {"type": "array", "items": {
                        "type": "object", "required": ["word", "searched_as"],
                        "properties": {"word": {"type": "string"},
                                       "searched_as": {"type": "string"}}}},
                    "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                    "facets": {"type": "object", "additionalProperties": {
                        "type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}},
                    "links": {"type": "object"},
                },
            },
            "Article": {
                "type": "object",
                "required": ["id", "title", "date", "body", "entities", "mentions"],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "title_derived": {"type": "boolean",
                                      "description": "No title: `title` is the first sentence."},
                    "date": {"type": "string", "format": "date-time", "nullable": True},
                    "source": {"type": "string"},
                    "section": {"type": "string"},
                    "url": {"type": "string", "nullable": True},
                    "body": {"type": "string"},
                    "entities": ENTITIES,
                    "mentions": {"type": "array", "items": {
                        "type": "object",
                        "properties": {
                            "start": {"type": "integer"}, "end": {"type": "integer"},
                            "type": {"type": "string", "enum": ["PER", "LOC", "ORG"]},
                            "text": {"type": "string"}, "canonical": {"type": "string"}},
                    }},
                    "names": {"type": "array", "items": {
                        "type": "object",
                        "required": ["type", "canonical", "forms", "mentions"],
                        "properties": {
                            "type": {"type": "string", "enum": ["PER", "LOC", "ORG"]},
                            "canonical": {"type": "string"}, "forms": _STRINGS,
                            "mentions": {"type": "integer"}},
                    }},
                },
            },
        }},
    }
