"""Named entities (persons, places, organisations) in German news text.

``extract_entities(text)`` returns :class:`Entity` mentions with character
offsets, a type (``PER``, ``LOC``, ``ORG``), the surface text and the
canonical name used as facet value.  Everything runs offline from the name
lists in ``data/`` and rules in :mod:`indexer.entities.extract`.
"""

from indexer.entities.extract import Entity, extract_entities

__all__ = ["Entity", "extract_entities"]
