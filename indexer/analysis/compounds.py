"""Splitting German compounds into their parts: ``Bundestagswahl`` → bund, tag, wahl.

Every way of covering a word with lexicon words (:mod:`indexer.analysis.lexicon`),
joined by the usual linking elements (``-s-``, ``-es-``, ``-n-``, ``-en-``,
``-e-``, or a dropped ``-e``: ``Schulbuch``), is a candidate; the one whose
parts are most frequent wins, and it wins over the whole word only if its
parts are more frequent than the word itself (Koehn & Knight 2003: the
geometric mean of the parts' frequencies), and a frequent word of two short
parts stays whole (``Haushalt``, ``Bahnhof``).  So ``Verbraucher`` stays whole
(it is more frequent than ``Verb`` and ``Raucher``), and ``Wandhalterung``
is ``Wand`` + ``Halterung``, not ``Wand`` + ``Alterung`` (``wandh`` is no word).

Constraints keep the parts honest: the last part is a noun form; earlier
parts are nouns, or frequent words of four letters or more; prefixes that
are prepositions (``über``, ``nach``) never stand alone; each further part
costs a little, so a frequent compound part such as ``Landtag`` is not cut
into ``Land`` + ``Tag`` for nothing.  Words are expected lowercase and
folded like the analyzer folds them (``flüchtling`` → ``fluchtling``); earlier
parts come back as their lemma (``firmen`` → ``firma``), the last part as
written, so parts can be stemmed like any other word.
"""

from __future__ import annotations

from functools import lru_cache

from indexer.analysis.folding import normalize_german
from indexer.analysis.lexicon import Entry, folded_lexicon
from indexer.analysis.stopwords import GERMAN_STOPWORDS

LINKS = ("s", "es", "n", "en", "e")
MIN_PART = 3
MIN_WORD = 7
#: A part of three letters must be a noun at least this frequent (Tag, Amt, Rat).
SHORT_PART_ZIPF = 4.0
#: An earlier part that is not a noun must be at least this frequent (hoch, kurz).
OTHER_PART_ZIPF = 3.5
#: What each part beyond the second costs, in Zipf units of mean frequency.
PART_COST = 0.25
#: Words that are never a compound's part on their own: stopwords and
#: prefixes that are prepositions (``über``, ``nach``).
NOT_PARTS = frozenset(normalize_german(p) for p in GERMAN_STOPWORDS | set("""
ab an auf aus bei bis durch ein fur gegen hin her hinter mit nach neben ob uber um unter
von vor weg wider zu zuruck zusammen zwischen dar vorbei voran voraus heraus herein
""".split()))
#: Last parts that are derivational endings more often than words (``Mann|schaft``).
NOT_LAST_PARTS = frozenset({"schaft", "schaften", "ende", "enden", "ling", "linge", "tum",
                            "heit", "keit", "nis", "sal", "chen", "lein"})
#: A frequent word of two short parts is a word of its own more often than
#: a compound of them (``Haushalt`` is no kind of ``Halt``).
FREQUENT_WORD_ZIPF = 4.0
SHORT_PART = 4
#: Parts next to each other that form a frequent noun are kept together
#: (``Haushalt`` in ``Haushaltsdebatte``, not ``Haus`` + ``Halt``).
MERGE_ZIPF = 3.0


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a folded lowercase compound, or ``()`` if it is not one."""
    if len(word) < MIN_WORD or not word.isalpha():
        return ()
    best = _best_cover(word)
    if best is None:
        return ()
    score, cuts = best
    whole = folded_lexicon().get(word)
    if whole is not None and (whole.zipf >= score or whole.zipf >= FREQUENT_WORD_ZIPF
                              and _two_short_parts(word, cuts)):
        return ()
    cuts = _merge_lexicalised(word, cuts)
    if len(cuts) < 2:
        return ()
    ends = cuts[1:] + (len(word),)
    parts = [_leading_part(word[start:end], folded_lexicon())[1]
             for start, end in zip(cuts[:-1], ends[:-1])]
    return tuple(parts) + (word[cuts[-1]:],)


def _best_cover(word: str) -> tuple[float, tuple[int, ...]] | None:
    """The best split of ``word`` into two or more parts: (score, start of each part)."""
    lexicon = folded_lexicon()
    # covers[i]: by number of parts, the best reading of word[i:] as
    # (sum of the parts' zipf, start offsets of the parts).
    covers: list[dict[int, tuple[float, tuple[int, ...]]]] = [{} for _ in range(len(word) + 1)]
    for start in range(len(word) - MIN_PART, -1, -1):
        last = lexicon.get(word[start:])
        if last is not None and _can_end(word[start:], last):
            covers[start][1] = (last.zipf, (start,))
        for end in range(start + MIN_PART, len(word) - MIN_PART + 1):
            if not covers[end]:
                continue
            found = _leading_part(word[start:end], lexicon)
            if found is None:
                continue
            for count, (total, cuts) in covers[end].items():
                candidate = (total + found[0], (start,) + cuts)
                known = covers[start].get(count + 1)
                if known is None or candidate[0] > known[0]:
                    covers[start][count + 1] = candidate
    options = [(total / count - PART_COST * max(0, count - 2), cuts)
               for count, (total, cuts) in covers[0].items() if count >= 2]
    return max(options, key=lambda o: (o[0], -len(o[1]))) if options else None


def _two_short_parts(word: str, cuts: tuple[int, ...]) -> bool:
    return len(cuts) == 2 and len(word) - cuts[1] <= SHORT_PART and cuts[1] <= SHORT_PART + 2


def _merge_lexicalised(word: str, cuts: tuple[int, ...]) -> tuple[int, ...]:
    """Cuts without those inside a frequent noun made of neighbouring parts."""
    lexicon = folded_lexicon()
    cuts = list(cuts)
    i = 0
    while i + 1 < len(cuts):
        end = cuts[i + 2] if i + 2 < len(cuts) else len(word)
        piece = word[cuts[i]:end]
        if len(piece) == len(word):
            break  # the whole word is a compound: keep its parts
        entries = [lexicon.get(base) for base in
                   ((piece,) if end == len(word) else tuple(_bases(piece)))]
        if any(e is not None and e.is_noun and e.zipf >= MERGE_ZIPF for e in entries):
            del cuts[i + 1]
        else:
            i += 1
    return tuple(cuts)


def _can_end(part: str, entry: Entry) -> bool:
    if not entry.is_noun or part in NOT_LAST_PARTS or part in NOT_PARTS:
        return False
    return len(part) > MIN_PART or entry.zipf >= SHORT_PART_ZIPF


def _leading_part(piece: str, lexicon: dict[str, Entry]) -> tuple[float, str] | None:
    """(zipf, lemma) of a compound's earlier part, linking element included, or None."""
    best = None
    for base in _bases(piece):
        entry = lexicon.get(base)
        if entry is None or base in NOT_PARTS or not _can_lead(base, entry):
            continue
        if best is None or entry.zipf > best[0]:
            best = (entry.zipf, normalize_german(entry.lemma) if entry.lemma else base)
    return best


def _bases(piece: str):
    """``piece`` without each linking element it may end in, and with a dropped ``e``."""
    yield piece
    yield piece + "e"  # schul|buch
    for link in LINKS:
        if piece.endswith(link) and len(piece) - len(link) >= MIN_PART:
            yield piece[: -len(link)]


def _can_lead(part: str, entry: Entry) -> bool:
    if len(part) == MIN_PART:
        return entry.is_noun and entry.zipf >= SHORT_PART_ZIPF
    return entry.is_noun or entry.zipf >= OTHER_PART_ZIPF
