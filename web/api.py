"""The JSON API: the machine-readable twin of every HTML page.

``GET /api/search`` takes the search page's parameters; ``GET
/api/articles/<id>`` returns one article; ``GET /api/health`` says which index
generation is served; ``GET /api`` lists the endpoints and
``GET /api/openapi.json`` describes them as OpenAPI 3.  The schema is
documented in ``docs/api.md`` and is stable: fields are added, never renamed
or removed.  Errors are ``{"error": {"code", "message", "param"}}``.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request, url_for

from indexer.research.cooccurrence import cooccurrence
from indexer.research.kwic import kwic
from indexer.research.timeline import timeline
from indexer.searching.search import search, similar_articles
from web.articles import load_article
from web.citations import citation_for
from web.export import csv_response
from web.openapi import openapi_document
from web.params import facets_with_urls, search_request, url_with
from web.snapshots import request_snapshot

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
    payload["facets"] = facets_with_urls(result, request.args, "api.search_json")
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
    request_ = search_request(request.args)
    snap = snapshot()
    data = timeline(snap, request_, request.args.getlist("q") or [""],
                    request.args.get("interval") or None)
    for series in data["series"]:
        series["buckets"] = [b.to_dict() for b in series["buckets"]]
    return jsonify({**data, "generation": snap.generation.name})


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
                            ("id", "date", "title", "left", "match", "right"), "kwic.csv")
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
