"""The article record that flows from the corpus readers into the index.

A :class:`Document` holds what a reader could honestly parse from one
article: the body is always there, every other field may be missing.  The
``content_hash`` identifies the article's content, so incremental updates can
tell a changed article from an unchanged one, and articles without an id get
a stable one derived from it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Document:
    """One news article as read from the corpus."""

    body: str
    title: str = ""
    id: str = ""
    date: datetime | None = None  # timezone-aware (Europe/Berlin for the seed format)
    source: str = ""
    section: str = ""
    url: str = ""
    origin: str = ""  # "file:line" it was read from, for reports
    content_hash: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self)
        if not self.id:
            self.id = self.content_hash[:16]


def content_hash(doc: Document) -> str:
    """A hex SHA-256 over every field that is indexed, independent of origin."""
    digest = hashlib.sha256()
    date = doc.date.isoformat() if doc.date else ""
    for part in (doc.title, date, doc.source, doc.section, doc.url, doc.body):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()
