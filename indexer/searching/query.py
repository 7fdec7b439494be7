"""The query language: user text to a whoosh query, with limits and clear errors.

Syntax (documented for users in the README):

* words, all required by default: ``Russland Nordkorea``
* ``"phrases"``; ``AND``/``OR``/``NOT`` and the German ``UND``/``ODER``/``NICHT``;
  parentheses; ``-wort`` excludes, ``+wort`` requires
* ``wort*`` prefix search: words starting so as written, folded but not
  stemmed (at most :data:`MAX_EXPANSIONS` different words)
* fields: ``title:``/``titel:``, ``person:``, ``place:``/``ort:``,
  ``org:``, ``section:``/``ressort:``, ``source:``/``quelle:``, ``year:``/``jahr:``,
  ``date:[2020-01 to 2021-06]`` (:mod:`indexer.searching.dates`)

Stopwords are dropped from a query unless it has nothing else (``Wer war
das``); a query of exclusions only (``-Regierung``) finds every article
without them; a capitalised article with a known organisation
(``Die Linke``, ``Der Spiegel``) stands for that organisation.  Everything a
person can get wrong raises :class:`QueryError` with a message saying what
to change.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial
from typing import Iterator

from whoosh import query as wq
from whoosh.qparser import (
    FieldAliasPlugin,
    FieldsPlugin,
    MultifieldPlugin,
    OperatorsPlugin,
    PhrasePlugin,
    PlusMinusPlugin,
    WildcardPlugin,
    syntax,
)
from whoosh.qparser import (
    QueryParser as WhooshQueryParser,
)
from whoosh.qparser.syntax import FieldnameNode, attach
from whoosh.qparser.taggers import RegexTagger

from indexer.analysis.compounds import split_compound
from indexer.analysis.folding import fold_word, normalize_german
from indexer.analysis.german import is_common_pair, word_pair
from indexer.entities import gazetteer
from indexer.searching.dates import DateValueError, DayRangePlugin
from indexer.searching.weights import DEFAULT_RANKING, RankingParameters

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 40
MAX_EXPANSIONS = 300
#: Fields searched by words without a field name, and their weights.
DEFAULT_FIELDS = ("title", "body")
#: Field names people may type, by the schema field they mean.
FIELD_ALIASES = {
    "title": ["titel"],
    "persons": ["person", "personen"],
    "places": ["place", "ort", "orte"],
    "orgs": ["org", "organisation"],
    "section": ["ressort", "rubrik"],
    "source": ["quelle"],
    "year": ["jahr"],
    "date": ["datum"],
}
SEARCHABLE_FIELDS = ("title", "body", "persons", "places", "orgs", "section", "source", "year",
                     "month", "date", "id")


class QueryError(ValueError):
    """A request that cannot be run; the message is meant for the person who sent it.

    ``param`` names the request parameter at fault (``q`` for the query text).
    """

    def __init__(self, message: str, param: str = "q") -> None:
        super().__init__(message)
        self.param = param


class ExactPhrasePlugin(PhrasePlugin):
    """Phrases analysed in mode ``phrase``: stopwords and whole compounds kept.

    whoosh analyses phrase text like single query words; the German analyzer
    drops stopwords there, which would make ``"Tag des Sieges"`` match
    ``Tag Sieges``.  This plugin tells the analyzer it is reading a phrase.
    """

    class PhraseNode(PhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            field = parser.schema[fieldname] if fieldname in parser.schema else None
            if field is None or not field.analyzer:
                return PhrasePlugin.PhraseNode.query(self, parser)
            words, char_ranges = [], []
            for token in field.tokenize(self.text, mode="phrase", chars=True):
                words.append(token.text)
                char_ranges.append((self.textstartchar + token.startchar,
                                    self.textstartchar + token.endchar))
            q = parser.phraseclass(fieldname, words, slop=self.slop, boost=self.boost,
                                   char_ranges=char_ranges)
            return attach(q, self)

    class PhraseTagger(RegexTagger):
        def create(self, parser, match):
            slop = int(match.group("slop")) if match.group("slop") else 1
            return ExactPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)


class KnownFieldsPlugin(FieldsPlugin):
    """``field:word`` with a field the archive does not have is an error, not two words.

    A name followed by a space (``Achtung: Glätte``), digits (``20:15``)
    and links (``https://…``) stay text.
    """

    def do_fieldnames(self, parser, group):
        for node, following in zip(group.nodes, group.nodes[1:]):
            if (isinstance(node, FieldnameNode) and node.fieldname not in parser.schema
                    and not node.fieldname.isdigit() and not following.is_ws()
                    and not (getattr(following, "text", None) or "").startswith("/")):
                raise QueryError(f"There is no field '{node.fieldname}:'. Fields are "
                                 f"{field_names()}.")
        return super().do_fieldnames(parser, group)


def field_names() -> str:
    """The field names people may type, each with its aliases."""
    return ", ".join(f"{field} ({', '.join(FIELD_ALIASES[field])})" if field in FIELD_ALIASES
                     else field for field in SEARCHABLE_FIELDS)


class StarWildcardPlugin(WildcardPlugin):
    """``*`` is the only wildcard: a ``?`` ends a question, it stands for no letter.

    (whoosh also reads ``?`` as "any one letter", so ``Wer ist Putin?``
    would look for ``Putin`` plus one more letter.)
    """

    qmarks = ""
    expr = r"(?P<text>[*])"


class ExclusionsPlugin(PlusMinusPlugin):
    """``+`` and ``-`` before words; a query of ``-`` words only means "every article without".

    (whoosh's plugin would subtract them from nothing and find nothing.)
    """

    class Everything(syntax.SyntaxNode):
        startchar = endchar = 0

        def query(self, parser):
            return wq.Every()

    def do_plusminus(self, parser, group):
        group = super().do_plusminus(parser, group)
        if isinstance(group, syntax.AndNotGroup) and not group[0]:
            group[0] = self.Everything()
        return group


class _Parser(WhooshQueryParser):
    """whoosh's parser with prefixes left unstemmed and stopwords kept on request.

    A prefix or wildcard on ``title`` or ``body`` is folded like a word
    (case, umlauts, ß, apostrophes) but not analysed: the analyzer would stem
    ``Untersuchun`` to ``untersuchun`` and ``Hoche`` to ``hoch``.
    """

    keep_stopwords = False

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True,
                   removestops=True):
        if termclass in (wq.Prefix, wq.Wildcard) and fieldname in DEFAULT_FIELDS:
            return termclass(fieldname, fold_word(text), boost=boost)
        return super().term_query(fieldname, text, termclass, boost, tokenize,
                                  removestops and not self.keep_stopwords)


def make_parser(schema, weights: RankingParameters = DEFAULT_RANKING,
                keep_stopwords: bool = False) -> _Parser:
    parser = _Parser(None, schema)
    parser.keep_stopwords = keep_stopwords
    parser.add_plugin(MultifieldPlugin(list(DEFAULT_FIELDS), fieldboosts=weights.field_boosts()))
    parser.replace_plugin(OperatorsPlugin(
        And=r"(?<=\s)(?:AND|UND|&&)(?=\s)",
        Or=r"(?<=\s)(?:OR|ODER|\|\|)(?=\s)",
        Not=r"(^|(?<=(\s|[()])))(?:NOT|NICHT)(?=\s)",
        AndNot=None,
        AndMaybe=None,
        Require=None,
    ))
    parser.remove_plugin_class(PhrasePlugin)
    parser.add_plugin(ExactPhrasePlugin())
    # "-" and "+" are operators only before a word, never inside "NATO-Staaten".
    parser.add_plugin(ExclusionsPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    parser.remove_plugin_class(FieldsPlugin)
    parser.add_plugin(KnownFieldsPlugin())
    parser.remove_plugin_class(WildcardPlugin)
    parser.add_plugin(StarWildcardPlugin())
    parser.add_plugin(FieldAliasPlugin(FIELD_ALIASES))
    parser.add_plugin(DayRangePlugin())
    return parser


class QueryParser:
    """Parses and checks user queries against one schema (cached)."""

    def __init__(self, schema, weights: RankingParameters = DEFAULT_RANKING) -> None:
        self._parser = make_parser(schema, weights)
        self._keeping_stopwords = make_parser(schema, weights, keep_stopwords=True)
        self._weights = weights
        self._parse = lru_cache(maxsize=512)(self._parse_uncached)

    def parse(self, text: str) -> wq.Query:
        text = (text or "").strip()
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(f"The query has {len(text)} characters; at most "
                             f"{MAX_QUERY_CHARS} are allowed. Shorten it.")
        if not text:
            return wq.Every()
        return self._parse(text)

    def _parse_uncached(self, text: str) -> wq.Query:
        text = with_organisations(text)
        parsed = self._whoosh_parse(self._parser, text)
        if parsed is wq.NullQuery:  # only stopwords: search for them
            parsed = self._whoosh_parse(self._keeping_stopwords, text)
        check(parsed)
        return parsed.accept(partial(_in_index_fields, weights=self._weights, text=text,
                                     schema=self._parser.schema))

    @staticmethod
    def _whoosh_parse(parser, text: str) -> wq.Query:
        try:
            return parser.parse(text)
        except QueryError:
            raise
        except Exception as exc:  # whoosh raises assorted errors on odd input
            raise QueryError(f"The query could not be read ({exc}). Check quotes, "
                             "brackets and field names.") from None


def check(q: wq.Query) -> None:
    """Refuse queries that are malformed or too large to run."""
    leaves = 0
    for node in _walk(q):
        error = getattr(node, "error", None)
        if isinstance(error, DateValueError):
            raise QueryError(str(error))
        if error:
            raise QueryError(f"Part of the query could not be read ({error}). "
                             "Check quotes, brackets and field names.")
        fieldname = getattr(node, "fieldname", None)
        if fieldname and fieldname not in SEARCHABLE_FIELDS:
            raise QueryError(f"The field '{fieldname}:' cannot be searched.")
        if not node.is_leaf():
            continue
        leaves += 1
        if isinstance(node, wq.FuzzyTerm):
            continue
        if isinstance(node, (wq.Prefix, wq.Wildcard)) and len(node.text.split("*")[0]) < 2:
            raise QueryError(f"'{node.text}' is too short for a wildcard: give at least "
                             "two letters before '*'.")
    if leaves > MAX_CLAUSES:
        raise QueryError(f"The query has {leaves} search terms; at most {MAX_CLAUSES} "
                         "are allowed. Split it into several searches.")


def _in_index_fields(node: wq.Query, weights: RankingParameters, text: str,
                     schema) -> wq.Query:
    """Title and body words as whole words and compound parts, prefixes over word forms.

    ``body:untersuchun*`` → ``body_forms:untersuchun*``; for words see
    :func:`_with_compound_parts`.
    """
    fieldname = getattr(node, "fieldname", None)
    if fieldname not in DEFAULT_FIELDS:
        return node
    if type(node) is wq.Term and parts_field(fieldname) in schema:
        return _with_compound_parts(node, weights, text, schema)
    if type(node) in (wq.Prefix, wq.Wildcard) and forms_field(fieldname) in schema:
        return type(node)(forms_field(fieldname), node.text, boost=node.boost)
    return node


def _with_compound_parts(node: wq.Term, weights: RankingParameters, text: str,
                         schema) -> wq.Query:
    """A title or body word searched as a whole, as a part, and split into its parts.

    ``body:wahl`` → ``body:wahl OR body_parts:wahl^parts``: ``Wahl`` also
    finds ``Bundestagswahl`` (and ``Staaten`` finds ``NATO-Staaten``).  A
    compound typed in the query also finds its parts written apart:
    ``Klimaschutzgesetz`` → ``… OR (klimaschutz AND gesetz)^split``, each
    part as a word or a part itself, so an article on the "Gesetz zum
    Klimaschutz" is found, below those with the compound.  The word as typed
    (folded, not stemmed) also counts in ``title_forms``/``body_forms`` with
    the ``forms`` weight: among articles with the same stem, those that write
    the word as asked rank first, and a part of a hyphenated word written as
    typed (``Staaten`` in ``NATO-Staaten``) counts more than a compound part.
    """
    parts = parts_field(node.fieldname)
    alternatives = [node, wq.Term(parts, node.text, boost=node.boost * weights.parts)]
    start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
    if weights.split and start is not None and end is not None:
        analyzer = schema[node.fieldname].analyzer
        pieces = split_compound(normalize_german(text[start:end].lower()))
        stems = [t.text for piece in pieces for t in analyzer(piece, mode="query")]
        if len(stems) >= 2:
            boost = node.boost * weights.split
            alternatives.append(wq.And([
                wq.Or([wq.Term(node.fieldname, stem, boost=boost),
                       wq.Term(parts, stem, boost=boost * weights.parts)])
                for stem in stems]))
    if weights.forms and start is not None and end is not None \
            and forms_field(node.fieldname) in schema:
        alternatives.append(wq.Term(forms_field(node.fieldname), fold_word(text[start:end]),
                                    boost=node.boost * weights.forms))
    return wq.Or(alternatives)


def parts_field(fieldname: str) -> str:
    """The field holding the compound parts of a text field's words."""
    return f"{fieldname}_parts"


def forms_field(fieldname: str) -> str:
    """The field holding the unstemmed forms of a text field's words."""
    return f"{fieldname}_forms"


#: A phrase (with its field, if any), or a capitalised article and capitalised words.
_ARTICLE_NAME = re.compile(r'(\w+:)?"[^"]*"|(?<![\w:"])(?:Der|Die|Das)(?:\s+[A-ZÄÖÜ][\w-]*)+')


def with_organisations(text: str) -> str:
    """``Die Linke`` → ``org:"Linke"``: a capitalised article naming a known organisation.

    The article is a stopword, and the name alone is often a common word
    (``linke``, ``Zeit``, ``Spiegel``), so the organisation facet is what
    finds the party or the paper.  A quoted phrase is replaced only when it
    is the whole name (``"Die Linke"``); longer phrases stay exact.
    """
    if not re.search(r"\b(?:Der|Die|Das)\s", text):
        return text
    return _ARTICLE_NAME.sub(_organisation, text)


def _organisation(match: re.Match) -> str:
    found = match.group(0)
    if match.group(1):  # a phrase in a field of its own
        return found
    words = found.strip('"').split()
    names = gazetteer.load()
    if found.startswith('"'):
        entry = names.lookup(tuple(words))
        return f'org:"{entry[1]}"' if entry and entry[0] == "ORG" else found
    for end in range(len(words), 1, -1):  # the longest name first
        entry = names.lookup(tuple(words[:end]))
        if entry and entry[0] == "ORG":
            return " ".join([f'org:"{entry[1]}"', with_organisations(" ".join(words[end:]))])
    return " ".join([words[0], with_organisations(" ".join(words[1:]))])


def pairs_field(fieldname: str) -> str:
    """The field holding the neighbouring-word pairs of a text field."""
    return f"{fieldname}_pairs"


def phrase_terms(q: wq.Phrase, schema) -> tuple[list[wq.Term], bool] | None:
    """Terms every document with phrase ``q`` contains, and whether they suffice.

    A pair of neighbours with a stopword is one indexed term (``vor all``);
    a word in no such pair stands for itself.  Having every term is the
    phrase itself only for a two-word phrase with an indexed pair; otherwise
    the word positions decide.  None when the index has no pair field or
    the phrase allows gaps (``"…"~3``).
    """
    field = pairs_field(q.fieldname)
    words = q.words
    if q.slop != 1 or len(words) < 2 or field not in schema:
        return None
    terms, covered = [], set()
    for i, (first, second) in enumerate(zip(words, words[1:])):
        if is_common_pair(first, second):
            terms.append(wq.Term(field, word_pair(first, second), boost=q.boost))
            covered.update((i, i + 1))
    terms += [wq.Term(q.fieldname, word, boost=q.boost)
              for i, word in enumerate(words) if i not in covered]
    return terms, len(words) == 2 and terms[0].fieldname == field


def for_ranking(q: wq.Query, schema) -> wq.Query:
    """``q`` with exact phrases as the terms they need, for scoring the matches.

    Pair and word terms are read and scored like any word, where a phrase
    would be checked position by position again.  The result matches every
    document ``q`` matches (and maybe more: the words may occur apart), so
    callers score only ``q``'s exact matches.  Phrases under ``NOT`` stay as
    they are: there, more matches would mean fewer results.
    """
    if type(q) is wq.Phrase:
        found = phrase_terms(q, schema)
        if found is None:
            return q
        terms = found[0]
        return terms[0] if len(terms) == 1 else wq.And(terms)
    if isinstance(q, wq.Not) or q.is_leaf():
        return q
    if isinstance(q, wq.AndNot):
        return wq.AndNot(for_ranking(q.a, schema), q.b)
    return q.apply(lambda child: for_ranking(child, schema))


def check_expansions(q: wq.Query, reader) -> None:
    """Refuse wildcards that expand to too many words in this index."""
    for node in _walk(q):
        if isinstance(node, (wq.Prefix, wq.Wildcard, wq.Regex, wq.FuzzyTerm)):
            count = 0
            for _ in node._btexts(reader):
                count += 1
                if count > MAX_EXPANSIONS:
                    raise QueryError(
                        f"'{node.text}*' matches more than {MAX_EXPANSIONS} different words. "
                        "Use a longer prefix."
                        if isinstance(node, wq.Prefix) else
                        f"'{node.text}' matches more than {MAX_EXPANSIONS} different words. "
                        "Make it more specific.")


def wanted_leaves(q: wq.Query) -> Iterator[wq.Query]:
    """The leaves of ``q`` outside its exclusions (``NOT``, ``-``)."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from wanted_leaves(q.a)
    elif q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from wanted_leaves(child)


def _walk(q: wq.Query):
    yield q
    for child in q.children():
        yield from _walk(child)
