"""Atom feeds of searches: follow a topic in any feed reader.

``/feed.atom`` takes the search page's parameters and answers the newest 50
matching articles as an Atom 1.0 feed (RFC 4287), each entry linking to the
article page.  An entry's ``updated`` is when that version of the article
was indexed, so a reader sees an article again when it changes.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html import unescape
from urllib.parse import urljoin

from flask import Blueprint, Response, render_template, request, url_for

from indexer.searching.search import search
from web.params import search_request, url_with
from web.snapshots import request_snapshot

FEED_ENTRIES = 50
_TAG = re.compile(r"<[^>]+>")

blueprint = Blueprint("feeds", __name__)


@blueprint.get("/feed.atom")
def search_feed():
    args = request.args.copy()
    args.pop("page", None)
    args["size"] = str(FEED_ENTRIES)
    args.setdefault("sort", "-date")
    result = search(request_snapshot(), search_request(args))
    entries = [{
        "hit": hit,
        "url": url_for("pages.article_page", doc_id=hit.id, _external=True),
        "updated": hit.indexed or hit.date or _now(),
        "summary": unescape(_TAG.sub("", " ".join(hit.snippets))),
    } for hit in result.hits]
    body = render_template(
        "feed.xml",
        result=result,
        entries=entries,
        feed_url=urljoin(request.host_url, url_with("feeds.search_feed", request.args)),
        html_url=urljoin(request.host_url, url_with("pages.search_page", request.args)),
        updated=max((e["updated"] for e in entries), default=_now()),
    )
    return Response(body, mimetype="application/atom+xml")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
