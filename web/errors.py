"""Error responses: JSON for the API, a page for people, never a stack trace.

A :class:`~indexer.query.QueryError` is the user's to fix and becomes a 400
with its message; a missing index is a 503 that says how to build one; any
other exception is logged and answered with a plain 500 that reveals nothing.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.query import QueryError
from indexer.store import IndexMissingError


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def _respond(status: int, error: str, message: str):
    if wants_json():
        response = jsonify({"error": error, "message": message, "status": status})
    else:
        response = render_template("error.html", status=status, error=error, message=message)
    return response, status


def register(app: Flask) -> None:
    @app.errorhandler(QueryError)
    def bad_query(exc: QueryError):
        return _respond(400, "bad_request", str(exc))

    @app.errorhandler(IndexMissingError)
    def no_index(exc: IndexMissingError):
        app.logger.error("%s", exc)
        return _respond(503, "index_unavailable",
                        "The search index is not built yet. An administrator can build it "
                        "with `newsindex build`.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _respond(exc.code or 500, (exc.name or "error").lower().replace(" ", "_"),
                        exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return _respond(500, "internal_error",
                        "Something went wrong on our side. Please try again later.")
