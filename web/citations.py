"""The citation of the search in a request: permalinks pinned to its generation.

Shared by the search page's "cite this search" block and ``/api/cite``.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

from flask import request
from werkzeug.datastructures import MultiDict

from indexer.reading.corpus import BERLIN
from indexer.research.citation import citation
from indexer.searching.search import SearchResult, Snapshot
from web.params import url_with


def citation_for(snapshot: Snapshot, result: SearchResult, args: MultiDict) -> dict:
    """``result``'s citation, with absolute links that answer from its generation."""
    pinned = {"generation": result.generation, "page": None, "lang": None}
    return citation(
        result,
        documents=snapshot.doc_count,
        permalink=urljoin(request.host_url, url_with("pages.search_page", args, **pinned)),
        api_url=urljoin(request.host_url, url_with("api.search_json", args, **pinned)),
        accessed=datetime.now(BERLIN).date(),
    )
