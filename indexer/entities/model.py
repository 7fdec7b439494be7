"""The entity type returned to callers and the candidate type the rules produce."""

from __future__ import annotations

from dataclasses import dataclass

TYPES = ("PER", "LOC", "ORG")


@dataclass(frozen=True)
class Entity:
    """One mention of a named entity in a text."""

    start: int  # character offset into the text
    end: int  # exclusive
    type: str  # "PER", "LOC" or "ORG"
    text: str  # the surface form, text[start:end]
    canonical: str  # the facet value


@dataclass
class Candidate:
    """A span some rule proposes; overlapping candidates are resolved later."""

    start: int
    end: int
    type: str
    canonical: str  # "" for persons until canonical names are settled
    priority: int  # higher wins among spans of equal length

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end
