"""The whoosh schema of the archive and the mapping from a document to it.

Text fields use the German analyzer and store character offsets, so snippets
are cut from stored offsets without analysing a body again.  Beside ``title``
and ``body``, ``title_parts`` and ``body_parts`` hold the parts of compound
words, searched with a lower weight so that ``Wahl`` finds ``Bundestagswahl``
but exact words rank first.  ``title_pairs`` and ``body_pairs`` hold the
pairs of neighbouring words in which one is a stopword, so phrases such as
``"vor allem"`` are looked up instead of checked position by position.
``title_forms`` and ``body_forms`` hold every word and word part as written,
folded but not stemmed, without positions: prefix search expands a prefix
over them (``Untersuchun*``), since a stem is no prefix of its words.
Every facet a search can count (date, section, source, persons, places,
organisations), the article's near-duplicate ``cluster`` and when it was
``indexed``, is also packed into one compact per-document column,
``facet_data``, which the
search side loads once per index generation into arrays.  An article without
a title gets one for display only, from its first sentence
(``derived_title``, stored, never indexed: it must not count twice for
ranking).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Iterator

from whoosh import analysis, fields

from indexer.analysis.german import (
    compound_parts_analyzer,
    german_analyzer,
    word_forms_analyzer,
    word_pairs_analyzer,
)
from indexer.analysis.sentences import lead_sentence
from indexer.entities import Entity, extract_entities
from indexer.reading.corpus import BERLIN
from indexer.reading.documents import Document

#: Entity facet fields by entity type.
ENTITY_FIELDS = {"PER": "persons", "LOC": "places", "ORG": "orgs"}


def build_schema() -> fields.Schema:
    analyzer = german_analyzer()
    parts = compound_parts_analyzer()
    pairs = word_pairs_analyzer()
    forms = word_forms_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        content_hash=fields.ID(stored=True, sortable=True),
        title=fields.TEXT(analyzer=analyzer, stored=True, phrase=True, chars=True),
        body=fields.TEXT(analyzer=analyzer, stored=True, phrase=True, chars=True),
        title_parts=fields.TEXT(analyzer=parts, phrase=True, chars=True),
        body_parts=fields.TEXT(analyzer=parts, phrase=True, chars=True),
        title_pairs=fields.TEXT(analyzer=pairs, phrase=False),
        body_pairs=fields.TEXT(analyzer=pairs, phrase=False),
        title_forms=fields.TEXT(analyzer=forms, phrase=False),
        body_forms=fields.TEXT(analyzer=forms, phrase=False),
        date=fields.DATETIME(stored=True, sortable=True),
        year=fields.NUMERIC(int, stored=False, signed=False),
        month=fields.ID(stored=False),
        persons=fields.KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        places=fields.KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        orgs=fields.KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        section=fields.ID(stored=True, sortable=True, analyzer=_lowercase_id()),
        source=fields.ID(stored=True, sortable=True, analyzer=_lowercase_id()),
        cluster=fields.ID(stored=True),
        indexed=fields.STORED(),
        url=fields.STORED(),
        published=fields.STORED(),
        entities=fields.STORED(),
        derived_title=fields.STORED(),
        origin=fields.STORED(),
        facet_data=fields.COLUMN(),
    )


def _lowercase_id() -> analysis.Analyzer:
    """The whole value as one token, lowercased (case-insensitive filters)."""
    return analysis.IDTokenizer() | analysis.LowercaseFilter()


@dataclass(frozen=True)
class Filing:
    """Where the archive files an article, beyond what the article says itself."""

    cluster: str = ""  # near-duplicate cluster (indexer.writing.duplicates); "" for its own
    indexed: int = 0  # Unix seconds when this version was first indexed (writing.arrivals)


@dataclass
class AnalysedDocument:
    """A document with its entities, ready to be written to the index."""

    doc: Document
    entities: list[Entity]  # found in the body, with offsets into it
    title_entities: list[Entity]
    filing: Filing

    @property
    def cluster(self) -> str:
        return self.filing.cluster or self.doc.id


def analyse(doc: Document, filing: Filing = Filing()) -> AnalysedDocument:
    """Find the entities of one document (title and body separately)."""
    return AnalysedDocument(doc, extract_entities(doc.body), extract_entities(doc.title),
                            filing)


def facet_value(canonical: str) -> str:
    """A canonical name as a facet value (the stored lists are comma-separated)."""
    return canonical.replace(",", " ").strip()


def facet_values(entities: list[Entity]) -> dict[str, list[str]]:
    """Canonical entity values per facet field, in order of first mention."""
    values: dict[str, dict[str, None]] = {name: {} for name in ENTITY_FIELDS.values()}
    for entity in entities:
        field = ENTITY_FIELDS.get(entity.type)
        if field:
            values[field][facet_value(entity.canonical)] = None
    return {field: [v for v in found if v] for field, found in values.items()}


def mention_forms(entities: Iterable[Entity]) -> Iterator[tuple[str, str, str]]:
    """(facet field, facet value, text as written) of each entity mention."""
    for entity in entities:
        form = _mention_form(entity.type, entity.canonical, entity.text)
        if form:
            yield form


def stored_mention_forms(stored: dict) -> Iterator[tuple[str, str, str]]:
    """The same for an indexed article, from its stored body and entity offsets."""
    body = stored.get("body", "")
    for start, end, kind, canonical in stored.get("entities", []):
        form = _mention_form(kind, canonical, body[start:end])
        if form:
            yield form


def _mention_form(kind: str, canonical: str, text: str) -> tuple[str, str, str] | None:
    field, value, written = ENTITY_FIELDS.get(kind), facet_value(canonical), " ".join(text.split())
    return (field, value, written) if field and value and written else None


def to_fields(item: AnalysedDocument) -> dict:
    """The keyword arguments for ``writer.add_document`` / ``update_document``."""
    doc = item.doc
    facets = facet_values(item.title_entities + item.entities)
    record = {
        "id": doc.id,
        "content_hash": doc.content_hash,
        "title": doc.title,
        "body": doc.body,
        "title_parts": doc.title,
        "body_parts": doc.body,
        "title_pairs": doc.title,
        "body_pairs": doc.body,
        "title_forms": doc.title,
        "body_forms": doc.body,
        "section": doc.section,
        "source": doc.source,
        "url": doc.url,
        "cluster": item.cluster,
        "indexed": _utc_iso(item.filing.indexed) if item.filing.indexed else None,
        "origin": doc.origin,
        "entities": [[e.start, e.end, e.type, e.canonical] for e in item.entities],
        "derived_title": "" if doc.title else lead_sentence(doc.body),
        **{field: ",".join(values) for field, values in facets.items()},
    }
    day = 0
    if doc.date is not None:
        local = doc.date.astimezone(BERLIN)
        record["date"] = doc.date.astimezone(timezone.utc).replace(tzinfo=None)
        record["year"] = local.year
        record["month"] = f"{local:%Y-%m}"
        record["published"] = local.isoformat()
        day = local.year * 10000 + local.month * 100 + local.day
    packed = [day, doc.section, doc.source, facets["persons"], facets["places"], facets["orgs"],
              item.cluster, item.filing.indexed]
    record["facet_data"] = json.dumps(packed, ensure_ascii=False,
                                      separators=(",", ":")).encode("utf-8")
    return {name: value for name, value in record.items() if value not in ("", None)}


def _utc_iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds")
