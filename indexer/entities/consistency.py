"""Document-level consistency: one article, one reading of each name.

The CRF labels each sentence on its own.  Within an article:

1. a name labelled with different types takes the type most of its mentions
   have (ties keep the labels as they are);
2. mentions the CRF missed are added where the same words stand elsewhere in
   the article: a multi-word name, a single word that is not a common noun
   (per the Wiktionary lexicon), and the last word of a person named in full
   (``Merkel`` after ``Angela Merkel``), with a genitive ``-s`` too, or the
   surname with its particles (``von der Leyen``).

Sentences are lists of words; mentions are (sentence, first word, end word,
type) tuples.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from indexer.entities.corrections import FOLLOWING, OPENING
from indexer.entities.lexical import Lexicon

PARTICLES = OPENING | FOLLOWING

Mention = tuple[int, int, int, str]  # sentence, first word, end word (exclusive), type


def harmonise(sentences: list[list[str]], mentions: list[Mention],
              lexicon: Lexicon) -> list[Mention]:
    """The mentions with majority types and the missed repetitions added."""
    if not mentions:
        return mentions
    types: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for s, first, end, kind in mentions:
        types[tuple(sentences[s][first:end])][kind] += 1
    chosen = {}
    for words, counts in types.items():
        (best, n), *rest = counts.most_common(2) + [("", 0)]
        chosen[words] = best if n > rest[0][1] else None
    voted = [(s, first, end, chosen[tuple(sentences[s][first:end])] or kind)
             for s, first, end, kind in mentions]
    return voted + _repetitions(sentences, voted, chosen, lexicon)


def _targets(chosen: dict[tuple[str, ...], str | None],
             lexicon: Lexicon) -> dict[tuple[str, ...], str]:
    """Word sequences worth finding again, with their type."""
    targets: dict[tuple[str, ...], str] = {}
    for words, kind in chosen.items():
        if kind is None:
            continue
        if len(words) > 1:
            targets[words] = kind
            if kind == "PER" and words[-1][:1].isupper() and len(words[-1]) > 2:
                targets.setdefault((words[-1],), kind)
                targets.setdefault((words[-1] + "s",), kind)
                particle = next((i for i, w in enumerate(words[:-1])
                                 if i and w.lower() in PARTICLES), 0)
                if particle:  # "von der Leyen", "Van der Bellen"
                    targets.setdefault(words[particle:], kind)
        elif _distinctive(words[0], lexicon):
            targets[words] = kind
    return targets


def _distinctive(word: str, lexicon: Lexicon) -> bool:
    """A capitalised word that is no common noun: ``Offenbach``, not ``Bank``."""
    return len(word) > 2 and word[:1].isupper() and not lexicon.is_common_noun(word)


def _repetitions(sentences: list[list[str]], mentions: list[Mention],
                 chosen: dict[tuple[str, ...], str | None], lexicon: Lexicon) -> list[Mention]:
    targets = _targets(chosen, lexicon)
    if not targets:
        return []
    longest = max(len(words) for words in targets)
    openers = {words[0] for words in targets}
    taken: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for s, first, end, _ in mentions:
        taken[s].append((first, end))
    added: list[Mention] = []
    for s, words in enumerate(sentences):
        for i in [i for i, word in enumerate(words) if word in openers]:
            for length in range(min(longest, len(words) - i), 0, -1):
                kind = targets.get(tuple(words[i:i + length]))
                if kind is None:
                    continue
                end = i + length
                if not any(a < end and i < b for a, b in taken[s]) and \
                        _stands_alone(words, end, lexicon):
                    added.append((s, i, end, kind))
                    taken[s].append((i, end))
                break
    return added


def _stands_alone(words: list[str], end: int, lexicon: Lexicon) -> bool:
    """Not followed by another name word ("Berlin" in "Berlin Brandenburg Airport")."""
    after = words[end] if end < len(words) else ""
    return not after[:1].isupper() or lexicon.is_common_noun(after)
