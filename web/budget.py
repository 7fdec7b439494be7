"""A time budget for every request.

Each request runs within ``QUERY_BUDGET_SECONDS`` (environment
``NEWSINDEX_QUERY_BUDGET_SECONDS``, default 5): a search that runs past it
stops at its next check (:mod:`indexer.searching.budget`), the client gets a
503 saying so, and the server thread is free for the next request.  The rows
of an export are streamed after the response has started, within
``EXPORT_BUDGET_SECONDS`` of their own (:mod:`web.export`).
"""

from __future__ import annotations

from contextlib import ExitStack

from flask import Flask, g

from indexer.searching.budget import time_budget

QUERY_BUDGET_SECONDS = 5.0
EXPORT_BUDGET_SECONDS = 120.0


def register(app: Flask) -> None:
    @app.before_request
    def start_budget():
        g.budget = ExitStack()
        g.budget.enter_context(time_budget(float(app.config["QUERY_BUDGET_SECONDS"])))

    @app.teardown_request
    def end_budget(_exc):
        budget = g.pop("budget", None)
        if budget is not None:
            budget.close()
