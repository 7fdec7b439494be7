"""The web front end: an application factory serving the search page and JSON API.

``create_app(config)`` builds a Flask app bound to one index directory.  The
HTML blueprint (:mod:`web.pages`) and the JSON blueprint (:mod:`web.api`)
render the same data: every HTML page has a JSON twin.  Configuration comes
from the mapping passed in and from ``NEWSINDEX_*`` environment variables
(``NEWSINDEX_INDEX_DIR``, ``NEWSINDEX_QUERY_BUDGET_SECONDS``).
"""

from __future__ import annotations

import os

from flask import Flask

from indexer.searching.search import Archive
from web.budget import EXPORT_BUDGET_SECONDS, QUERY_BUDGET_SECONDS


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        INDEX_DIR=os.environ.get("NEWSINDEX_DIR", "index"),
        REFRESH_SECONDS=2.0,
        QUERY_BUDGET_SECONDS=QUERY_BUDGET_SECONDS,
        EXPORT_BUDGET_SECONDS=EXPORT_BUDGET_SECONDS,
        JSON_SORT_KEYS=False,
    )
    app.config.from_prefixed_env("NEWSINDEX")
    if config:
        app.config.update(config)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["archive"] = Archive(app.config["INDEX_DIR"],
                                        refresh_seconds=float(app.config["REFRESH_SECONDS"]),
                                        fall_back=True)

    from web import api, budget, errors, export, feeds, formatting, i18n, pages, security

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint, url_prefix="/api")
    app.register_blueprint(export.blueprint, url_prefix="/api")
    app.register_blueprint(feeds.blueprint)
    errors.register(app)
    budget.register(app)
    security.register(app)
    formatting.register(app)
    i18n.register(app)
    return app
