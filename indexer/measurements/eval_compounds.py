"""How well compounds are split: recall on compounds, false splits of plain words.

    python -m indexer.measurements.eval_compounds

Reads the written list ``tests/data/compounds_de.tsv`` (each word with its
accepted splits, or ``-`` for a word that must stay whole), splits every
word with :func:`indexer.analysis.compounds.split_compound` and compares
the Snowball stems of the parts.  Words after the ``#unseen`` line were
written after the splitter was tuned and are scored apart.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from indexer.analysis.compounds import split_compound
from indexer.analysis.folding import normalize_german
from indexer.analysis.german import stem_german
from indexer.measurements import REPO

GOLD = REPO / "tests" / "data" / "compounds_de.tsv"


def read_gold(path: Path = GOLD) -> list[tuple[str, list[tuple[str, ...]], bool]]:
    """(word, accepted splits, unseen) per line; the split ``()`` means "stays whole"."""
    rows, unseen = [], False
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("#unseen"):
            unseen = True
        if not line.strip() or line.startswith("#"):
            continue
        word, accepted = line.split("\t")
        splits = [() if a == "-" else tuple(a.split()) for a in accepted.split("|")]
        rows.append((word, splits, unseen))
    return rows


def stems(parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(stem_german(normalize_german(p.lower())) for p in parts)


def split(word: str) -> tuple[str, ...]:
    return split_compound(normalize_german(word.lower()))


def score(rows) -> Counter:
    """Counts: compounds split as accepted, compounds, whole words kept whole, whole words."""
    counts: Counter = Counter()
    for word, accepted, _ in rows:
        got = stems(split(word))
        good = got in {stems(a) for a in accepted}
        kind = "compound" if all(accepted) else "whole" if not any(accepted) else "either"
        counts[kind] += 1
        counts[f"{kind} right"] += good
    return counts


def report(counts: Counter, name: str) -> str:
    compounds = f"{counts['compound right']}/{counts['compound']}"
    whole = f"{counts['whole right']}/{counts['whole']}"
    either = f"{counts['either right']}/{counts['either']}"
    recall = counts["compound right"] / max(1, counts["compound"])
    false_splits = 1 - counts["whole right"] / max(1, counts["whole"])
    return (f"{name:<10} compounds split as accepted {compounds} ({recall:.0%}), "
            f"words kept whole {whole} (false splits {false_splits:.0%}), "
            f"either accepted {either}")


def main() -> int:
    rows = read_gold()
    print(report(score([r for r in rows if not r[2]]), "tuned on"))
    print(report(score([r for r in rows if r[2]]), "unseen"))
    misses = [(w, split(w), a) for w, a, _ in rows if stems(split(w)) not in {stems(x) for x in a}]
    for word, got, accepted in misses:
        print(f"  {word}: {' + '.join(got) or 'whole'} (accepted: "
              f"{' | '.join(' + '.join(a) or 'whole' for a in accepted)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
