"""Text fields analysed once per distinct word form instead of once per token.

A text field's analyzer is a tokenizer piped into filters, five Python
generators per token.  But an archive repeats its word forms, and when every
filter acts on each token alone, what the chain makes of a token depends on
its text only; its offsets merely shift.  So, for the fields whose analyzer
allows it (:func:`plan_for`, decided from the schema):

1. one regular expression splits each text (``re.split`` with the
   tokenizer's own pattern as a group: separators and tokens alternate, so
   their lengths give every token's offsets without a match object each);
2. each token is looked up in a table of known forms; new forms are run once
   through each field's own analyzer (the chain itself, not a copy of its
   rules: all new forms of a text at once, joined by spaces, which no token
   spans), and their emissions (term, offsets relative to the token) kept;
3. NumPy expands the form ids of a whole batch into each field's token
   stream (:class:`~indexer.writing.segments.postings.Occurrences`).

An analyzer that ends in :class:`~indexer.analysis.german.WordPairFilter` is
expanded without it, and the pairs are then formed from neighbouring terms
with the filter's own rule (:func:`~indexer.analysis.german.is_common_pair`).
Any other analyzer, or a value that is not a string, is left to whoosh's
``field.index()`` inside the segment writer: a field is never dropped, at
worst it is indexed at whoosh's speed.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Mapping, Sequence

import numpy as np
from whoosh import analysis, fields, formats

from indexer.analysis.german import (
    DecompoundFilter,
    GermanNormalizeFilter,
    GermanStemFilter,
    GermanStopFilter,
    GermanTokenizer,
    SpellingVariantFilter,
    WordPairFilter,
    WordPartsFilter,
    is_common_pair,
    word_pair,
)
from indexer.writing.segments.postings import Occurrences

#: Filters whose output for a token depends on that token alone.
PER_TOKEN_FILTERS = frozenset({
    analysis.LowercaseFilter, GermanNormalizeFilter, GermanStopFilter, SpellingVariantFilter,
    GermanStemFilter, WordPartsFilter, DecompoundFilter,
})
#: Formats the segment writer encodes from token streams.
STREAM_FORMATS = frozenset({formats.Existence, formats.Frequency, formats.Positions,
                            formats.Characters})
#: Forms kept per process before the table starts afresh (at a batch boundary).
MAX_FORMS = 2_000_000
_INDEX_OPTIONS = {"positions": True, "chars": True, "boosts": True, "mode": "index"}


@dataclass(frozen=True)
class FieldPlan:
    """How one text field is analysed from word forms."""

    tokenizer: GermanTokenizer
    per_token: analysis.Analyzer  # the tokenizer and the filters that act on a token alone
    pairs: bool  # the analyzer ends in WordPairFilter


def plan_for(field: fields.FieldType) -> FieldPlan | None:
    """The plan for ``field``, or None when its analyzer must run as whoosh runs it."""
    if not field.indexed or type(field.format) not in STREAM_FORMATS:
        return None
    if field.vector or field.separate_spelling():
        return None
    analyzer = getattr(field, "analyzer", None)
    items = list(analyzer.items) if isinstance(analyzer, analysis.CompositeAnalyzer) else []
    if not items or type(items[0]) is not GermanTokenizer:
        return None
    tokenizer, filters = items[0], items[1:]
    pairs = bool(filters) and type(filters[-1]) is WordPairFilter
    if pairs:
        filters = filters[:-1]
    if not all(type(f) in PER_TOKEN_FILTERS for f in filters):
        return None
    return FieldPlan(tokenizer, analysis.CompositeAnalyzer(tokenizer, *filters), pairs)


class _Emissions:
    """What one analyzer makes of each form: ``(term id, start, end)`` rows, relative."""

    def __init__(self, analyzer: analysis.Analyzer) -> None:
        self.analyzer = analyzer
        self.ptr = array("q", [0])
        self.rows = array("q")

    def add(self, forms: _JoinedForms, terms: _Terms) -> None:
        """Analyse ``forms`` (in one analyzer call) and keep their emissions in order."""
        rows: list[list[int]] = [[] for _ in forms.starts]
        term_id = terms.id
        for token in self.analyzer(forms.text, **_INDEX_OPTIONS):
            if token.stopped:
                continue
            if token.boost != 1.0:
                raise ValueError("the analyzer gives a word form a boost of its own, which "
                                 "the form table cannot hold")
            number = forms.number(token.startchar)
            start = forms.starts[number]
            rows[number] += (term_id(token.text), token.startchar - start, token.endchar - start)
        for found in rows:
            self.rows.extend(found)
            self.ptr.append(len(self.rows) // 3)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return _numpy(self.ptr), _numpy(self.rows).reshape(-1, 3)


class _JoinedForms:
    """Word forms joined by spaces, and where each begins."""

    def __init__(self, forms: list[str]) -> None:
        self.text = " ".join(forms)
        self.starts = list(accumulate((len(f) + 1 for f in forms[:-1]), initial=0))

    def number(self, offset: int) -> int:
        """The form at ``offset`` of the joined text."""
        return bisect_right(self.starts, offset) - 1


class _Terms:
    """Analysed terms by id, as UTF-8 bytes; also the ``TermBytes`` of their streams."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.texts: list[str] = []

    def id(self, text: str) -> int:
        found = self.ids.get(text)
        if found is None:
            found = self.ids[text] = len(self.texts)
            self.texts.append(text)
        return found

    def __call__(self, keys: np.ndarray) -> list[bytes]:
        texts = self.texts
        return [texts[k].encode("utf-8") for k in keys.tolist()]


class _PairTerms:
    """``TermBytes`` of pair keys ``first << 32 | second``."""

    def __init__(self, terms: _Terms) -> None:
        self.texts = terms.texts

    def __call__(self, keys: np.ndarray) -> list[bytes]:
        texts = self.texts
        return [word_pair(texts[k >> 32], texts[k & 0xFFFFFFFF]).encode("utf-8")
                for k in keys.tolist()]


class FormTable:
    """The distinct raw tokens of one tokenizer, each analysed once per analyzer."""

    def __init__(self, tokenizer: GermanTokenizer, analyzers: Sequence[analysis.Analyzer]) -> None:
        self.tokenizer = tokenizer
        self.split = re.compile(f"({tokenizer.expression.pattern})",
                                tokenizer.expression.flags).split
        self.analyzers = list(analyzers)
        self.clear()

    def clear(self) -> None:
        self.ids: dict[str, int] = {}
        self.valid = array("b")
        self.terms = _Terms()
        self.emissions = [_Emissions(a) for a in self.analyzers]

    def add(self, forms: list[str]) -> None:
        """Analyse new raw forms (whole matches of the tokenizer) and keep them."""
        joined = _JoinedForms(forms)
        tokens = [0] * len(forms)
        for token in self.tokenizer(joined.text, chars=True, mode="index"):
            tokens[joined.number(token.startchar)] += 1
        if max(tokens) > 1:
            split = forms[next(i for i, n in enumerate(tokens) if n > 1)]
            raise ValueError(f"the tokenizer splits the word form {split!r} when it stands alone")
        self.valid.extend(tokens)
        for emissions in self.emissions:
            emissions.add(joined, self.terms)
        for form in forms:
            self.ids[form] = len(self.ids)

    def emissions_of(self, analyzer: analysis.Analyzer) -> _Emissions:
        return self.emissions[self.analyzers.index(analyzer)]


class _Tokens:
    """Raw tokens of one list of texts: form ids and the lengths of all split pieces."""

    def __init__(self) -> None:
        self.forms = array("q")
        self.lengths = array("q")
        self.pieces = array("q")

    def offsets(self) -> tuple[np.ndarray, np.ndarray]:
        """Per token: its document number and its start offset in that document's text."""
        lengths = _numpy(self.lengths)
        pieces = _numpy(self.pieces)
        ends = np.cumsum(lengths)
        doc_of_piece = np.repeat(np.arange(len(pieces), dtype=np.int64), pieces)
        first_piece = np.cumsum(pieces) - pieces
        before_doc = np.repeat(ends[first_piece] - lengths[first_piece], pieces)
        starts = ends - before_doc - lengths
        # Pieces alternate separator, token, ..., separator within each text.
        index_in_doc = np.arange(len(lengths), dtype=np.int64) - np.repeat(first_piece, pieces)
        token = (index_in_doc & 1) == 1
        return doc_of_piece[token], starts[token]


class FormAnalyser:
    """Token streams of a schema's text fields for batches of documents."""

    def __init__(self, schema: fields.Schema) -> None:
        self.plans = {name: plan for name in schema.names()
                      if (plan := plan_for(schema[name])) is not None}
        self.tables: list[FormTable] = []
        for plan in self.plans.values():
            table = self._table_for(plan.tokenizer)
            if plan.per_token not in table.analyzers:
                table.analyzers.append(plan.per_token)
                table.clear()

    def state(self) -> list[tuple]:
        """What the tables know, for :meth:`restore` in a later run."""
        return [(table.tokenizer, table.analyzers, table.ids, table.valid, table.terms.texts,
                 [(e.ptr, e.rows) for e in table.emissions]) for table in self.tables]

    def restore(self, state: list[tuple]) -> bool:
        """Take over tables from :meth:`state` if the same analyzers made them."""
        made_by = [(tokenizer, analyzers) for tokenizer, analyzers, *_ in state]
        if made_by != [(table.tokenizer, table.analyzers) for table in self.tables]:
            return False
        for table, (_, _, ids, valid, texts, emissions) in zip(self.tables, state):
            table.ids, table.valid = ids, valid
            table.terms = _Terms()
            for text in texts:
                table.terms.id(text)
            for kept, (ptr, rows) in zip(table.emissions, emissions):
                kept.ptr, kept.rows = ptr, rows
        return True

    def _table_for(self, tokenizer: GermanTokenizer) -> FormTable:
        for table in self.tables:
            if table.tokenizer == tokenizer:
                return table
        self.tables.append(FormTable(tokenizer, []))
        return self.tables[-1]

    def analyse(self, records: Sequence[Mapping]) -> dict[str, Occurrences]:
        """The streams of every planned field whose values in ``records`` are all text."""
        for table in self.tables:
            if len(table.ids) > MAX_FORMS:
                table.clear()
        tokenized: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        streams = {}
        for name, plan in self.plans.items():
            texts = [record.get(name) for record in records]
            if not all(text is None or type(text) is str for text in texts):
                continue  # left to whoosh's field.index()
            table = self._table_for(plan.tokenizer)
            key = (id(table), tuple(map(id, texts)))
            if key not in tokenized:
                tokenized[key] = _token_positions(table, _tokenize(table, texts))
            forms, docs, starts = tokenized[key]
            emissions = table.emissions_of(plan.per_token)
            occ = _expand(forms, docs, starts, *emissions.arrays(), table.terms)
            streams[name] = _pairs(occ, table.terms) if plan.pairs else occ
        return streams


def _tokenize(table: FormTable, texts: Sequence[str | None]) -> _Tokens:
    out = _Tokens()
    ids, split = table.ids, table.split
    forms_out, lengths_out, pieces_out = out.forms, out.lengths, out.pieces
    for text in texts:
        pieces = split(text) if text else [""]
        forms = pieces[1::2]
        start = len(forms_out)
        try:
            forms_out.extend(map(ids.get, forms))
        except TypeError:  # a new form (None): analyse each new one once
            del forms_out[start:]
            table.add([form for form in dict.fromkeys(forms) if form not in ids])
            forms_out.extend(map(ids.__getitem__, forms))
        lengths_out.extend(map(len, pieces))
        pieces_out.append(len(pieces))
    return out


def _token_positions(table: FormTable, tokens: _Tokens):
    """Form ids, documents and start offsets of the tokens that count, in order."""
    forms = _numpy(tokens.forms)
    docs, starts = tokens.offsets()
    keep = _numpy(table.valid, np.int8).astype(bool)[forms]
    if not keep.all():
        forms, docs, starts = forms[keep], docs[keep], starts[keep]
    return forms, docs, starts


def _expand(forms, docs, starts, ptr, rows, terms) -> Occurrences:
    """Each token's emissions from the form table, in order, with absolute offsets."""
    counts = ptr[forms + 1] - ptr[forms]
    total = int(counts.sum())
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    picked = rows[np.repeat(ptr[forms], counts) + within] if total else \
        np.zeros((0, 3), dtype=np.int64)
    token_start = np.repeat(starts, counts)
    return Occurrences(keys=picked[:, 0], docs=np.repeat(docs, counts), term_bytes=terms,
                       positions=np.repeat(_rank_within(docs), counts),
                       starts=token_start + picked[:, 1], ends=token_start + picked[:, 2])


def _rank_within(docs: np.ndarray) -> np.ndarray:
    """Each token's position: its index among the tokens of its document."""
    n = len(docs)
    if not n:
        return np.zeros(0, dtype=np.int64)
    first = np.ones(n, dtype=bool)
    first[1:] = docs[1:] != docs[:-1]
    starts = np.flatnonzero(first)
    return np.arange(n, dtype=np.int64) - np.repeat(starts, np.diff(np.append(starts, n)))


def _pairs(occ: Occurrences, terms: _Terms) -> Occurrences:
    """Neighbouring terms of one document that make a pair, at the second one's place."""
    first, second = occ.keys[:-1], occ.keys[1:]
    same_doc = occ.docs[1:] == occ.docs[:-1]
    keys = (first << 32) | second
    distinct, inverse = np.unique(keys[same_doc], return_inverse=True)
    texts = terms.texts
    common = np.fromiter((is_common_pair(texts[k >> 32], texts[k & 0xFFFFFFFF])
                          for k in distinct.tolist()), dtype=bool, count=len(distinct))
    keep = np.zeros(len(keys), dtype=bool)
    keep[same_doc] = common[inverse.reshape(-1)]
    later = slice(1, None)
    return Occurrences(keys=keys[keep], docs=occ.docs[later][keep],
                       term_bytes=_PairTerms(terms), positions=occ.positions[later][keep],
                       starts=occ.starts[later][keep], ends=occ.ends[later][keep])


def _numpy(buffer: array, dtype=np.int64) -> np.ndarray:
    return np.frombuffer(buffer, dtype=dtype).copy() if len(buffer) else np.zeros(0, dtype)
