"""The OpenAPI 3 description of the JSON API, served at ``/api/openapi.json``."""

from __future__ import annotations

from indexer.research.entity_profile import ENTITY_TYPES, MAX_MATCHES
from indexer.research.kwic import KWIC_SORTS
from indexer.research.timeline import INTERVALS, MAX_SERIES
from indexer.searching.query import MAX_QUERY_CHARS
from indexer.searching.search import MAX_PAGE_SIZE, SORTS
from web.params import MEASURES

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
    _param("not_form", "A written form (as listed in expansions) that no query word matches "
                       "by: an article found only through it drops out.", {"type": "string"},
           True),
    _param("expansions", "1: list the word forms each query word matched (expansions); "
                         "0: leave them out (a little faster).",
           {"type": "integer", "enum": [0, 1], "default": 1}),
    _param("correct", "1: words found in no article are also searched as their nearest "
                      "spelling (listed in corrections); 0: search exactly as typed.",
           {"type": "integer", "enum": [0, 1], "default": 1}),
]

FILTER_PARAMETERS = [p for p in SEARCH_PARAMETERS if p["name"] not in ("sort", "page", "size")]
TIMELINE_PARAMETERS = [
    _param("q", f"Query as for /api/search; repeat it (up to {MAX_SERIES}) to compare queries. "
           "Blank and repeated queries are left out; none means all articles.",
           {"type": "string", "maxLength": MAX_QUERY_CHARS}, True),
    *FILTER_PARAMETERS[1:],
    _param("interval", "Period of a bucket; by default years over three years, months over "
           "three months, else days.", {"type": "string", "enum": list(INTERVALS)}),
    _param("format", "json, a CSV table (period, query, count, total, share) or the chart as "
           "SVG.", {"type": "string", "enum": ["json", "csv", "svg"], "default": "json"}),
    _param("measure", "format=svg: draw counts or each period's share of all articles.",
           {"type": "string", "enum": list(MEASURES), "default": "count"}),
]
ENTITY_TYPE = {"type": "string", "enum": list(ENTITY_TYPES)}

FACET_VALUE = {
    "type": "object",
    "required": ["value", "count", "selected", "toggle_url"],
    "properties": {
        "value": {"type": "string"},
        "count": {"type": "integer"},
        "selected": {"type": "boolean"},
        "toggle_url": {"type": "string", "description": "Adds or removes this filter."},
        "exclude_url": {"type": "string", "description": "Leaves out articles with this "
                                                         "value."},
        "entity_url": {"type": "string", "description": "Persons, places and organisations: "
                                                        "the entity's /api/entities page."},
    },
}
BUCKET = {
    "type": "object",
    "required": ["value", "count", "total", "share", "from", "to"],
    "properties": {
        "value": {"type": "string", "description": "2024, 2024-11 or 2024-11-05"},
        "count": {"type": "integer"},
        "total": {"type": "integer", "description": "All archive articles in the period."},
        "share": {"type": "number", "description": "count ÷ total"},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
    },
}
ARTICLE_LINK = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                   "date": {"type": "string", "format": "date-time", "nullable": True},
                   "url": {"type": "string"}},
}
NAMED_COUNT = {
    "type": "object",
    "properties": {"value": {"type": "string"}, "count": {"type": "integer"},
                   "url": {"type": "string"}},
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


def _json(description: str, schema: str) -> dict:
    return {"description": description, "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _get(summary: str, parameters: list, ok: dict, *errors: int) -> dict:
    return {"get": {"summary": summary, "parameters": parameters,
                    "responses": {"200": ok, **_error_responses(*errors)}}}


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
            "/api/timeline": _get(
                "Matches per period, for up to four queries, as JSON, CSV or an SVG chart",
                TIMELINE_PARAMETERS, {
                    "description": "One series per query.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Timeline"}},
                        "text/csv": {"schema": {"type": "string"}},
                        "image/svg+xml": {"schema": {"type": "string"}},
                    }}, 400, 503),
            "/api/kwic": _get(
                "Keyword in context: every occurrence with its left and right context",
                [*FILTER_PARAMETERS,
                 _param("kwic_sort", "Order of the lines.",
                        {"type": "string", "enum": list(KWIC_SORTS), "default": "position"}),
                 _param("format", "csv downloads the lines.", {"type": "string",
                                                               "enum": ["csv"]})],
                _json("The lines.", "Kwic"), 400, 503),
            "/api/export": _get(
                "Every hit (up to 100,000) as CSV or JSON Lines, streamed",
                [*FILTER_PARAMETERS, _param("sort", "Order of hits.", {
                    "type": "string", "enum": list(SORTS), "default": "relevance"}),
                 _param("format", "File format.", {"type": "string", "enum": ["csv", "jsonl"],
                                                   "default": "csv"})],
                {"description": "The hits; X-Total-Count and X-Export-Truncated headers.",
                 "content": {"text/csv": {"schema": {"type": "string"}},
                             "application/x-ndjson": {"schema": {"type": "string"}}}},
                400, 503),
            "/api/cooccurrence": _get(
                "Entities named most often with one entity in the matching articles",
                [_param("with", "person:NAME, place:NAME or org:NAME.", {"type": "string"}),
                 *FILTER_PARAMETERS],
                _json("The entity and its companions by facet.", "Cooccurrence"), 400, 503),
            "/api/entities": _get(
                "Entity values with a word starting with a prefix (autocompletion)",
                [_param("type", "Entity type.", ENTITY_TYPE),
                 _param("prefix", "Start of any word of the name, any case; empty lists the "
                        "most named.", {"type": "string"}),
                 _param("limit", "Most values returned.", {"type": "integer", "minimum": 1,
                                                           "maximum": MAX_MATCHES,
                                                           "default": MAX_MATCHES})],
                _json("Values, most often named first.", "EntityList"), 400, 503),
            "/api/entities/{type}/{name}": {"get": {
                "summary": "One person, place or organisation across the archive",
                "parameters": [
                    {"name": "type", "in": "path", "required": True, "schema": ENTITY_TYPE},
                    {"name": "name", "in": "path", "required": True,
                     "description": "Canonical name, any case.", "schema": {"type": "string"}},
                    _param("interval", "Period of the timeline's buckets.",
                           {"type": "string", "enum": list(INTERVALS)})],
                "responses": {"200": _json("The entity's profile.", "Entity"),
                              **_error_responses(400, 404, 503)},
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
            "Bucket": BUCKET,
            "Timeline": {
                "type": "object",
                "properties": {
                    "interval": {"type": "string", "enum": list(INTERVALS)},
                    "series": {"type": "array", "items": {
                        "type": "object",
                        "properties": {
                            "q": {"type": "string"}, "total": {"type": "integer"},
                            "undated": {"type": "integer"},
                            "buckets": {"type": "array",
                                        "items": {"$ref": "#/components/schemas/Bucket"}}}}},
                },
            },
            "Kwic": {
                "type": "object",
                "properties": {
                    "count": {"type": "integer"},
                    "lines": {"type": "array", "items": {"type": "object", "properties": {
                        k: {"type": "string", "nullable": k == "date"}
                        for k in ("id", "date", "title", "left", "match", "right")}}},
                },
            },
            "Cooccurrence": {
                "type": "object",
                "properties": {
                    "entity": {"type": "object", "properties": {
                        "type": ENTITY_TYPE, "value": {"type": "string"},
                        "count": {"type": "integer"}}},
                    **{name: {"type": "array", "items": {"$ref": "#/components/schemas/"
                                                                  "FacetValue"}}
                       for name in ("persons", "places", "orgs")},
                },
            },
            "EntityList": {
                "type": "object",
                "properties": {
                    "type": ENTITY_TYPE, "prefix": {"type": "string"},
                    "values": {"type": "array", "items": {
                        "type": "object",
                        "properties": {"value": {"type": "string"}, "count": {"type": "integer"},
                                       "url": {"type": "string"}, "html": {"type": "string"}}}},
                },
            },
            "Entity": {
                "type": "object",
                "required": ["type", "value", "count", "forms", "timeline", "related", "recent",
                             "relevant", "links"],
                "properties": {
                    "type": ENTITY_TYPE,
                    "value": {"type": "string", "description": "The canonical name as stored."},
                    "count": {"type": "integer", "description": "Articles naming it."},
                    "forms": {"type": "array", "items": {
                        "type": "object",
                        "properties": {"form": {"type": "string"},
                                       "mentions": {"type": "integer"}}}},
                    "timeline": {"type": "object", "properties": {
                        "interval": {"type": "string", "enum": list(INTERVALS)},
                        "undated": {"type": "integer"},
                        "buckets": {"type": "array",
                                    "items": {"$ref": "#/components/schemas/Bucket"}}}},
                    "related": {"type": "object", "properties": {
                        name: {"type": "array", "items": NAMED_COUNT}
                        for name in ("persons", "places", "orgs")}},
                    "recent": {"type": "array", "items": ARTICLE_LINK},
                    "relevant": {"type": "array", "items": ARTICLE_LINK},
                    "links": {"type": "object", "properties": {
                        "html": {"type": "string"}, "search": {"type": "string"},
                        "timeline": {"type": "string"}}},
                },
            },
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
                    "notices": {"type": "array", "items": {
                        "type": "object",
                        "description": "How the query was read, e.g. an unclosed quote.",
                        "properties": {"code": {"type": "string", "enum": ["unclosed_quote"]},
                                       "message": {"type": "string"},
                                       "suggestion": {"type": "string"}}}},
                    "expansions": {"type": "array", "items": {
                        "type": "object",
                        "description": "For each query word, the written forms it matched.",
                        "required": ["word", "forms", "complete"],
                        "properties": {
                            "word": {"type": "string"},
                            "complete": {"type": "boolean",
                                         "description": "false: further forms not listed."},
                            "forms": {"type": "array", "items": {
                                "type": "object",
                                "required": ["form", "written", "count", "excluded",
                                             "toggle_url"],
                                "properties": {
                                    "form": {"type": "string",
                                             "description": "Folded, as not_form takes it."},
                                    "written": {"type": "string",
                                                "description": "The archive's most frequent "
                                                               "spelling."},
                                    "count": {"type": "integer",
                                              "description": "Results containing it."},
                                    "excluded": {"type": "boolean"},
                                    "toggle_url": {"type": "string",
                                                   "description": "Leaves it out, or takes "
                                                                  "it back."}}}}}}},
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
