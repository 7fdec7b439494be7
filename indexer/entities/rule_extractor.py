"""The rule extractor: rules propose, overlaps resolve, persons get named.

The tagger (:mod:`indexer.entities.extract`) reads its mentions as hints.

1. every rule in :mod:`indexer.entities.rules` proposes candidate spans;
2. overlapping candidates are resolved: the longer span wins, then the rule
   with the higher priority (a multi-word gazetteer name beats a person run);
3. person candidates get canonical names, and short forms of persons named in
   full anywhere in the text are added (:mod:`indexer.entities.canonical`).
"""

from __future__ import annotations

from indexer.entities import rules
from indexer.entities.canonical import name_persons, propagate_persons
from indexer.entities.gazetteer import load
from indexer.entities.model import Candidate, Entity
from indexer.entities.tokens import Tokens

RULES = (rules.gazetteer_names, rules.lowercase_names, rules.clubs_and_institutions,
         rules.person_runs, rules.reported_speech, rules.places_by_ending,
         rules.organisation_forms, rules.defined_acronyms)


def rule_entities(text: str) -> list[Entity]:
    """Persons, places and organisations the rules find in ``text``, sorted, disjoint."""
    if not text:
        return []
    gazetteer = load()
    tokens = Tokens(text)
    candidates = [cand for rule in RULES for cand in rule(tokens, gazetteer)]
    chosen = resolve(candidates)
    name_persons(text, chosen)
    chosen = propagate_persons(tokens, chosen)
    return [Entity(c.start, c.end, c.type, text[c.start:c.end], c.canonical) for c in chosen]


def resolve(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: longer spans first, then higher priority."""
    candidates.sort(key=lambda c: (-(c.end - c.start), -c.priority, c.start))
    taken: list[Candidate] = []
    for cand in candidates:
        if not any(other.overlaps(cand.start, cand.end) for other in taken):
            taken.append(cand)
    taken.sort(key=lambda c: c.start)
    return taken
