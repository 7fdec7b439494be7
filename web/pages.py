"""The HTML pages for researchers: search, timeline, keyword in context, articles, entities.

Server-rendered and usable without JavaScript: every control is a link or a
form, every state is in the URL.  Each page links its JSON twin.  Links to
an article carry ``back``, the list it was opened from.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from indexer.research.entity_profile import ENTITY_TYPES, entity_profile, forms_query
from indexer.research.kwic import kwic
from indexer.research.timeline import timeline
from indexer.searching.search import FACET_LIMIT, SORTS, search, similar_articles
from web.articles import body_paragraphs_html, load_article
from web.charts import series_label, timeline_chart
from web.citations import citation_for
from web.i18n import gettext
from web.params import (
    EXCLUDE_PREFIX,
    FACET_PARAMS,
    MEASURES,
    chart_measure,
    compared_queries,
    current_path,
    expansions_with_urls,
    facets_with_urls,
    local_path,
    query_notices,
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
MEASURE_TITLES = {"count": "Anzahl", "share": "Anteil an allen Artikeln"}
INTERVAL_TITLES = {"year": "Jahre", "month": "Monate", "day": "Tage"}
#: Months a timeline may span and still be offered by day.
MAX_DAY_MONTHS = 13
#: Height of the chart above the hits (the others are taller).
SEARCH_CHART_HEIGHT = 110
#: Where ``back`` leads, by the start of its path: the link's text.
BACK_TITLES = (("/kwic", "Zurück zu den Fundstellen"), ("/timeline", "Zurück zum Zeitverlauf"),
               ("/entity/", "Zurück zum Profil"), ("/", "Zurück zu den Ergebnissen"))


def snapshot():
    return request_snapshot()


@blueprint.app_context_processor
def page_context() -> dict:
    """``here``: this page's address, the ``back`` of the article links on it."""
    return {"here": current_path()}


@blueprint.get("/")
def search_page():
    args = request.args
    snap = snapshot()
    result = search(snap, search_request(args))
    measure = chart_measure(args)
    page = result.request.page
    return render_template(
        "search.html",
        result=result,
        cite=citation_for(snap, result, args),
        cite_url=url_with("api.cite_json", args),
        chart=search_chart(result, args, measure),
        measures=measure_links(args),
        notices=[{**notice, "url": url_with("pages.search_page", args, q=notice["suggestion"])}
                 for notice in query_notices(result.request.q)],
        suggestion_url=url_with("pages.search_page", args, q=result.suggestion)
        if result.suggestion else None,
        facets=facets_with_urls(result, args, "pages.search_page"),
        expansions=expansions_with_urls(result, args, "pages.search_page"),
        more_urls={name: url_with("pages.search_page", args, more=param)
                   for name, param in FACET_PARAMS.items()},
        less_url=url_with("pages.search_page", args, more=None, facet_filter=None),
        facet_limit=FACET_LIMIT,
        facet_titles=FACET_TITLES,
        facet_params=FACET_PARAMS,
        chips=filter_chips(args, "pages.search_page"),
        sorts=[(s, SORT_TITLES[s], url_with("pages.search_page", args, sort=s)) for s in SORTS],
        prev_url=url_with("pages.search_page", args, page=page - 1) if page > 1 else None,
        next_url=url_with("pages.search_page", args, page=page + 1)
        if page < result.pages else None,
        json_url=url_with("api.search_json", args, page=page),
        feed_url=url_with("feeds.search_feed", args, sort=None, measure=None),
        export_csv_url=url_with("export.export", args, format="csv", measure=None),
        export_jsonl_url=url_with("export.export", args, format="jsonl", measure=None),
        kwic_url=url_with("pages.kwic_page", args, measure=None),
        compare_url=url_with("pages.timeline_page", args, sort=None, size=None, more=None,
                             facet_filter=None),
        exact_url=url_with("pages.search_page", args, correct="0", page=None),
        collapse_url=url_with("pages.search_page", args,
                              collapse=None if result.request.collapse else "1"),
        duplicates_url=lambda cluster: url_with("pages.search_page", args, cluster=cluster,
                                                collapse=None),
        args=args,
    )


def filter_chips(args, endpoint: str) -> list[dict]:
    """Every active filter as a label, a value, the URL that removes it and,
    for persons, places and organisations, the entity's page."""
    def without(name: str, value: str) -> str:
        rest = [v for v in args.getlist(name) if v != value]
        return url_with(endpoint, args, **{name: rest or None})

    chips = []
    for key in FACET_PARAMS.values():
        title = gettext(FILTER_TITLES[key])
        chips += [{"label": title, "value": v, "remove_url": without(key, v),
                   "entity_url": entity_url(key, v) if key in ENTITY_TYPES else None}
                  for v in args.getlist(key) if v]
        chips += [{"label": f"{gettext('ohne')} {title}", "value": v,
                   "remove_url": without(EXCLUDE_PREFIX + key, v), "entity_url": None}
                  for v in args.getlist(EXCLUDE_PREFIX + key) if v]
    for key, label in (("from", "ab"), ("to", "bis")):
        if args.get(key):
            chips.append({"label": gettext(label), "value": args[key],
                          "remove_url": without(key, args[key]), "entity_url": None})
    return chips


def entity_url(kind: str, value: str) -> str:
    return url_for("pages.entity_page", kind=kind, name=value)


def search_chart(result, args, measure: str) -> dict | None:
    """The result set over time above the hits; bars narrow the dates."""
    if not result.total:
        return None
    data = timeline(snapshot(), result.request, [result.request.q])
    if len(data["series"][0]["buckets"]) < 2:
        return None
    return chart_view(data, args, measure, "pages.search_page", "search-chart",
                      plot_height=SEARCH_CHART_HEIGHT)


def chart_view(data: dict, args, measure: str, bar_endpoint: str | None, chart_id: str,
               **chart_options) -> dict | None:
    """A chart of ``data`` and the links below it: SVG and CSV downloads of the
    same timeline (``args`` select it), bars narrowing ``bar_endpoint`` to a period.
    ``chart_options`` go to :func:`web.charts.timeline_chart`."""
    bar_urls = None
    if bar_endpoint:
        bar_urls = [url_with(bar_endpoint, args, measure=None, **{"from": b.start, "to": b.end})
                    for b in data["series"][0]["buckets"]]
    chart = timeline_chart(data, measure, chart_id, bar_urls, **chart_options)
    if chart is None:
        return None
    download = {"measure": measure, "interval": data["interval"], "sort": None,
                "more": None, "facet_filter": None}
    return {
        "chart": chart,
        "undated": sum(s["undated"] for s in data["series"]),
        "measure": measure,
        "svg_url": url_with("api.timeline_json", args, format="svg", **download),
        "csv_url": url_with("api.timeline_json", args, format="csv", **download),
    }


@blueprint.get("/timeline")
def timeline_page():
    """Compare up to four queries over time: the HTML twin of /api/timeline."""
    args = request.args
    queries = compared_queries(args)
    typed = [q for q in queries if q]
    if args.getlist("q") != typed:  # blank fields of the form, repeats, spaces
        return redirect(url_with("pages.timeline_page", args, q=typed or None))
    data = timeline(snapshot(), search_request(args), queries, args.get("interval") or None)
    return render_template(
        "timeline.html", data=data, args=args,
        view=chart_view(data, args, chart_measure(args),
                        "pages.search_page" if len(queries) == 1 else None, "timeline-chart"),
        measures=measure_links(args),
        labels=[series_label(s["q"]) for s in data["series"]],
        chips=filter_chips(args, "pages.timeline_page"),
        intervals=interval_links(data, args),
        cell_urls=[[url_with("pages.search_page", args, q=s["q"] or None, interval=None,
                             measure=None, **{"from": b.start, "to": b.end})
                    for b in s["buckets"]] for s in data["series"]],
        json_url=url_with("api.timeline_json", args),
    )


def measure_links(args, view_args: dict | None = None) -> list[tuple[str, str, str]]:
    """(measure, title, URL) of this page showing counts or shares."""
    return [(m, MEASURE_TITLES[m],
             url_with(request.endpoint, args, view_args=view_args, measure=m))
            for m in MEASURES]


def interval_links(data: dict, args) -> list[tuple[str, str, str]]:
    """(interval, title, URL) for the periods a timeline can be counted by."""
    buckets = data["series"][0]["buckets"]
    months = {"year": 12, "month": 1, "day": 1 / 30}[data["interval"]] * len(buckets)
    offered = ["year", "month"] + (["day"] if months <= MAX_DAY_MONTHS else [])
    return [(interval, INTERVAL_TITLES[interval],
             url_with("pages.timeline_page", args, interval=interval)) for interval in offered]


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
        chips=filter_chips(args, "pages.kwic_page"),
        json_url=url_with("api.kwic_json", args),
        csv_url=url_with("api.kwic_json", args, format="csv"),
        search_url=url_with("pages.search_page", args, kwic_sort=None),
    )


@blueprint.get("/articles/<doc_id>")
def article_page(doc_id: str):
    article = load_article(snapshot(), doc_id)
    if article is None:
        abort(404, description=f"No article with id {doc_id!r}.")
    back = local_path(request.args.get("back"))
    entity_links = {
        name: [(value, entity_url(FACET_PARAMS[name], value))
               for value in article["entities"][name]]
        for name in ("persons", "places", "orgs")
    }
    return render_template(
        "article.html",
        article=article,
        similar=similar_articles(snapshot(), doc_id),
        paragraphs=body_paragraphs_html(article),
        entity_links=entity_links,
        facet_titles=FACET_TITLES,
        json_url=url_for("api.article_json", doc_id=doc_id, lang=None),
        canonical_url=url_for("pages.article_page", doc_id=doc_id, _external=True, lang=None),
        back_url=back,
        back_title=next(title for prefix, title in BACK_TITLES
                        if (back or "/").startswith(prefix)),
        args=request.args,
    )


@blueprint.get("/entity/<kind>/<path:name>")
def entity_page(kind: str, name: str):
    """One person, place or organisation: the HTML twin of /api/entities/<type>/<name>."""
    args = request.args
    profile = entity_profile(snapshot(), kind, name, args.get("interval") or None)
    if profile is None:
        abort(404, description=f"No article names {name!r} ({kind}).")
    chart_args = args.copy()
    chart_args.setlist(kind, [profile.value])
    return render_template(
        "entity.html",
        profile=profile,
        type_title=FILTER_TITLES[kind],
        view=chart_view(profile.timeline, chart_args, chart_measure(args, "share"),
                        "pages.search_page", "entity-chart", labels=[profile.value]),
        measures=measure_links(args, {"kind": kind, "name": profile.value}),
        related_titles=FACET_TITLES,
        related_kinds=FACET_PARAMS,
        search_url=url_for("pages.search_page", **profile.filter),
        timeline_url=url_for("pages.timeline_page", **profile.filter),
        kwic_url=url_for("pages.kwic_page", q=forms_query(profile.value, profile.forms),
                         **profile.filter),
        json_url=url_for("api.entity_json", kind=kind, name=profile.value),
        args=args,
    )
