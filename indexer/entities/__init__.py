"""Named entities (persons, places, organisations) in German news text.

``extract_entities(text)`` returns :class:`Entity` mentions with character
offsets, a type (``PER``, ``LOC``, ``ORG``), the surface text and the
canonical name used as facet value.  Everything runs offline from name lists
(``data/``, pycountry, Faker) and rules; see :mod:`indexer.entities.extract`.
"""

from indexer.entities.extract import extract_entities
from indexer.entities.model import Entity

__all__ = ["Entity", "extract_entities"]
