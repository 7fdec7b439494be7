"""Entity profiles: one person, place or organisation across the whole archive.

For a canonical name typed in any case, :func:`entity_profile` gathers how
many articles name the entity and how many per period (a timeline series,
each period with its share of all articles), the surface forms merged into
the canonical name (counted at build time by
:mod:`indexer.writing.entity_forms`), the entities named with it most often
(:mod:`indexer.research.cooccurrence`), and its most recent and most
relevant articles.  "Most relevant" is BM25F over the entity's own surface
forms among the articles naming it: articles with the name in the title and
mentioned often come first.  :func:`matching_entities` lists the values of
one entity type with a word starting with a prefix, for autocompletion.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from indexer.research.cooccurrence import ENTITY_PARAMS, cooccurrence
from indexer.research.timeline import timeline
from indexer.searching.facets import ENTITY_FACETS, FacetValue
from indexer.searching.query import QueryError
from indexer.searching.search import Hit, SearchRequest, Snapshot, iter_hits

#: Entity type in URLs → entity facet field.
ENTITY_TYPES = ENTITY_PARAMS
RELATED_LIMIT = 10
ARTICLE_LIMIT = 5
MAX_MATCHES = 50
#: Surface forms searched for "most relevant", most frequent first.
MAX_QUERY_FORMS = 8
MAX_QUERY_FORM_CHARS = 60


@dataclass
class EntityProfile:
    type: str  # person, place or org
    value: str  # the canonical name as stored
    count: int  # articles naming it
    forms: list[tuple[str, int]]  # (surface form, mentions), most frequent first
    timeline: dict  # {"interval", "series": [one series]}, see indexer.research.timeline
    related: dict[str, list[FacetValue]]  # persons, places, orgs named with it
    recent: list[Hit]
    relevant: list[Hit]

    @property
    def filter(self) -> dict[str, str]:
        """The search filter selecting the entity's articles, e.g. {"person": "…"}."""
        return {self.type: self.value}


def entity_profile(snapshot: Snapshot, kind: str, name: str,
                   interval: str | None = None) -> EntityProfile | None:
    """The profile of entity ``name`` of type ``kind``; None if no article names it."""
    field = ENTITY_TYPES.get(kind)
    value = snapshot.facets.find(field, name) if field else None
    if value is None:
        return None
    named = SearchRequest(filters={kind: (value,)}, snippets=False)
    related = cooccurrence(snapshot, SearchRequest(), kind, value, limit=RELATED_LIMIT)
    forms = snapshot.entity_forms.forms(field, value)
    _, recent = iter_hits(snapshot, replace(named, sort="-date"), ARTICLE_LIMIT)
    _, relevant = iter_hits(snapshot, replace(named, q=forms_query(value, forms), snippets=True),
                            ARTICLE_LIMIT)
    return EntityProfile(
        type=kind, value=value, count=related["entity"]["count"], forms=forms,
        timeline=timeline(snapshot, named, [""], interval),
        related={facet: [FacetValue(v["value"], v["count"]) for v in related[facet]]
                 for facet in ENTITY_FACETS},
        recent=list(recent), relevant=list(relevant),
    )


def forms_query(value: str, forms: list[tuple[str, int]]) -> str:
    """A query for any of the entity's surface forms, each as a phrase."""
    phrases = dict.fromkeys(
        text for text in (" ".join(form.replace('"', " ").split())
                          for form, _ in [*forms, (value, 0)])
        if text and len(text) <= MAX_QUERY_FORM_CHARS)
    return " ODER ".join(f'"{text}"' for text in list(phrases)[:MAX_QUERY_FORMS])


def matching_entities(snapshot: Snapshot, kind: str, prefix: str,
                      limit: int = MAX_MATCHES) -> list[FacetValue]:
    """Values of entity type ``kind`` with a word starting with ``prefix``, with
    the number of articles naming each, most often named first."""
    field = ENTITY_TYPES.get(kind)
    if field is None:
        raise QueryError(f"type must be one of {', '.join(ENTITY_TYPES)}.", "type")
    if not 1 <= limit <= MAX_MATCHES:
        raise QueryError(f"limit must be between 1 and {MAX_MATCHES}.", "limit")
    return snapshot.facets.starting_with(field, prefix, limit)
