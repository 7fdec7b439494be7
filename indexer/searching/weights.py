"""The knobs of relevance ranking, in one record.

BM25's ``k1`` and ``b``, and how much each kind of match counts: a word in
the title against one in the body, a compound's part (``Wahl`` in
``Bundestagswahl``) against the whole word, a compound's parts written
apart (``Gesetz zum Klimaschutz`` for ``Klimaschutzgesetz``) against the
compound, and a word written as typed (``Staaten`` for ``Staaten``, also in
``NATO-Staaten``) on top of its stem.  The query parser turns the
match weights into term boosts; ranking reads ``k1`` and ``b``.  The
defaults are what the product uses; ``make eval-relevance`` compares others.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import scoring


@dataclass(frozen=True)
class RankingParameters:
    k1: float = 1.2
    b: float = 0.75
    title: float = 2.0  # weight of a title match, a body match weighing 1
    parts: float = 0.35  # weight of a compound-part match, the whole word weighing 1
    split: float = 0.8  # weight of a compound typed in the query, found as its parts apart
    forms: float = 0.3  # extra weight of a word found as typed (folded, not stemmed)

    def weighting(self) -> scoring.BM25F:
        """whoosh's BM25F with these parameters (whoosh ranks what the arrays cannot)."""
        return scoring.BM25F(B=self.b, K1=self.k1)

    def field_boosts(self) -> dict[str, float]:
        return {"title": self.title, "body": 1.0}


DEFAULT_RANKING = RankingParameters()
