"""crfsuite attributes for each token: lists of byte strings, built once per word form.

A token's attributes are the concatenation of precomputed lists:

* its own word form's attributes (lowercase form, shape, affixes, word
  classes and compound head from Wiktionary, frequency band, GeoNames place,
  gazetteer hints, word clusters, and a few conjunctions of these, which a
  linear model cannot form itself);
* a smaller set from each neighbour within two tokens, prefixed by offset;
* a few that depend on the position: sentence start and end, and the hint
  label (rule extractor or gazetteer) of the token and its neighbours, where
  there is one (no attribute for "no hint": it would cost time on every token).

Everything that depends on the form alone is computed once per distinct form
(:class:`FeatureExtractor` keeps a bounded cache), so building a token's
attributes is a dict look-up and a few list concatenations.  Attributes the
model never weighs are dropped when a form is cached (crfsuite would look
each one up and ignore it).

The NumPy tagger adds up the weights of the same lists once per form
(:mod:`indexer.entities.scoring`); crfsuite reads them per token.

Attribute names are short on purpose (crfsuite copies every attribute
string) and stored UTF-8 encoded (what pycrfsuite would otherwise encode on
every call).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.entities.hints import LABELS, GazetteerHints
from indexer.entities.lexical import Lexicon
from indexer.entities.rules import SPEECH_VERBS, is_title

_RUNS = tuple((re.compile(c + "{2,}"), c) for c in "Xxd")
#: Cache size in word forms; the cache is emptied when full (about 1 KB a form).
MAX_CACHED = 200_000
#: Word classes that make a capitalised word a proper noun.
_PROPER = ("nT", "nG", "nF", "nE")


@dataclass(frozen=True)
class FeatureSet:
    """Which groups of attributes to use (the shipped model's are in its settings)."""

    affixes: bool = True
    lexicon: bool = True
    gazetteer: bool = True
    #: token hints: "rules" (the rule extractor), "gazetteer" (its name lists only), "none"
    hints: str = "rules"
    context2: bool = True
    conjunctions: bool = True
    #: fewer attributes per token (faster tagging): no s2/p3, neighbours' word class only
    lean: bool = False
    #: GeoNames place names as attributes
    places: bool = True
    #: case and frequency band as one attribute (fewer attributes per token)
    compact: bool = False
    #: a title, given name or verb of saying before a name-like word, as an attribute of it
    cues: bool = False
    #: Faker's family names as a gazetteer attribute
    surnames: bool = False
    #: word clusters learned from unlabelled news text, coarse to fine
    clusters: bool = False


class _CharClasses(dict):
    """str.translate table: upper -> X, lower -> x, digit -> d, the rest as is."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        mapped = self[code] = "X" if char.isupper() else "x" if char.islower() else \
            "d" if char.isdigit() else char
        return mapped


_CHAR_CLASSES = _CharClasses()


def shape(word: str) -> str:
    """``Xx`` for ``Merkel``, ``X`` for ``NATO``, ``Xx-Xx`` for ``Baden-Württemberg``."""
    mapped = word.translate(_CHAR_CLASSES)
    for runs, single in _RUNS:
        mapped = runs.sub(single, mapped)
    return mapped


def _noun_class(lexical: list[str]) -> str:
    """``nn`` a common noun, ``np`` a proper noun only, ``n-`` unknown to Wiktionary."""
    return "nn" if "nN" in lexical else "np" if any(a in _PROPER for a in lexical) else "n-"


def case_class(word: str) -> str:
    """``C`` capitalised, ``A`` all caps, ``l`` lowercase, ``m`` mixed, ``d`` digit, ``p``."""
    first = word[0]
    if first.isupper():
        return "A" if len(word) > 1 and word.isupper() else "C"
    if first.islower():
        return "m" if any(c.isupper() for c in word[1:]) else "l"
    return "d" if first.isdigit() else "p"


class Form:
    """The cached attributes of one word form, by the position it is seen from."""

    __slots__ = ("own", "before1", "before2", "after1", "after2", "cue", "namelike", "first")

    def __init__(self, own: list[bytes], own_first: list[bytes], before1: list[bytes],
                 before2: list[bytes], after1: list[bytes], after2: list[bytes],
                 cue: bytes = b"", namelike: bool = False) -> None:
        self.own = own
        self.before1 = before1  # as the word before the token
        self.before2 = before2
        self.after1 = after1
        self.after2 = after2
        self.cue = cue  # what it tells a name-like next word ("pc=t" after a title)
        self.namelike = namelike  # capitalised, no common noun nor title: could be a name
        #: the same form as the first word of a sentence (own attributes differ)
        self.first = self
        if own_first != own:
            self.first = Form(own_first, own_first, before1, before2, after1, after2, cue,
                              namelike)


def _encoded(attributes: list[str]) -> list[bytes]:
    return [a.encode() for a in attributes]


def _edge(before1: list[str], before2: list[str], after1: list[str], after2: list[str]) -> Form:
    """A pseudo-form beyond the sentence's edge: what the first and last words see."""
    return Form([], [], *(_encoded(a) for a in (before1, before2, after1, after2)))


_EDGE_LEFT2 = _edge([], [], [], [])
_EDGE_LEFT1 = _edge(["<1w=^"], ["<2w=^"], [], [])
_EDGE_RIGHT1 = _edge([], [], [">1w=$"], [">2w=$"])
_EDGE_RIGHT2 = _edge([], [], [], [])
#: The pseudo-forms two and one before a sentence, and one and two after it.
EDGES = (_EDGE_LEFT2, _EDGE_LEFT1, _EDGE_RIGHT1, _EDGE_RIGHT2)


class FeatureExtractor:
    """Token attributes for a sentence, with a per-form cache."""

    def __init__(self, lexicon: Lexicon, gazetteer: GazetteerHints,
                 features: FeatureSet = FeatureSet(),
                 known: frozenset[bytes] | None = None,
                 clusters: dict[str, tuple[str, ...]] | None = None) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self.features = features
        #: attributes the model weighs; others are dropped when a form is cached
        self.known = known
        #: form -> its cluster numbers, coarse to fine (read only with the clusters feature)
        self.clusters = clusters or {}
        self._cache: dict[str, Form] = {}
        #: by offset ("" the token's own, "<" the word before's, ">" the word after's) and
        #: hint label, the attributes the hint gives a token
        self.hint_attributes = {
            offset: {label: [f"{offset}r={label}".encode()] if label != "O" else []
                     for label in LABELS}
            for offset in ("", "<", ">")}

    def forms(self, words: list[str]) -> list[Form]:
        """The cached :class:`Form` of each word, computed for forms not seen yet."""
        cache = self._cache
        found = []
        for word in words:
            form = cache.get(word)
            if form is None:
                if len(cache) >= MAX_CACHED:
                    cache.clear()
                form = cache[word] = self.form(word)
            found.append(form)
        return found

    def rows(self, forms: list[Form], hints: list[str] | None = None) -> list[list[bytes]]:
        """Attribute lists of the tokens of a sentence (``hints``: one label per token)."""
        count = len(forms)
        if not count:
            return []
        padded = (_EDGE_LEFT2, _EDGE_LEFT1, forms[0].first, *forms[1:], _EDGE_RIGHT1,
                  _EDGE_RIGHT2)
        if self.features.context2:
            rows = [[*form.own, *b1.before1, *a1.after1, *b2.before2, *a2.after2]
                    for b2, b1, form, a1, a2
                    in zip(padded, padded[1:], padded[2:], padded[3:], padded[4:])]
        else:
            rows = [[*form.own, *b1.before1, *a1.after1]
                    for b1, form, a1 in zip(padded[1:], padded[2:-2], padded[3:])]
        if hints and any(hint != "O" for hint in hints):
            rows = self._with_hints(rows, hints)
        if self.features.cues:
            for i in [i for i, form in enumerate(forms[:-1]) if form.cue]:
                if forms[i + 1].namelike:
                    rows[i + 1].append(forms[i].cue)
        return rows

    def _with_hints(self, rows: list[list[bytes]], hints: list[str]) -> list[list[bytes]]:
        here, left, right = (self.hint_attributes[k] for k in ("", "<", ">"))
        count = len(rows)
        extra: list[list[bytes]] = [[] for _ in range(count)]
        for i, hint in enumerate(hints):
            if hint != "O":
                extra[i] += here[hint]
                if i > 0:
                    extra[i - 1] += right[hint]
                if i + 1 < count:
                    extra[i + 1] += left[hint]
        return [row + more if more else row for row, more in zip(rows, extra)]

    def sentence(self, words: list[str], hints: list[str] | None = None) -> list[list[bytes]]:
        """One attribute list per word of a sentence."""
        return self.rows(self.forms(words), hints)

    def form(self, word: str) -> Form:
        """The attributes of one word form (not cached)."""
        features = self.features
        lean = features.lean
        lower = word.lower()
        kind = case_class(word)
        lexical = self._lexical(word, kind) if features.lexicon and kind != "p" else []
        named = kind in ("C", "A", "m")
        noun = _noun_class(lexical) if named and lexical else ""
        if features.compact:  # case and frequency band as one attribute
            case = ["cf=" + kind + (lexical[0][2:] if lexical else "")]
            lexical = lexical[1:]
        else:
            case = ["c=" + kind]
        own = ["w=" + lower, "s=" + shape(word), *case]
        near = ["w=" + lower, *case]
        far = ["w=" + lower] if lean else ["w=" + lower, *case]
        if features.affixes and len(word) > 3:
            own += ["s3=" + lower[-3:], "s4=" + lower[-4:]] if lean else \
                ["s2=" + lower[-2:], "s3=" + lower[-3:], "s4=" + lower[-4:], "p3=" + lower[:3]]
            if not lean:
                near.append("s3=" + lower[-3:])
        if "-" in word[1:]:
            own.append("hy")
        own += lexical
        if lean:
            near += ([lexical[0], noun] if not features.compact else [noun]) if noun else \
                lexical[:1] if not features.compact else []
        else:
            near += lexical
        if features.gazetteer and named:
            hints = self.gazetteer.of(word)
            if features.surnames and word in self.gazetteer.gazetteer.surnames:
                hints.append("gz=last")
            own += hints
            near += hints
        numbers = self.clusters.get(word)
        if numbers:  # "k1=17": cluster 17 of the coarsest clustering
            found = [f"k{level}={number}" for level, number in enumerate(numbers, 1)]
            own += found
            near += found
        first = own + ["^"]
        if features.conjunctions and noun:
            conjunctions = [f"{kind}|{noun}"]
            if not features.compact:
                band = lexical[0]
                conjunctions += [f"{kind}|{band}"] if lean else [f"{kind}|{band}", f"{noun}|{band}"]
            own += conjunctions
            first += ["^" + a for a in conjunctions]
        lists = (own, first, ["<1" + a for a in near], ["<2" + a for a in far],
                 [">1" + a for a in near], [">2" + a for a in far])
        known = self.known
        encoded = [_encoded(attributes) for attributes in lists]
        if known is not None:
            encoded = [[a for a in attributes if a in known] for attributes in encoded]
        return Form(*encoded, *self._cue(word, kind, lower, noun))

    def _cue(self, word: str, kind: str, lower: str, noun: str) -> tuple[bytes, bool]:
        """(the attribute this word gives a name-like next word, whether it is name-like):
        a title (``Kanzlerin``), a given name or a verb of saying before a name."""
        if not self.features.cues:
            return b"", False
        gazetteer = self.gazetteer.gazetteer
        title = kind == "C" and is_title(word, gazetteer.titles)
        given = kind == "C" and word in gazetteer.first_names
        cue = b"pc=t" if title else b"pc=g" if given else \
            b"pc=s" if lower in SPEECH_VERBS else b""
        namelike = kind == "C" and not title and (noun != "nn" or given or
                                                   word in gazetteer.surnames)
        if self.known is not None and cue not in self.known:
            cue = b""
        return cue, namelike

    def _lexical(self, word: str, kind: str) -> list[str]:
        """Frequency band; for capitalised words the Wiktionary classes, one attribute
        each (``nN`` common noun, ``nT`` place, ``nG`` given name, ``nF`` family
        name, ``nE`` other proper name, ``n-`` unknown), GeoNames places, and for
        unknown words the common noun that ends the compound (``hd=straße``)."""
        lexicon = self.lexicon
        found = ["f=" + lexicon.band(word)]
        if kind == "A" and len(word) > 3:
            word = word.capitalize()  # "OFFENBACH" is read as "Offenbach"
        if kind not in ("C", "A"):
            return found
        last = word.rsplit("-", 1)[-1] if "-" in word[1:] else word
        classes = lexicon.classes(last)
        if not classes and last.endswith("s"):
            classes = lexicon.classes(last[:-1])
            if classes:
                found.append("ngen")  # "Merkels", "Nordkoreas"
        if self.features.places:
            if lexicon.is_place(last):
                found.append("pl")
            if word in lexicon.place_openers:
                found.append("pl1")
        if classes:
            found += ["n" + c for c in classes]
        else:
            found.append("n-")
            head = lexicon.common_noun_head(last)
            if head:
                found += ["hd", "hd=" + head]
        return found
