"""German text analysis for the index: a tokenizer piped into small filters.

    GermanTokenizer() | LowercaseFilter() | GermanNormalizeFilter()
        | GermanStopFilter() | SpellingVariantFilter() | GermanStemFilter()

* :class:`GermanTokenizer` keeps words with umlauts and ß, numbers such as
  ``8.000`` or ``3,5``, and words joined by hyphens or apostrophes
  (``NATO-Staaten``, ``geht’s``) as one token with exact character offsets.
* :class:`GermanNormalizeFilter` folds spelling variants: ``ß``→``ss``,
  ``ä``/``ae``→``a``, ``ö``/``oe``→``o``, ``ü``/``ue``→``u`` (not after ``q``
  or a vowel), accents removed, every apostrophe written ``'``; ``Muenchen``,
  ``Munchen`` and ``München`` become one word, as do ``geht’s`` and ``geht's``.
* :class:`SpellingVariantFilter` brings spellings before and after the
  reform and transliterated names to one spelling (``Photo`` = ``Foto``,
  ``Schiffahrt`` = ``Schifffahrt``, ``Zelensky`` = ``Selenskyj``; see
  :mod:`indexer.analysis.variants`).
* :class:`WordPartsFilter` (in :func:`compound_parts_analyzer` and
  :func:`word_forms_analyzer`) gives the parts of a word joined by hyphens
  or apostrophes, so ``NATO-Staaten`` is found by ``NATO`` and by ``Staaten``
  and ``geht’s`` by ``geht``, without the parts ever standing in a phrase.
* :class:`DecompoundFilter` (only in :func:`compound_parts_analyzer`) turns
  compounds into their parts: ``Bundestagswahl`` → ``bundestag``, ``wahl``.
* :class:`WordPairFilter` (only in :func:`word_pairs_analyzer`) turns the
  word stream into pairs of neighbours where one is a stopword (``tag
  des``, ``des sieg``), so such a phrase is looked up like a word instead of
  checked position by position.
* :class:`GermanStemFilter` applies the Snowball German stemmer (C speed via
  PyStemmer when installed) through a cache.  The filter pickles by reference,
  because whoosh stores the schema, analyzer included, inside the index.

Stopwords are indexed but dropped from plain query words, whatever their
spelling (``für``, ``fuer``, ``fur``); phrases are analysed in mode
``phrase``, which keeps them, so ``"Tag des Sieges"`` matches exactly those
words in that order.  ``title`` and ``body`` hold whole words only, so a
phrase matches consecutive words as written; compound parts live in the
``*_parts`` fields, unstemmed word forms for prefix search in ``*_forms``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from whoosh.analysis import Filter, LowercaseFilter, Tokenizer
from whoosh.analysis.acore import Token

from indexer.analysis.compounds import split_compound
from indexer.analysis.folding import APOSTROPHES, normalize_german
from indexer.analysis.stopwords import GERMAN_STOPWORDS
from indexer.analysis.variants import preferred_spelling

#: A word: letters/digits, joined by hyphens, apostrophes inside words, or
#: digit groups with . and , (8.000, 3,5).
WORD = re.compile(
    r"\d+(?:[.,]\d+)+"
    rf"|\w+(?:[{APOSTROPHES}]\w+)*(?:-\w+(?:[{APOSTROPHES}]\w+)*)*",
    re.UNICODE,
)
#: What joins the parts of a word.
JOINERS = re.compile(f"[-{APOSTROPHES}]")


class GermanTokenizer(Tokenizer):
    """Splits text into words, numbers and hyphenated compounds.

    Produces tokens with ``text``, ``pos``, ``startchar`` and ``endchar``
    (offsets into the original string) when asked for them.
    """

    def __init__(self, expression: re.Pattern = WORD) -> None:
        self.expression = expression

    def __eq__(self, other):
        return type(self) is type(other) and self.expression.pattern == other.expression.pattern

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in self.expression.finditer(value):
            token.text = match.group(0).strip("_")
            if not token.text:
                continue
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class WordPartsFilter(Filter):
    """Parts of words joined by hyphens or apostrophes: ``nato-staaten`` → ``nato``, ``staaten``.

    With ``whole``, the word itself comes first.  Parts keep the word's
    position and carry their own character offsets, so a snippet marks
    exactly the part that matched; they are flagged ``token.part`` for
    :class:`DecompoundFilter`.  Words without hyphen or apostrophe pass as
    they are.
    """

    def __init__(self, whole: bool = True) -> None:
        self.whole = whole

    def __eq__(self, other):
        return type(self) is type(other) and self.whole == other.whole

    def __call__(self, tokens):
        for token in tokens:
            token.part = False
            text = token.text
            if not JOINERS.search(text):
                yield token
                continue
            startchar = getattr(token, "startchar", None)
            pos = getattr(token, "pos", None)
            if self.whole:
                yield token
            offset = 0
            for piece in JOINERS.split(text):
                if piece:
                    # Later filters may have changed the reused token: reset it.
                    token.text = piece
                    token.part = True
                    token.stopped = False
                    if pos is not None:
                        token.pos = pos
                    if startchar is not None:
                        token.startchar = startchar + offset
                        token.endchar = token.startchar + len(piece)
                    yield token
                offset += len(piece) + 1


class GermanNormalizeFilter(Filter):
    """ß→ss, umlauts and their ae/oe/ue spellings to the base vowel, accents off."""

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, tokens):
        for token in tokens:
            token.text = normalize_german(token.text)
            yield token


_STEMMER = None


@lru_cache(maxsize=500_000)
def stem_german(word: str) -> str:
    """The Snowball German stem of a normalised lowercase word (cached)."""
    global _STEMMER
    if _STEMMER is None:
        _STEMMER = snowballstemmer.stemmer("german")
    if len(word) < 4 or word[0].isdigit():
        return word
    return _STEMMER.stemWord(word)


#: Stopwords as the index holds them (folded and stemmed).
STOPWORD_TERMS = frozenset(stem_german(normalize_german(w)) for w in GERMAN_STOPWORDS)


class GermanStopFilter(Filter):
    """Drops stopwords from queries; the index keeps them.

    Stopwords stay indexed at their positions, so a phrase such as ``"Tag
    des Sieges"`` matches exactly these words in this order; in plain query
    words (mode ``query``) they are dropped, so ``der Krieg`` means ``Krieg``,
    unless the query asks to keep them (``removestops=False``, whoosh's
    flag).  Phrases are analysed in mode ``phrase`` and keep them.  Tokens
    are expected folded (:class:`GermanNormalizeFilter`), and so is the
    list: ``für``, ``fuer`` and ``fur`` are one stopword.
    """

    def __init__(self, stoplist: frozenset[str] = GERMAN_STOPWORDS) -> None:
        self.stops = frozenset(normalize_german(word) for word in stoplist)

    def __eq__(self, other):
        return type(self) is type(other) and self.stops == other.stops

    def __call__(self, tokens):
        stops = self.stops
        for token in tokens:
            if token.mode == "query" and token.removestops and token.text in stops:
                continue
            yield token


class SpellingVariantFilter(Filter):
    """One spelling for spelling variants: ``photo`` → ``foto``, ``zelensky`` → ``selenskyj``.

    Expects folded tokens; see :mod:`indexer.analysis.variants` for the rule
    and the table.
    """

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, tokens):
        for token in tokens:
            token.text = preferred_spelling(token.text)
            yield token


class DecompoundFilter(Filter):
    """At index time, replaces each compound by its parts (``bund``, ``tag``, ``wahl``).

    Used for the ``*_parts`` fields that sit beside ``title`` and ``body``:
    those keep the whole words (exact phrases, exact compounds rank first),
    these only the parts, so ``Wahl`` also finds ``Bundestagswahl`` at a
    lower weight.  Parts carry the whole compound's offsets, so a snippet
    marks the word that matched.  A part of a hyphenated word
    (``token.part``, from :class:`WordPartsFilter`) is kept, followed by its
    own parts.  At query time tokens pass unchanged.
    """

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, tokens):
        for token in tokens:
            if token.mode != "index":
                yield token
                continue
            text = token.text
            if getattr(token, "part", False):
                yield token
            for part in split_compound(text):
                token.text = part
                yield token


class WordPairFilter(Filter):
    """Each word joined to its neighbour when one of the two is a stopword.

    ``tag des sieg`` → ``tag des``, ``des sieg`` (Lucene calls these common
    grams).  A phrase such as ``"vor allem"`` or ``"in Berlin"`` is then one
    indexed term instead of two long posting lists checked position by
    position; pairs of two rarer words are not indexed, as their documents
    are few and quickly checked.  Pairs use whole words, as phrases do (no
    hyphen parts, stopwords kept).
    """

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            text = token.text
            if previous is not None and is_common_pair(previous, text):
                token.text = word_pair(previous, text)
                yield token
            previous = text


def word_pair(first: str, second: str) -> str:
    """The indexed term for two neighbouring analysed words."""
    return f"{first} {second}"


def is_common_pair(first: str, second: str) -> bool:
    """Whether the pair of analysed words is indexed (one of them is a stopword)."""
    return first in STOPWORD_TERMS or second in STOPWORD_TERMS


class GermanStemFilter(Filter):
    """Snowball German stemming.  Pickles by reference: it holds no stemmer."""

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                token.text = stem_german(token.text)
            yield token


def german_analyzer():
    """The analyzer for ``title`` and ``body``, at index and query time: whole words."""
    return (GermanTokenizer() | LowercaseFilter()
            | GermanNormalizeFilter()
            | GermanStopFilter()
            | SpellingVariantFilter()
            | GermanStemFilter())


def compound_parts_analyzer():
    """The analyzer for ``title_parts`` and ``body_parts``: parts of words, stemmed.

    The parts of hyphenated words and of words with an apostrophe, and the
    parts of closed compounds.
    """
    return (GermanTokenizer() | LowercaseFilter()
            | WordPartsFilter(whole=False)
            | GermanNormalizeFilter()
            | GermanStopFilter()
            | DecompoundFilter()
            | SpellingVariantFilter()
            | GermanStemFilter())


def word_pairs_analyzer():
    """The analyzer for ``title_pairs`` and ``body_pairs``: neighbouring words as phrase terms."""
    return (GermanTokenizer() | LowercaseFilter()
            | GermanNormalizeFilter()
            | SpellingVariantFilter()
            | GermanStemFilter()
            | WordPairFilter())


def word_forms_analyzer():
    """The analyzer for ``title_forms`` and ``body_forms``: words and parts as written, folded.

    Prefix search matches these unstemmed forms, so ``Untersuchun*`` finds
    ``Untersuchungen`` (whose stem is ``untersuch``).
    """
    return (GermanTokenizer() | LowercaseFilter()
            | WordPartsFilter(whole=True)
            | GermanNormalizeFilter())
