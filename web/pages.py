"""The HTML pages for researchers: search results and articles.

Server-rendered and usable without JavaScript: every control is a link or a
form, every state is in the URL.  Each page links its JSON twin.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from indexer.research.kwic import kwic
from indexer.research.timeline import timeline
from indexer.searching.search import FACET_LIMIT, SORTS, search, similar_articles
from web.articles import body_paragraphs_html, load_article
from web.citations import citation_for
from web.i18n import gettext
from web.params import (
    EXCLUDE_PREFIX,
    FACET_PARAMS,
    facets_with_urls,
    search_request,
    url_with,
)
from web.snapshots import request_snapshot

blueprint = Blueprint("pages", __name__)

FACET_TITLES = {
    "persons": "Personen",
    "places": "Orte",
    "orgs": "Organisationen",
    "section": "Ressort",
    "source": "Quelle",
    "year": "Jahr",
    "month": "Monat",
}
SORT_TITLES = {"relevance": "Relevanz", "-date": "Neueste zuerst", "date": "Älteste zuerst"}
FILTER_TITLES = {"cluster": "Fassungen von", "person": "Person", "place": "Ort",
                 "org": "Organisation",
                 "section": "Ressort", "source": "Quelle", "year": "Jahr", "month": "Monat"}


def snapshot():
    return request_snapshot()


@blueprint.get("/")
def search_page():
    args = request.args
    snap = snapshot()
    result = search(snap, search_request(args))
    page = result.request.page
    return render_template(
        "search.html",
        result=result,
        cite=citation_for(snap, result, args),
        cite_url=url_with("api.cite_json", args),
        chart=timeline_chart(result, args),
        facets=facets_with_urls(result, args, "pages.search_page"),
        more_urls={name: url_with("pages.search_page", args, more=param)
                   for name, param in FACET_PARAMS.items()},
        less_url=url_with("pages.search_page", args, more=None, facet_filter=None),
        facet_limit=FACET_LIMIT,
        facet_titles=FACET_TITLES,
        facet_params=FACET_PARAMS,
        chips=filter_chips(args),
        sorts=[(s, SORT_TITLES[s], url_with("pages.search_page", args, sort=s)) for s in SORTS],
        prev_url=url_with("pages.search_page", args, page=page - 1) if page > 1 else None,
        next_url=url_with("pages.search_page", args, page=page + 1)
        if page < result.pages else None,
        json_url=url_with("api.search_json", args, page=page),
        feed_url=url_with("feeds.search_feed", args, sort=None),
        export_csv_url=url_with("export.export", args, format="csv"),
        kwic_url=url_with("pages.kwic_page", args),
        compare_url=url_with("pages.timeline_page", args),
        export_jsonl_url=url_with("export.export", args, format="jsonl"),
        suggestion_url=url_with("pages.search_page", args, q=result.suggestion)
        if result.suggestion else None,
        exact_url=url_with("pages.search_page", args, correct="0", page=None),
        collapse_url=url_with("pages.search_page", args,
                              collapse=None if result.request.collapse else "1"),
        duplicates_url=lambda cluster: url_with("pages.search_page", args, cluster=cluster,
                                                collapse=None),
        args=args,
    )


def filter_chips(args) -> list[dict]:
    """Every active filter as a label, a value and the URL that removes it."""
    def without(name: str, value: str) -> str:
        rest = [v for v in args.getlist(name) if v != value]
        return url_with("pages.search_page", args, **{name: rest or None})

    chips = []
    for key in FACET_PARAMS.values():
        title = gettext(FILTER_TITLES[key])
        chips += [{"label": title, "value": v, "remove_url": without(key, v)}
                  for v in args.getlist(key) if v]
        chips += [{"label": f"{gettext('ohne')} {title}", "value": v,
                   "remove_url": without(EXCLUDE_PREFIX + key, v)}
                  for v in args.getlist(EXCLUDE_PREFIX + key) if v]
    for key, label in (("from", "ab"), ("to", "bis")):
        if args.get(key):
            chips.append({"label": gettext(label), "value": args[key],
                          "remove_url": without(key, args[key])})
    return chips


CHART_WIDTH, CHART_HEIGHT = 640, 90


def timeline_chart(result, args) -> dict | None:
    """Bars of the result set over time, each a link narrowing the date range."""
    if not result.total:
        return None
    data = timeline(snapshot(), result.request, [result.request.q])
    if len(data["series"][0]["buckets"]) < 2:
        return None
    return chart_of(data["interval"], data["series"][0], args)


def chart_of(interval: str, series: dict, args) -> dict:
    """SVG geometry for one timeline series; bars link to their date range."""
    buckets = series["buckets"]
    peak = max(b.count for b in buckets) or 1
    width = CHART_WIDTH / len(buckets)
    bars = []
    for n, bucket in enumerate(buckets):
        height = round(bucket.count / peak * (CHART_HEIGHT - 4), 1)
        bars.append({
            "x": round(n * width, 1), "width": max(1.0, round(width - 1, 1)),
            "y": round(CHART_HEIGHT - height, 1), "height": height,
            "label": bucket.value, "count": bucket.count,
            "url": url_with("pages.search_page", args, **{"from": bucket.start,
                                                          "to": bucket.end}),
        })
    return {"interval": interval, "bars": bars, "width": CHART_WIDTH,
            "height": CHART_HEIGHT, "first": buckets[0].value if buckets else "",
            "last": buckets[-1].value if buckets else "", "undated": series["undated"]}


@blueprint.get("/timeline")
def timeline_page():
    """Compare up to four queries over time: the HTML twin of /api/timeline."""
    args = request.args
    queries = [q for q in args.getlist("q")] or [""]
    data = timeline(snapshot(), search_request(args), queries, args.get("interval") or None)
    charts = []
    for series in data["series"]:
        search_args = args.copy()
        search_args.setlist("q", [series["q"]])
        charts.append({"series": series, "chart": chart_of(data["interval"], series,
                                                            search_args)})
    return render_template("timeline.html", data=data, charts=charts, args=args,
                           json_url=url_with("api.timeline_json", args))


@blueprint.get("/kwic")
def kwic_page():
    args = request.args
    req = search_request(args)
    order = args.get("kwic_sort", "position")
    lines = kwic(snapshot(), req, sort=order) if req.q.strip() else []
    return render_template(
        "kwic.html", lines=lines, args=args, order=order,
        sorts=[(key, label, url_with("pages.kwic_page", args, kwic_sort=key))
               for key, label in (("position", "Fundstelle"), ("left", "linkes Wort"),
                                  ("right", "rechtes Wort"))],
        json_url=url_with("api.kwic_json", args),
        csv_url=url_with("api.kwic_json", args, format="csv"),
        search_url=url_with("pages.search_page", args),
    )


@blueprint.get("/articles/<doc_id>")
def article_page(doc_id: str):
    article = load_article(snapshot(), doc_id)
    if article is None:
        abort(404, description=f"Es gibt keinen Artikel mit der Kennung {doc_id!r}.")
    facet_links = {
        name: [(value, url_for("pages.search_page", **{FACET_PARAMS[name]: value}))
               for value in article["entities"][name]]
        for name in ("persons", "places", "orgs")
    }
    return render_template(
        "article.html",
        article=article,
        similar=similar_articles(snapshot(), doc_id),
        paragraphs=body_paragraphs_html(article),
        facet_links=facet_links,
        facet_titles=FACET_TITLES,
        json_url=url_for("api.article_json", doc_id=doc_id),
        back_url=request.referrer if _same_site(request.referrer) else url_for("pages.search_page"),
    )


def _same_site(referrer: str | None) -> bool:
    return bool(referrer) and referrer.startswith(request.host_url)
