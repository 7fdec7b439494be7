"""Words that occur nowhere in the archive, and the nearest ones that do.

A query word that no article contains (``Betamethsom``, ``Hochwaser``) is
searched together with its nearest spelling in the archive's vocabulary
(``Betamethsom`` → ``(Betamethsom OR Betamethason)``), and the result says so
(:class:`Correction`), so nobody gets nothing for a typo without being told.
Words in quotes, after a field name, with a wildcard or that are operators
are left as typed; ``correct=False`` on the request turns this off.

:func:`suggest` offers a respelling of the whole query for a result with
few hits ("Meinten Sie …?").
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from indexer.searching.matching import any_matching
from indexer.writing.vocabulary import MIN_LETTERS, Vocabulary

#: A plain word: not after a field name, not before one, no wildcard.
_WORD = re.compile(rf"(?<![:\w])[^\W\d_]{{{MIN_LETTERS},}}(?![:\w*])")
_QUOTED = re.compile(r'"[^"]*"?')
_OPERATORS = frozenset({"AND", "OR", "NOT", "UND", "ODER", "NICHT"})
#: Words of one query corrected at most (finding a near spelling costs milliseconds).
MAX_CORRECTIONS = 3


class Speller:
    """The nearest spelling in one generation's vocabulary, remembered per word."""

    def __init__(self, vocabulary: Vocabulary, remember: int = 10_000) -> None:
        self.vocabulary = vocabulary
        self.remember = remember
        self._known: OrderedDict[str, str | None] = OrderedDict()
        self._lock = threading.Lock()

    def nearest(self, word: str) -> str | None:
        """The most frequent archive word within two edits of ``word`` (lowercase)."""
        with self._lock:
            if word in self._known:
                self._known.move_to_end(word)
                return self._known[word]
        found = self.vocabulary.suggest(word)
        with self._lock:
            self._known[word] = found
            if len(self._known) > self.remember:
                self._known.popitem(last=False)
        return found


@dataclass(frozen=True)
class Correction:
    """``word`` occurs nowhere in the archive and was also searched as ``searched_as``."""

    word: str
    searched_as: str

    def to_dict(self) -> dict:
        return {"word": self.word, "searched_as": self.searched_as}


def plain_words(text: str) -> list[re.Match]:
    """The query's plain words outside quotes, as matches into ``text``."""
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    return [m for m in _WORD.finditer(text)
            if m.group(0) not in _OPERATORS
            and not any(start <= m.start() < end for start, end in quoted)]


def corrections(snapshot, text: str) -> list[Correction]:
    """A :class:`Correction` for each plain word of ``text`` that no article contains."""
    found, seen = [], set()
    for match in plain_words(text):
        word = match.group(0)
        if word.lower() in seen or occurs(snapshot, word):
            continue
        seen.add(word.lower())
        replacement = snapshot.speller.nearest(word.lower())
        if replacement:
            found.append(Correction(word, _same_case(word, replacement)))
        if len(seen) >= MAX_CORRECTIONS:
            break
    return found


def corrected(text: str, found: list[Correction]) -> str:
    """``text`` with each corrected word searched as ``(word OR replacement)``."""
    wanted = {c.word: c.searched_as for c in found}
    pieces, last = [], 0
    for match in plain_words(text):
        replacement = wanted.pop(match.group(0), None)
        if replacement is not None:
            pieces += [text[last:match.start()], f"({match.group(0)} OR {replacement})"]
            last = match.end()
    return "".join(pieces) + text[last:]


def suggest(snapshot, text: str) -> str | None:
    """A respelling of ``text`` whose words occur in the archive, or ``None``."""
    changed = text
    for match in plain_words(text):
        word = match.group(0)
        if occurs(snapshot, word):
            continue
        replacement = snapshot.speller.nearest(word.lower())
        if replacement:
            changed = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", _same_case(word, replacement),
                             changed, count=1)
    return changed if changed != text else None


def occurs(snapshot, word: str) -> bool:
    """Whether any article matches ``word`` searched alone.

    (From the posting arrays, which the search reads anyway: whoosh's
    matchers for each word of a long query cost more than the search.  It
    stops at the first segment with a match: an archive of many segments
    would otherwise read every posting list of every query word once more.)
    """
    return any_matching(snapshot.parser.parse(word), snapshot.searcher)


def _same_case(word: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if word[:1].isupper() else replacement
