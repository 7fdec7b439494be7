"""Canonical person names within one document.

Places and organisations get their canonical spelling from the gazetteer.
Persons are named by the most complete form the document uses:

* ``Wladimir Wladimirowitsch Putin`` and ``Wladimir Putin`` are one person
  (patronymics dropped);
* a genitive before a noun loses its ``-s`` (``Joe Bidens Wahlsieg``);
* a single word that is part of exactly one full name elsewhere in the text
  stands for that person, before or after it (``Putins``, ``Choe`` for
  ``Choe Son Hui``), and is added as a mention where no rule found it.
"""

from __future__ import annotations

import re
from collections import Counter

from indexer.entities.model import Candidate
from indexer.entities.tokens import Tokens

PATRONYMIC = re.compile(r"\w+(?:owitsch|ewitsch|itsch|owna|ewna|jewna)$")
_GENITIVE_BEFORE_WORD = re.compile(r" [A-ZÄÖÜ]")


def person_canonical(surface: str) -> str:
    """A person's facet value from a surface form: apostrophe and patronymics off."""
    words = surface.replace("’", "'").rstrip("'").split()
    if len(words) > 2:
        words = [w for w in words if not PATRONYMIC.fullmatch(w)]
    return " ".join(words)


def strip_genitive(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "as", "is")):
        return word[:-1]
    return word


def name_persons(text: str, chosen: list[Candidate]) -> None:
    """Fill in canonical names of person candidates; the most frequent full form wins."""
    forms: Counter[str] = Counter()
    for cand in chosen:
        if cand.type != "PER":
            continue
        name = person_canonical(text[cand.start:cand.end])
        if " " in name and _GENITIVE_BEFORE_WORD.match(text, cand.end):
            head, last = name.rsplit(" ", 1)
            name = f"{head} {strip_genitive(last)}"
        cand.canonical = name
        forms[name] += 1
    by_last: dict[str, list[str]] = {}
    for name in forms:
        if " " in name:
            by_last.setdefault(name.split()[-1], []).append(name)
    for cand in chosen:
        if cand.type == "PER" and " " in cand.canonical:
            best = max(by_last[cand.canonical.split()[-1]], key=lambda n: (forms[n], -len(n)))
            if set(best.split()) <= set(cand.canonical.split()):
                cand.canonical = best


def _short_forms(chosen: list[Candidate]) -> dict[str, set[str]]:
    """Single words that can stand for a fully named person, by word."""
    keys: dict[str, set[str]] = {}
    for cand in chosen:
        parts = cand.canonical.split()
        if cand.type != "PER" or len(parts) < 2:
            continue
        keys.setdefault(parts[-1], set()).add(cand.canonical)
        if len(parts) == 3 and all(len(part) <= 5 for part in parts):
            # East Asian names start with the family name: "Choe" for "Choe Son Hui".
            keys.setdefault(parts[0], set()).add(cand.canonical)
    return keys


def _full_name(keys: dict[str, set[str]], word: str) -> str | None:
    names = keys.get(word) or keys.get(strip_genitive(word))
    return next(iter(names)) if names and len(names) == 1 else None


def propagate_persons(tokens: Tokens, chosen: list[Candidate]) -> list[Candidate]:
    """Name single-word mentions of persons named in full elsewhere in the text."""
    keys = _short_forms(chosen)
    if not keys:
        return chosen
    for cand in chosen:  # "Außenministerin Choe" before "Choe Son Hui"
        if cand.type == "PER" and " " not in cand.canonical:
            full = _full_name(keys, cand.canonical)
            if full:
                cand.canonical = full
    occupied = sorted((c.start, c.end) for c in chosen)
    added = []
    wanted = set(keys) | {key + "s" for key in keys}  # what _full_name can find
    for i, word in enumerate(tokens.words):
        base = word.rstrip("'’")
        if base not in wanted:
            continue
        full = _full_name(keys, base)
        if full is None:
            continue
        start = tokens.starts[i]
        end = start + len(base)
        if any(s < end and start < e for s, e in occupied):
            continue
        added.append(Candidate(start, end, "PER", full, 1))
    return sorted(chosen + added, key=lambda c: c.start)
