"""Error responses: JSON for the API, a page for people, never a stack trace.

Every API error has the shape ``{"error": {"code", "message", "param"}}``;
pages show the same message in the interface language.
A :class:`~indexer.searching.query.QueryError` is the caller's to fix and becomes a 400
naming the parameter at fault; a missing or unreadable index is a 503 that
says what an administrator can do; a search stopped at its time budget is a
503 that says how to narrow it; a search pinned to a generation no longer
kept is a 410 naming the current one, to an unknown one a 404; any other
exception is logged and answered with a 500 that reveals nothing.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.searching.budget import BudgetExceeded
from indexer.searching.query import QueryError
from indexer.writing.store import (
    GenerationNotKeptError,
    GenerationUnknownError,
    IndexMissingError,
    StoreError,
)
from web.i18n import translate_message


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, param: str | None = None):
    if wants_json():
        body = jsonify({"error": {"code": code, "message": message, "param": param}})
    else:
        body = render_template("error.html", status=status, code=code,
                               message=translate_message(message), param=param,
                               args=request.args)
    return body, status


def register(app: Flask) -> None:
    @app.errorhandler(QueryError)
    def bad_query(exc: QueryError):
        return error_response(400, "invalid_query" if exc.param == "q" else "invalid_parameter",
                              str(exc), exc.param)

    @app.errorhandler(IndexMissingError)
    def no_index(exc: IndexMissingError):
        app.logger.error("%s", exc)
        return error_response(503, "index_unavailable",
                              "The search index is not built yet. An administrator can build "
                              "it with `newsindex build`.")

    @app.errorhandler(StoreError)
    def unreadable_index(exc: StoreError):
        app.logger.error("%s", exc)
        return error_response(503, "index_unavailable",
                              "The search index cannot be read. An administrator can check it "
                              "with `newsindex verify` and rebuild it with `newsindex build`.")

    @app.errorhandler(GenerationNotKeptError)
    def generation_not_kept(exc: GenerationNotKeptError):
        return error_response(410, "generation_not_kept", str(exc), "generation")

    @app.errorhandler(GenerationUnknownError)
    def generation_unknown(exc: GenerationUnknownError):
        return error_response(404, "unknown_generation", str(exc), "generation")

    @app.errorhandler(BudgetExceeded)
    def over_budget(exc: BudgetExceeded):
        app.logger.warning("stopped after %g s: %s", exc.seconds, request.full_path)
        return error_response(503, "query_timeout", str(exc), "q")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return error_response(500, "internal_error",
                              "Something went wrong on our side. Please try again later.")
