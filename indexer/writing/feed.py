"""One article on its way into a segment: its entities, its fields, the counts kept beside.

Every path that writes articles (a writer process of a build, a build in one
process, an update) takes the same step per article: the entities from the
cache or, for a new text, from the extractor (and remembered); the index
fields; the words for the vocabulary and the entity forms for the names'
spellings; then the record to the segment sink.
"""

from __future__ import annotations

from collections import Counter
from typing import Protocol

from indexer.reading.documents import Document
from indexer.writing.entity_cache import Packed, annotated, annotation_of, pack
from indexer.writing.entity_forms import count_forms
from indexer.writing.phases import ANALYSE, ENTITIES, PhaseClock
from indexer.writing.schema import Filing, mention_forms, to_fields
from indexer.writing.segments.sink import SegmentSink
from indexer.writing.vocabulary import count_words


class FoundEntities(Protocol):
    """Where entities found for a new text go (the cache, or a writer process's file)."""

    def put(self, content_hash: str, packed: Packed) -> None: ...


class ArticleFeed:
    """Adds articles to ``sink``, counting their words and entity forms.

    ``words`` and ``forms``: counts to add to (an update starts from the
    index's), new ones if not given; ``clock``: where the time is charged.
    """

    def __init__(self, sink: SegmentSink, found: FoundEntities,
                 words: Counter | None = None, forms: Counter | None = None,
                 clock: PhaseClock | None = None) -> None:
        self.sink = sink
        self.found = found
        self.clock = clock or PhaseClock()
        self.words = Counter() if words is None else words
        self.forms = Counter() if forms is None else forms
        self.count = 0

    def add(self, doc: Document, filing: Filing, packed: Packed | None) -> None:
        """Add one article (``packed``: its cached entities, or None to find them)."""
        with self.clock.phase(ENTITIES):
            item = annotated(doc, filing, packed)
            if packed is None:
                self.found.put(doc.content_hash, pack(annotation_of(item)))
        with self.clock.phase(ANALYSE):
            record = to_fields(item)
            count_words(self.words, doc.title, doc.body)
            count_forms(self.forms, mention_forms(item.entities))
        self.sink.add(record)
        self.count += 1
