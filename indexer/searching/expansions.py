"""Which indexed words a query word matched, and leaving some of them out.

German search expands: ``Wahl`` finds ``Wahlen`` and ``Wähler`` (one stem)
and ``Bundestagswahl`` (a compound with ``wahl`` as a part).  For each word
of a query this module lists the written forms it matched, with how many
of the results contain each, and rewrites a query so that chosen forms no
longer count as a match (``not_form=bundestagswahl``: an article found
only through ``Bundestagswahl`` drops out; one that also says ``Wahl``
stays).

The written forms are the terms of ``title_forms`` and ``body_forms``
(every word as written, folded, not stemmed), held with their article
counts in the generation's :class:`~indexer.searching.form_table.FormTable`
(loaded from what the generation's writer gathered, or gathered here).
A form belongs to a query term when the field's own analyzer turns it into
that term: ``body``'s for whole words, ``body_parts``'s for compound parts.
Candidates are found by substring search over the table: the stem of a
folded word is its beginning, and a part sits anywhere in its compound.
Spelling variants (``Photo`` for ``Foto``) are searched under each of
their spellings.  What a term matched is worked out once per generation,
and the articles holding a form are kept for the next request that counts
it (in the posting cache).  Reading a generation's forms takes seconds on a
large archive, so it runs beside the requests when the generation opens
(:meth:`WordForms.read`); until it is done, words are listed without their
forms, and only leaving forms out waits for it.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq

from indexer.analysis.folding import fold_word
from indexer.analysis.german import stem_german
from indexer.analysis.variants import variant_table
from indexer.searching.budget import within_budget
from indexer.searching.form_table import FormTable
from indexer.searching.matching import POSTING_CACHE, distinct, docs_with_terms
from indexer.searching.query import forms_field, parts_field, wanted_leaves
from indexer.writing.written_forms import WrittenForms

#: The stored text fields whose words a query can match, whole or as a part.
TEXT_FIELDS = ("title", "body")
#: Forms counted and listed per query word, the most frequent in the archive first.
MAX_LISTED = 20
#: Candidate forms checked for the list, the most frequent first (all to leave forms out).
MAX_CHECKED = 120
#: How long a request waits for a generation's forms still being read.
WAIT_SECONDS = 0.25
#: Forms one request may leave out.
MAX_EXCLUDED = 50
_WORD = re.compile(r"[^\W_][\w'’-]*\*?")
_GENERATIONS = itertools.count()  # what the cached articles of a form are keyed by


@dataclass(frozen=True)
class FormCount:
    """One written form a query word matched, and how many results contain it."""

    form: str  # folded, as the index and ``not_form`` write it
    written: str  # the archive's most frequent spelling of it (umlauts and ß kept), lowercase
    count: int
    excluded: bool

    def to_dict(self) -> dict:
        return {"form": self.form, "written": self.written, "count": self.count,
                "excluded": self.excluded}


@dataclass(frozen=True)
class Expansion:
    """The forms one query word matched in the results (at most :data:`MAX_LISTED`)."""

    word: str
    forms: list[FormCount]
    complete: bool  # False: the word matches further forms in the archive, not listed

    def to_dict(self) -> dict:
        return {"word": self.word, "forms": [f.to_dict() for f in self.forms],
                "complete": self.complete}


@dataclass(frozen=True)
class TermForms:
    """The forms whose analysis gives one term: as a whole word, and as a compound part."""

    whole: tuple[str, ...]
    part: tuple[str, ...]
    complete: bool = True  # False: only the most frequent candidates were checked

    def of(self, fieldname: str) -> tuple[str, ...]:
        return self.part if fieldname.endswith("_parts") else self.whole

    @property
    def every(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.whole + self.part))


class WordForms:
    """The written forms of one index generation, and which terms they are indexed as.

    Shared by the threads serving a generation; each call brings the
    calling thread's searcher (whoosh readers must not be shared).
    """

    def __init__(self, schema, word_counts: Callable[[], Mapping[str, int]],
                 kept: Callable[[object], WrittenForms | None] = lambda reader: None) -> None:
        self._schema = schema
        self._word_counts = word_counts  # the generation's vocabulary, read when first needed
        self._kept = kept  # the forms its writer gathered, for a reader, if they can be used
        self._lock = threading.Lock()
        self._reading = threading.Lock()
        self._done = threading.Condition()
        self._started = False  # a reading of the forms has begun
        self._table: FormTable | None = None
        self._spellings: dict[str, str] | None = None
        self._found: dict[tuple[str, bool], TermForms] = {}
        self._serial = next(_GENERATIONS)
        self.read_seconds: float | None = None  # how long reading the forms took

    def written(self, form: str) -> str:
        """``form`` as the archive most often writes it: ``wahler`` → ``wähler``."""
        spellings = self._spelling_table()
        return "-".join(spellings.get(piece, piece) for piece in form.split("-"))

    def _spelling_table(self) -> dict[str, str]:
        if self._spellings is None:
            counts = self._word_counts()
            spellings: dict[str, str] = {}
            for word in sorted(counts, key=counts.__getitem__):
                spellings[fold_word(word)] = word  # the most frequent comes last and stays
            self._spellings = spellings
        return self._spellings

    def read(self, searcher) -> None:
        """Read the generation's forms (call it off the request path, with its own searcher)."""
        self._started = True
        self._spelling_table()
        self.table(searcher)
        for fieldname in ("body", parts_field("body")):  # what the analyzers load on first use
            list(self._schema[fieldname].analyzer("Bundestagswahlen", mode="index"))

    def available(self, searcher, wait: float = WAIT_SECONDS) -> bool:
        """Whether the forms are read, waiting up to ``wait`` seconds for a reading under way.

        If nobody is reading them (a small archive opened without warming
        up), they are read here.
        """
        if self._table is None and not (self._started or self._reading.locked()):
            self.read(searcher)
        with self._done:
            return self._done.wait_for(lambda: self._table is not None, timeout=wait)

    def forms(self, searcher, term: str, every: bool = False) -> TermForms:
        """The forms indexed as ``term`` (a ``body`` or ``body_parts`` term), most frequent first.

        Without ``every``, only the :data:`MAX_CHECKED` most frequent
        candidates are checked (enough to list them).
        """
        key = (term, every)
        found = self._found.get(key) or (None if every else self._found.get((term, True)))
        if found is None:
            with self._lock:
                found = self._found.get(key) or self._find(searcher, term, every)
                self._found[key] = found
        return found

    def documents(self, searcher, forms: list[str]) -> list[np.ndarray]:
        """For each form, the live articles (global numbers, sorted) with it in title or body.

        Kept in the posting cache under this generation's key, so the next
        request counting a form reads nothing; the others are read
        together, from the segments the table says hold them.
        """
        keys = [("forms", self._serial, form) for form in forms]
        found = [POSTING_CACHE.get(key) for key in keys]
        unread = [i for i, kept in enumerate(found) if kept is None]
        if unread:
            table = self.table(searcher)
            wanted = [forms[i] for i in unread]
            read = docs_with_terms(searcher, tuple(map(forms_field, TEXT_FIELDS)), wanted,
                                   [table.segments(form) for form in wanted])
            for i, docs in zip(unread, read):
                docs.setflags(write=False)
                found[i] = (docs,)
                POSTING_CACHE.put(keys[i], found[i])
        return [kept[0] for kept in found]

    def _find(self, searcher, term: str, every: bool) -> TermForms:
        table = self.table(searcher)
        candidates = [table.containing(needle) for needle in {term, *_variant_spellings(term)}]
        ordered = table.most_frequent_first(distinct(np.concatenate(candidates)))
        checked = ordered if every else ordered[:MAX_CHECKED]
        whole, part = [], []
        words, parts = self._schema["body"].analyzer, self._schema[parts_field("body")].analyzer
        for form in within_budget(map(table.form, checked), every=32):
            if any(t.text == term for t in words(form, mode="index")):
                whole.append(form)
            if any(t.text == term for t in parts(form, mode="index")):
                part.append(form)
        return TermForms(tuple(whole), tuple(part), len(checked) == len(ordered))

    def prefixed(self, searcher, prefix: str) -> tuple[str, ...]:
        """The forms beginning with ``prefix``, most frequent first."""
        table = self.table(searcher)
        return tuple(map(table.form, table.most_frequent_first(table.starting_with(prefix))))

    def table(self, searcher) -> FormTable:
        """Every form of the generation with its article count, read on first use."""
        with self._reading:  # one reader at a time; the others wait for its result
            if self._table is None:
                started = time.perf_counter()
                reader = searcher.reader()
                kept = self._kept(reader)
                table = FormTable.of(kept) if kept is not None else FormTable.read(reader)
                self.read_seconds = time.perf_counter() - started
                with self._done:
                    self._table = table
                    self._done.notify_all()
        return self._table


def _variant_spellings(term: str) -> list[str]:
    """The other spellings of the words that the variant table writes as ``term``'s word."""
    table = variant_table()
    spellings = {**table.words, **table.names, **table.prefixes}
    return [variant for variant, preferred in spellings.items()
            if stem_german(preferred) == term or preferred.startswith(term)]


@dataclass
class QueryWords:
    """The words of a query that expand: terms of ``title``/``body`` and prefixes over forms."""

    terms: dict[str, str] = field(default_factory=dict)  # term → the word as typed
    prefixes: dict[str, str] = field(default_factory=dict)  # folded prefix → as typed


def query_words(q: wq.Query, text: str, schema) -> QueryWords:
    """The expanding words of ``q`` outside its exclusions, in the order typed."""
    typed = _typed_words(text, schema)
    words = QueryWords()
    for leaf in wanted_leaves(q):
        if type(leaf) is wq.Term and leaf.fieldname in TEXT_FIELDS:
            words.terms.setdefault(leaf.text, typed.get(leaf.text, leaf.text))
        elif type(leaf) is wq.Prefix and leaf.fieldname in map(forms_field, TEXT_FIELDS):
            words.prefixes.setdefault(leaf.text, f"{leaf.text}*")
    return words


def _typed_words(text: str, schema) -> dict[str, str]:
    analyzer = schema["body"].analyzer
    typed: dict[str, str] = {}
    for word in _WORD.findall(text):
        for token in analyzer(word, mode="query", removestops=False):
            typed.setdefault(token.text, word)
    return typed


def expansions(word_forms: WordForms, words: QueryWords, searcher, docnums: np.ndarray,
               excluded: frozenset[str] = frozenset()) -> list[Expansion]:
    """For each query word, the forms it matched with their counts among ``docnums``.

    Listed are the archive's most frequent forms of the word (at most
    :data:`MAX_LISTED`) that occur in the results, and every excluded one;
    while the generation's forms are still being read, a word is listed
    without forms (``complete`` false), unless forms are left out.
    """
    in_results = np.zeros(searcher.doc_count_all(), dtype=bool)
    in_results[docnums] = True
    found = []
    for term, word in words.terms.items():
        if not (excluded or word_forms.available(searcher)):
            found.append(Expansion(word, [], False))
            continue
        forms = word_forms.forms(searcher, term, every=bool(excluded))
        found.append(_expansion(word_forms, word, forms.every, forms.complete, searcher,
                                in_results, excluded))
    for prefix, word in words.prefixes.items():
        if not (excluded or word_forms.available(searcher)):
            found.append(Expansion(word, [], False))
            continue
        found.append(_expansion(word_forms, word, word_forms.prefixed(searcher, prefix), True,
                                searcher, in_results, excluded))
    return found


def _expansion(word_forms: WordForms, word: str, forms: tuple[str, ...], complete: bool,
               searcher, in_results: np.ndarray, excluded: frozenset[str]) -> Expansion:
    listed = list(forms[:MAX_LISTED])
    listed += [form for form in forms[MAX_LISTED:] if form in excluded]
    counts = []
    for form, documents in zip(listed, word_forms.documents(searcher, listed)):
        count = int(in_results[documents].sum())
        if count or form in excluded:
            counts.append(FormCount(form, word_forms.written(form), count, form in excluded))
    counts.sort(key=lambda c: (-c.count, c.form))
    return Expansion(word, counts, complete and len(forms) <= MAX_LISTED)


def without_forms(q: wq.Query, excluded: frozenset[str], word_forms: WordForms,
                  searcher) -> wq.Query:
    """``q`` with the words it expands no longer matching through ``excluded`` forms.

    A word term ``body:wahl`` becomes ``body:wahl ANDNOT`` (an excluded form
    in ``body_forms`` ``ANDNOT`` one of the word's other forms), scored as
    ``body:wahl``; a prefix becomes
    the union of its other forms.  A word left with no form matches nothing.
    """
    if not excluded:
        return q
    if type(q) is wq.Term and q.fieldname.removesuffix("_parts") in TEXT_FIELDS:
        forms = word_forms.forms(searcher, q.text, every=True).of(q.fieldname)
        if not excluded.intersection(forms):
            return q
        kept = [f for f in forms if f not in excluded]
        if not kept:
            return wq.NullQuery
        forms_of = forms_field(q.fieldname.removesuffix("_parts"))
        left_out = [wq.Term(forms_of, f) for f in forms if f in excluded]
        others = [wq.Term(forms_of, f) for f in kept]
        return wq.AndNot(q, wq.AndNot(wq.Or(left_out), wq.Or(others)))
    if type(q) is wq.Term and q.fieldname in map(forms_field, TEXT_FIELDS):
        return wq.NullQuery if q.text in excluded else q  # the word as typed
    if type(q) is wq.Prefix and q.fieldname in map(forms_field, TEXT_FIELDS):
        reader = searcher.reader()
        forms = [b.decode("utf-8") for b in reader.expand_prefix(q.fieldname, q.text)]
        if not excluded.intersection(forms):
            return q
        kept = [f for f in forms if f not in excluded]
        return wq.Or([wq.Term(q.fieldname, f, boost=q.boost) for f in kept]) if kept \
            else wq.NullQuery
    if q.is_leaf() or isinstance(q, wq.Not):
        return q  # what a query leaves out stays as typed
    if isinstance(q, wq.AndNot):
        return wq.AndNot(without_forms(q.a, excluded, word_forms, searcher), q.b)
    return _without_empty(q.apply(lambda child: without_forms(child, excluded, word_forms,
                                                               searcher)))


def _without_empty(q: wq.Query) -> wq.Query:
    """An ``AND`` with a part that matches nothing matches nothing; an ``OR`` drops it."""
    if not isinstance(q, (wq.And, wq.Or)):
        return q
    kept = [child for child in q.subqueries if child is not wq.NullQuery]
    if isinstance(q, wq.And) and len(kept) < len(q.subqueries) or not kept:
        return wq.NullQuery
    return q if len(kept) == len(q.subqueries) else type(q)(kept, boost=q.boost)
