"""The JSON API: the machine-readable twin of every HTML page.

``GET /api/search`` takes the search page's parameters; ``GET
/api/articles/<id>`` returns one article, ``GET /api/entities/<type>/<name>``
one person, place or organisation; ``GET /api/health`` says which index
generation is served; ``GET /api`` lists the endpoints and
``GET /api/openapi.json`` describes them as OpenAPI 3.  The schema is
documented in ``docs/api.md`` and is stable: fields are added, never renamed
or removed.  Errors are ``{"error": {"code", "message", "param"}}``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for

from indexer.research.cooccurrence import cooccurrence
from indexer.research.entity_profile import MAX_MATCHES, entity_profile, matching_entities
from indexer.research.kwic import kwic
from indexer.research.timeline import timeline
from indexer.searching.query import QueryError
from indexer.searching.search import search, similar_articles
from web.articles import load_article
from web.charts import render_svg, timeline_chart
from web.citations import citation_for
from web.export import csv_response, download_name
from web.openapi import openapi_document
from web.params import (
    FACET_PARAMS,
    chart_measure,
    compared_queries,
    expansions_with_urls,
    facets_with_urls,
    int_param,
    query_notices,
    search_request,
    url_with,
)
from web.snapshots import request_snapshot

TIMELINE_FORMATS = ("json", "csv", "svg")
TIMELINE_COLUMNS = ("period", "query", "count", "total", "share")

blueprint = Blueprint("api", __name__)


def snapshot():
    return request_snapshot()


@blueprint.get("")
@blueprint.get("/")
def describe():
    return jsonify({
        "endpoints": {
            "search": url_for("api.search_json"),
            "article": url_for("api.article_json", doc_id="ID"),
            "timeline": url_for("api.timeline_json"),
            "kwic": url_for("api.kwic_json", q="WORD"),
            "cooccurrence": url_for("api.cooccurrence_json", **{"with": "person:NAME"}),
            "entity": url_for("api.entity_json", kind="person", name="NAME"),
            "entities": url_for("api.entities_json", type="person", prefix="TEXT"),
            "export": url_for("export.export", format="csv"),
            "health": url_for("api.health_json"),
            "cite": url_for("api.cite_json", q="WORD"),
            "feed": url_for("feeds.search_feed", q="WORD"),
        },
        "parameters": {
            "q": "query text: words, \"phrases\", AND/UND, OR/ODER, NOT/NICHT, -word, word*, "
                 "title:, person:, place:, org:, section:, source:, year:, date:[2020 to 2021]",
            "person, place, org, section, source, year, month": "filters, repeatable",
            "from, to": "date range, YYYY-MM-DD (inclusive)",
            "sort": "relevance | date | -date",
            "page": "1-based page number",
            "size": "hits per page, 1-100",
        },
        "openapi": url_for("api.openapi_json"),
        "documentation": "docs/api.md",
    })


@blueprint.get("/health")
def health_json():
    """The served generation, its article count and state (ok, degraded, unavailable)."""
    health = current_app.extensions["archive"].health()
    return jsonify(health), 503 if health["state"] == "unavailable" else 200


@blueprint.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())


@blueprint.get("/search")
def search_json():
    snap = snapshot()
    result = search(snap, search_request(request.args))
    payload = result.to_dict()
    payload["notices"] = query_notices(result.request.q)
    payload["facets"] = facets_with_urls(result, request.args, "api.search_json")
    payload["expansions"] = expansions_with_urls(result, request.args, "api.search_json")
    payload["links"] = {
        "self": url_with("api.search_json", request.args, page=result.request.page),
        "html": url_with("pages.search_page", request.args, page=result.request.page),
        "next": url_with("api.search_json", request.args, page=result.request.page + 1)
        if result.request.page < result.pages else None,
        "prev": url_with("api.search_json", request.args, page=result.request.page - 1)
        if result.request.page > 1 else None,
    }
    return jsonify(payload)


@blueprint.get("/cite")
def cite_json():
    """How to cite the search with these parameters (the search page's "cite" block)."""
    snap = snapshot()
    return jsonify(citation_for(snap, search(snap, search_request(request.args)), request.args))


@blueprint.get("/timeline")
def timeline_json():
    """The timeline as JSON, or with ``format=csv`` a table, ``format=svg`` the chart."""
    args = request.args
    fmt = args.get("format") or "json"
    if fmt not in TIMELINE_FORMATS:
        raise QueryError(f"format must be one of {', '.join(TIMELINE_FORMATS)}.", "format")
    snap = snapshot()
    data = timeline(snap, search_request(args), compared_queries(args),
                    args.get("interval") or None)
    if fmt == "csv":
        rows = [{"period": b.value, "query": series["q"], "count": b.count, "total": b.total,
                 "share": round(b.share, 6)}
                for series in data["series"] for b in series["buckets"]]
        return csv_response(rows, TIMELINE_COLUMNS, download_name(args, "timeline", "csv"))
    if fmt == "svg":
        return svg_response(data, args)
    for series in data["series"]:
        series["buckets"] = [b.to_dict() for b in series["buckets"]]
    return jsonify({**data, "generation": snap.generation.name})


def svg_response(data: dict, args) -> Response:
    chart = timeline_chart(data, chart_measure(args))
    if chart is None:
        abort(404, description="There is no dated article to draw.")
    response = Response(render_svg(chart, standalone=True), mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{download_name(args, "timeline", "svg")}"'
    return response


@blueprint.get("/entities")
def entities_json():
    """Entity values of one type with a word starting with ``prefix`` (autocompletion)."""
    args = request.args
    kind, prefix = args.get("type", ""), args.get("prefix", "")
    matches = matching_entities(snapshot(), kind, prefix,
                                int_param(args, "limit", MAX_MATCHES))
    return jsonify({
        "type": kind, "prefix": prefix,
        "values": [{"value": v.value, "count": v.count,
                    "url": url_for("api.entity_json", kind=kind, name=v.value),
                    "html": url_for("pages.entity_page", kind=kind, name=v.value)}
                   for v in matches],
    })


@blueprint.get("/entities/<kind>/<path:name>")
def entity_json(kind: str, name: str):
    """One person, place or organisation across the archive."""
    snap = snapshot()
    profile = entity_profile(snap, kind, name, request.args.get("interval") or None)
    if profile is None:
        abort(404, description=f"No article names {name!r} ({kind}).")
    [series] = profile.timeline["series"]
    return jsonify({
        "type": profile.type,
        "value": profile.value,
        "count": profile.count,
        "forms": [{"form": form, "mentions": mentions} for form, mentions in profile.forms],
        "timeline": {"interval": profile.timeline["interval"], "undated": series["undated"],
                     "buckets": [b.to_dict() for b in series["buckets"]]},
        "related": {
            field: [{"value": v.value, "count": v.count,
                     "url": url_for("api.entity_json", kind=FACET_PARAMS[field], name=v.value)}
                    for v in values]
            for field, values in profile.related.items()
        },
        "recent": [_article_link(hit) for hit in profile.recent],
        "relevant": [_article_link(hit) for hit in profile.relevant],
        "links": {
            "html": url_for("pages.entity_page", kind=kind, name=profile.value),
            "search": url_for("api.search_json", **profile.filter),
            "timeline": url_for("api.timeline_json", **profile.filter),
        },
        "generation": snap.generation.name,
    })


def _article_link(hit) -> dict:
    return {"id": hit.id, "title": hit.title, "date": hit.date,
            "url": url_for("api.article_json", doc_id=hit.id)}


@blueprint.get("/cooccurrence")
def cooccurrence_json():
    """``with=person:Olaf Scholz`` plus any search parameters."""
    kind, _, value = request.args.get("with", "").partition(":")
    return jsonify(cooccurrence(snapshot(), search_request(request.args), kind, value))


@blueprint.get("/kwic")
def kwic_json():
    snap = snapshot()
    lines = kwic(snap, search_request(request.args),
                 sort=request.args.get("kwic_sort", "position"))
    if request.args.get("format") == "csv":
        return csv_response([line.to_dict() for line in lines],
                            ("id", "date", "title", "left", "match", "right"),
                            download_name(request.args, "kwic", "csv"))
    return jsonify({"lines": [line.to_dict() for line in lines], "count": len(lines),
                    "generation": snap.generation.name})


@blueprint.get("/articles/<doc_id>")
def article_json(doc_id: str):
    article = load_article(snapshot(), doc_id)
    if article is None:
        abort(404, description=f"No article with id {doc_id!r}.")
    article["similar"] = similar_articles(snapshot(), doc_id)
    article["links"] = {"html": url_for("pages.article_page", doc_id=doc_id)}
    return jsonify(article)
