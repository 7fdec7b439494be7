"""One article for display: stored fields to the shape both twins render.

Entities are stored with character offsets into the body; here they become
marked-up paragraphs for the HTML page, a plain list of mentions for JSON,
and per entity its canonical name with the surface forms the article uses.
An article without a title is shown with its first sentence, marked as
derived.
"""

from __future__ import annotations

from html import escape

from indexer.searching.search import (
    Snapshot,
    display_title,
    get_article,
    safe_url,
    split_values,
)

ENTITY_LABELS = {"PER": "Person", "LOC": "Ort", "ORG": "Organisation"}


def load_article(snapshot: Snapshot, doc_id: str) -> dict | None:
    stored = get_article(snapshot, doc_id)
    if stored is None:
        return None
    body = stored.get("body", "")
    mentions = [
        {"start": start, "end": end, "type": kind, "text": body[start:end], "canonical": canonical}
        for start, end, kind, canonical in stored.get("entities", [])
    ]
    title, derived = display_title(stored)
    return {
        "id": stored["id"],
        "title": title,
        "title_derived": derived,
        "date": stored.get("published"),
        "source": stored.get("source", ""),
        "section": stored.get("section", ""),
        "url": safe_url(stored.get("url")),
        "body": body,
        "entities": {name: split_values(stored.get(name))
                     for name in ("persons", "places", "orgs")},
        "mentions": mentions,
        "names": entity_names(mentions),
    }


def entity_names(mentions: list[dict]) -> list[dict]:
    """Per entity (type and canonical name), in order of first mention: the surface forms
    the article writes it in and how often it is mentioned."""
    names: dict[tuple[str, str], dict] = {}
    for mention in mentions:
        key = (mention["type"], mention["canonical"])
        entry = names.setdefault(key, {"type": key[0], "canonical": key[1], "forms": [],
                                       "mentions": 0})
        if mention["text"] not in entry["forms"]:
            entry["forms"].append(mention["text"])
        entry["mentions"] += 1
    return list(names.values())


def body_paragraphs_html(article: dict) -> list[str]:
    """The body as escaped HTML paragraphs with entity mentions marked."""
    body = article["body"]
    out: list[str] = []
    position = 0
    for entity in article["mentions"]:
        start, end = entity["start"], entity["end"]
        if start < position or end > len(body):
            continue
        out.append(escape(body[position:start], quote=False))
        label = ENTITY_LABELS.get(entity["type"], entity["type"])
        out.append(
            f'<span class="entity entity-{escape(entity["type"].lower())}" '
            f'title="{label}: {escape(entity["canonical"])}">'
            f"{escape(body[start:end], quote=False)}</span>"
        )
        position = end
    out.append(escape(body[position:], quote=False))
    return [p for p in "".join(out).split("\n\n") if p.strip()]
