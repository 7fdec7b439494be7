"""Sentence boundaries: nltk's Punkt with parameters trained for the project.

The parameters (abbreviations, collocations, sentence starters and the
orthographic context of words) are learned from German news by
:mod:`indexer.analysis.train_sentences` and shipped as compact JSON
(``data/punkt_de.json``); nothing is downloaded and nothing is unpickled.
Abbreviations (``Dr.``, ``u.a.``, ``z.B.``, ``Nr.``) and ordinal numbers
before a month or a similar word (``am 21. August``) do not end a sentence.

Blank lines (paragraph breaks: subheadings, captions) always end a sentence.
Inside a paragraph Punkt decides, with two additions:

* boundaries Punkt cannot but accept are cut first, without it: a plain word
  of two or more letters that is no known abbreviation, then ``.``, ``?``
  or ``!``, then white space, then anything but a closing quote or bracket
  (which Punkt moves to the sentence before).  Punkt marks such a token as a
  sentence break in its first pass, and its second pass only revisits
  abbreviations, initials, numbers, ellipses and learned collocations, so
  the result is the same; only the pieces that still hold a candidate
  (``Dr.``, ``21.``, ``W.``) go to Punkt, which is most of the time saved;
* an abbreviated street name before a house number (``Schwanthalerstr. 5``)
  goes on.

The first kind alone (:meth:`SentenceSplitter.plain_starts`) needs neither
Punkt nor nltk: snippets and keyword-in-context lines use it to start and end
at sentence boundaries without segmenting whole articles.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nltk is imported when Punkt is first needed (it takes a while)
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

PARAMETERS_FILE = "punkt_de.json"
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*")
#: A word of letters only, its end mark, the white space after it.
_PLAIN_END = re.compile(r"(?<!\S)([^\W\d_]{2,})[.?!](\s+)(?=[^\s\"')\]}])")
_CANDIDATE = re.compile(r"[.?!]")
#: Punkt knows "Str." but not "Schwanthalerstr.": a house number after it goes on.
_ABBREVIATED_STREET = re.compile(r"\w{3,}str\.$")
_STREET_NUMBER = re.compile(r"\d{1,4}[a-z]?\b")


@dataclass(frozen=True)
class PunktData:
    """The trained parameters as plain data (what ``data/punkt_de.json`` holds)."""

    abbreviations: frozenset[str]  # lowercase, without the final period
    collocations: frozenset[tuple[str, str]]  # ("##number##", "august"): no break between
    sentence_starters: frozenset[str]
    ortho_context: dict[str, int]  # nltk's orthographic flags of words seen lowercase

    @classmethod
    def from_json(cls, text: str) -> PunktData:
        data = json.loads(text)
        return cls(frozenset(data["abbrev_types"]),
                   frozenset(tuple(pair) for pair in data["collocations"]),
                   frozenset(data["sent_starters"]), data["ortho_context"])

    def parameters(self) -> PunktParameters:
        """nltk's ``PunktParameters`` with these values."""
        from nltk.tokenize.punkt import PunktParameters

        params = PunktParameters()
        params.abbrev_types = set(self.abbreviations)
        params.collocations = set(self.collocations)
        params.sent_starters = set(self.sentence_starters)
        params.ortho_context.update(self.ortho_context)
        return params


class SentenceSplitter:
    """Character spans of the sentences of a text."""

    def __init__(self, data: PunktData) -> None:
        self.data = data
        #: words Punkt may keep a period after: abbreviations, collocation heads
        self._not_plain = data.abbreviations | {first for first, _ in data.collocations}

    @cached_property
    def _punkt(self) -> PunktSentenceTokenizer:
        from nltk.tokenize.punkt import PunktSentenceTokenizer

        language, token = _stdlib_patterns()
        return PunktSentenceTokenizer(self.data.parameters(), lang_vars=language(),
                                      token_cls=token)

    @property
    def abbreviations(self) -> frozenset[str]:
        """Known abbreviations, lowercase, without their final period (``dr``, ``u.a``)."""
        return self.data.abbreviations

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each sentence, white space stripped, in text order."""
        found: list[tuple[int, int]] = []
        for paragraph in _PARAGRAPH.finditer(text):
            for start, end in self._pieces(text, paragraph.start(), paragraph.end()):
                self._punkt_spans(text, start, end, found)
        return [span for span in found if span[0] < span[1]]

    def plain_starts(self, text: str, start: int = 0, end: int | None = None) -> list[int]:
        """Offsets in ``text[start:end]`` where a sentence surely starts: after a blank line
        or after a plain word's end mark (a subset of the boundaries of :meth:`spans`,
        found without Punkt, cheap enough for every snippet)."""
        end = len(text) if end is None else end
        starts = [paragraph.start() for paragraph in _PARAGRAPH.finditer(text, start, end)
                  if paragraph.start() > start and text[paragraph.start() - 1] == "\n"]
        starts += [piece_start for piece_start, _ in self._pieces(text, start, end)[1:]]
        return sorted(set(starts))

    def _pieces(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The paragraph cut at the boundaries Punkt would accept anyway."""
        pieces = []
        for match in _PLAIN_END.finditer(text, start, end):
            word = match.group(1).lower()
            if word in self._not_plain or (
                    word.endswith("str") and _STREET_NUMBER.match(text, match.end(2))):
                continue
            pieces.append((start, match.start(2)))
            start = match.end(2)
        pieces.append((start, end))
        return pieces

    def _punkt_spans(self, text: str, start: int, end: int,
                     found: list[tuple[int, int]]) -> None:
        part = text[start:end]
        last = len(part.rstrip()) - 1
        if not _CANDIDATE.search(part, 0, max(last, 0)):
            found.append(_strip(text, start, end))
            return
        for piece_start, piece_end in self._punkt.span_tokenize(part):
            previous = found[-1][1] if found else -1
            if previous >= start and _STREET_NUMBER.match(part, piece_start) and \
                    _ABBREVIATED_STREET.search(text, max(0, previous - 40), previous):
                found[-1] = (found[-1][0], start + piece_end)  # "Schwanthalerstr. 5"
                continue
            found.append((start + piece_start, start + piece_end))


def _stdlib_patterns() -> tuple[type, type]:
    """nltk's Punkt language variables and token class with the same patterns compiled by
    the standard ``re``.

    nltk runs every pattern through the ``regex`` engine under a time limit, which
    costs far more per call than the short matches themselves on the small pieces
    Punkt sees here; these patterns are nltk's own and fixed (no pattern from input).
    """
    from nltk.tokenize.punkt import PunktLanguageVars, PunktToken

    class LanguageVars(PunktLanguageVars):
        re_boundary_realignment = _stdlib(PunktLanguageVars.re_boundary_realignment)

        def __init__(self) -> None:
            self._re_word_tokenizer = _stdlib(super()._word_tokenizer_re())
            self._re_period_context = _stdlib(super().period_context_re())

    class Token(PunktToken):
        __slots__ = ()
        _RE_ELLIPSIS = _stdlib(PunktToken._RE_ELLIPSIS)
        _RE_NUMERIC = _stdlib(PunktToken._RE_NUMERIC)
        _RE_INITIAL = _stdlib(PunktToken._RE_INITIAL)
        _RE_ALPHA = _stdlib(PunktToken._RE_ALPHA)

    return LanguageVars, Token


def _stdlib(pattern) -> re.Pattern:
    """The pattern of an nltk ``redos`` pattern, compiled by ``re`` with the same flags."""
    return re.compile(pattern.pattern, pattern.flags & _RE_FLAGS)


_RE_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.UNICODE | re.VERBOSE


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@lru_cache(maxsize=1)
def sentence_splitter() -> SentenceSplitter:
    """The splitter with the shipped parameters, loaded on first use."""
    text = resources.files("indexer.analysis").joinpath("data", PARAMETERS_FILE).read_text(
        "utf-8")
    return SentenceSplitter(PunktData.from_json(text))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences of ``text``."""
    return sentence_splitter().spans(text) if text else []


def sentences(text: str) -> list[str]:
    """The sentences of ``text``."""
    return [text[start:end] for start, end in sentence_spans(text)]


def lead_sentence(text: str, max_chars: int = 100) -> str:
    """The first sentence of ``text``, cut at a word with " …" if longer than ``max_chars``
    (a title for an article that has none)."""
    head = text[:4 * max_chars]
    spans = sentence_spans(head)
    if not spans:
        return ""
    start, end = spans[0]
    sentence = " ".join(head[start:end].split())
    if len(sentence) <= max_chars:
        return sentence
    cut = sentence.rfind(" ", 0, max_chars)
    return sentence[:cut if cut > max_chars // 2 else max_chars].rstrip(" ,;:–-") + " …"
