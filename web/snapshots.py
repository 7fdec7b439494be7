"""The index generation a request reads: the newest, or the one ``generation=`` names.

A search pinned to a generation (``generation=gen-…``) is answered from that
generation for as long as the index keeps it, so a cited search can be run
again; one no longer kept is a 410, an unknown one a 404
(:mod:`web.errors`).
"""

from __future__ import annotations

from flask import current_app, request

from indexer.searching.search import Snapshot


def request_snapshot() -> Snapshot:
    archive = current_app.extensions["archive"]
    name = request.args.get("generation", "").strip()
    return archive.snapshot_of(name) if name else archive.snapshot()
