"""Named entities (persons, places, organisations) in German news text.

``extract_entities(text)`` returns :class:`Entity` mentions with character
offsets, a type (``PER``, ``LOC``, ``ORG``), the surface text and the
canonical name used as facet value.  A CRF tagger trained by the project
(``make train-entities``) labels the words, weighing lexicons, name lists and
the mentions of a rule extractor; rules for news conventions and
article-wide consistency follow.  Everything runs offline from the files in
``data/``; see :mod:`indexer.entities.extract`.  :func:`model_version` names
the model and data a result comes from.
"""

from indexer.entities.extract import extract_entities, model_version
from indexer.entities.model import Entity

__all__ = ["Entity", "extract_entities", "model_version"]
