"""Entity co-occurrence: who and what appears most often with one entity.

For the current result set narrowed to articles naming the selected entity,
the persons, places and organisations counted from the facet columns, the
selected entity itself left out.
"""

from __future__ import annotations

from dataclasses import replace

from indexer.searching.facets import ENTITY_FACETS
from indexer.searching.query import QueryError
from indexer.searching.search import SearchRequest, Snapshot, matching_docnums, prepare

ENTITY_PARAMS = {"person": "persons", "place": "places", "org": "orgs"}


def cooccurrence(snapshot: Snapshot, request: SearchRequest, param: str, value: str,
                 limit: int = 10) -> dict:
    if param not in ENTITY_PARAMS or not value.strip():
        raise QueryError("Name the entity as with=person:NAME, with=place:NAME or "
                         "with=org:NAME.", "with")
    field = ENTITY_PARAMS[param]
    filters = dict(request.filters)
    filters[param] = tuple(dict.fromkeys((*filters.get(param, ()), value)))
    narrowed = replace(request, filters=filters)
    docnums = matching_docnums(snapshot, prepare(snapshot, narrowed))
    canonical = snapshot.facets.canonical(field, value)
    result = {"entity": {"type": param, "value": canonical, "count": int(docnums.size)}}
    for name in ENTITY_FACETS:
        values = snapshot.facets.facet(name, docnums, limit=limit + 1)
        result[name] = [v.to_dict() | {"selected": False} for v in values
                        if not (name == field and v.value == canonical)][:limit]
    return result


