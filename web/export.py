"""Exports of whole result sets as CSV or JSON Lines, streamed row by row.

``GET /api/export?format=csv|jsonl`` takes the search parameters and returns
every hit (not only a page), up to :data:`EXPORT_LIMIT` rows, in result order:
id, date, title (an untitled article's first sentence, marked by
title_derived), source, section, url, persons, places, orgs, score and the
snippet as plain text.  Rows are produced while the response is sent, so a
large export never sits in memory.  ``X-Total-Count`` tells how many articles
matched; ``X-Export-Truncated: true`` says the limit cut the export.  Every
download is named after its query and the day (``wahl-2026-11-29.csv``).

Matching and ranking run within the request's time budget (a 503 if they
overrun it); the rows are then streamed within ``EXPORT_BUDGET_SECONDS``.
A stream that overruns that stops: the connection closes before the end of
the body, so the client sees an incomplete download, never a short file
that looks whole.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from datetime import datetime
from html import unescape

from flask import Blueprint, Response, current_app, request, stream_with_context

from indexer.reading.corpus import BERLIN
from indexer.searching.budget import BudgetExceeded, time_budget
from indexer.searching.query import QueryError
from indexer.searching.search import FILTER_FIELDS, iter_hits
from web.params import search_request
from web.snapshots import request_snapshot

EXPORT_LIMIT = 100_000
COLUMNS = ("id", "date", "title", "title_derived", "source", "section", "url", "persons",
           "places", "orgs", "score", "snippet", "cluster", "duplicates")
TAG = re.compile(r"</?mark>")
MAX_NAME_CHARS = 60
SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})

blueprint = Blueprint("export", __name__)


def _row(hit) -> dict:
    return {
        "id": hit.id, "date": hit.date or "", "title": hit.title,
        "title_derived": hit.title_derived, "source": hit.source,
        "section": hit.section, "url": hit.url or "",
        "persons": hit.entities["persons"], "places": hit.entities["places"],
        "orgs": hit.entities["orgs"], "score": hit.score,
        "snippet": unescape(TAG.sub("", " ".join(hit.snippets))),
        "cluster": hit.cluster, "duplicates": hit.duplicates,
    }


def _csv_lines(hits):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for hit in hits:
        row = _row(hit)
        writer.writerow(["; ".join(v) if isinstance(v, list) else ("" if v is None else v)
                         for v in (row[c] for c in COLUMNS)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _jsonl_lines(hits):
    for hit in hits:
        yield json.dumps(_row(hit), ensure_ascii=False) + "\n"


def download_name(args, kind: str, extension: str) -> str:
    """A file name from the query (or the filter values) and today's date:
    ``wahl-2026-11-29.csv``; ``kind`` (``kwic``, ``timeline``) follows the query."""
    words = [q for q in args.getlist("q") if q.strip()] or \
        [value for key in FILTER_FIELDS for value in args.getlist(key)]
    folded = unicodedata.normalize("NFKD", " ".join(words).casefold().translate(SPELLED_OUT))
    slug = re.sub(r"[^a-z0-9]+", "-", folded.encode("ascii", "ignore").decode()).strip("-")
    if len(slug) > MAX_NAME_CHARS:
        slug = slug[:MAX_NAME_CHARS].rsplit("-", 1)[0]
    today = datetime.now(BERLIN).date().isoformat()
    return "-".join(part for part in (slug or "archiv", kind, today) if part) + f".{extension}"


def _within(seconds: float, lines):
    """``lines``, produced within a time budget of ``seconds``."""
    with time_budget(seconds):
        try:
            yield from lines
        except BudgetExceeded:
            current_app.logger.warning("export stopped after %g s: %s", seconds,
                                       request.full_path)
            raise


def csv_response(rows: list[dict], columns: tuple[str, ...], filename: str) -> Response:
    """A small, already computed table as a CSV download."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@blueprint.get("/export")
def export():
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "jsonl"):
        raise QueryError("format must be csv or jsonl.", "format")
    snapshot = request_snapshot()
    search_args = request.args.copy()
    search_args.pop("format", None)
    search_args.pop("page", None)
    search_args.pop("size", None)
    req = search_request(search_args)
    total, hits = iter_hits(snapshot, req, limit=EXPORT_LIMIT)
    lines = _csv_lines(hits) if fmt == "csv" else _jsonl_lines(hits)
    body = _within(float(current_app.config["EXPORT_BUDGET_SECONDS"]), lines)
    mimetype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{download_name(request.args, "", fmt)}"'
    response.headers["X-Total-Count"] = str(total)
    response.headers["X-Generation"] = snapshot.generation.name
    response.headers["X-Export-Truncated"] = "true" if total > EXPORT_LIMIT else "false"
    return response
