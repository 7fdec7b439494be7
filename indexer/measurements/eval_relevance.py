"""Ranking quality through the product, against SQLite FTS5, on German questions.

    python -m indexer.measurements.eval_relevance [--distractors N] [--workdir DIR]

The labelled data is ``../shared/data/relevance/xglue-qam-de-dev.tsv``
(question, passage, 0/1 label).  Every passage becomes an article, and so do
real news paragraphs cut from ``../shared/data/news-de/`` (about as long as
the passages), so each question is ranked against more than 10,000
candidates.  The articles are indexed by the real pipeline (``build`` into a
temporary index directory) and every question with a relevant passage is
sent to :func:`indexer.searching.search.search` as an OR query, as a script
would send it to ``/api/search``.  The same articles and queries go through
SQLite FTS5 (Snowball German stems, its built-in BM25) in the same run.

Prints MRR@10, Recall@10 and nDCG@10 per system, the product with each of
its ranking additions taken away in turn, and ``--variant`` rows ranked
with other :class:`~indexer.searching.weights.RankingParameters`.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import snowballstemmer

from indexer.measurements import SHARED
from indexer.searching.weights import DEFAULT_RANKING, RankingParameters

PAIRS = SHARED / "data" / "relevance" / "xglue-qam-de-dev.tsv"
NEWS = sorted((SHARED / "data" / "news-de").glob("*.jsonl"))
K = 10
#: Distractor passages are cut from news articles at sentence ends, each
#: about as long as a labelled passage (40 words on average).
PASSAGE_WORDS = 45
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9\"„])")
_QUERY_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


@dataclass
class Collection:
    """Candidate passages by id, and the relevant ids of each question."""

    passages: dict[str, str] = field(default_factory=dict)
    relevant: dict[str, set[str]] = field(default_factory=dict)


def read_collection(pairs_path: Path, news_paths: list[Path], distractors: int) -> Collection:
    """Labelled passages plus up to ``distractors`` news paragraphs."""
    found = Collection()
    by_text: dict[str, str] = {}
    with pairs_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 3 or row[2] not in ("0", "1"):
                continue
            question, passage, label = row[0].strip(), row[1].strip(), row[2]
            passage_id = by_text.setdefault(passage, f"qam-{len(by_text):05d}")
            found.passages[passage_id] = passage
            if label == "1":
                found.relevant.setdefault(question, set()).add(passage_id)
    added = 0
    for path in news_paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                for passage in news_passages(json.loads(line).get("body", "")):
                    if added >= distractors:
                        return found
                    if passage not in by_text:
                        by_text[passage] = f"news-{added:05d}"
                        found.passages[by_text[passage]] = passage
                        added += 1
    return found


def news_passages(body: str) -> list[str]:
    """A news body cut into passages of whole sentences, about ``PASSAGE_WORDS`` long."""
    passages, current, words = [], [], 0
    for sentence in _SENTENCE_END.split(body.strip()):
        current.append(sentence)
        words += len(sentence.split())
        if words >= PASSAGE_WORDS:
            passages.append(" ".join(current))
            current, words = [], 0
    if words >= PASSAGE_WORDS // 2:
        passages.append(" ".join(current))
    return passages


def or_query(question: str) -> str:
    """A question as a script would send it: its words joined by OR."""
    return " OR ".join(_QUERY_WORD.findall(question))


@dataclass
class Scores:
    questions: int = 0
    mrr: float = 0.0
    recall: float = 0.0
    ndcg: float = 0.0
    seconds: float = 0.0

    def add(self, ranked: list[str], relevant: set[str]) -> None:
        self.questions += 1
        ranks = [rank for rank, pid in enumerate(ranked[:K], start=1) if pid in relevant]
        if ranks:
            self.mrr += 1 / ranks[0]
        self.recall += len(ranks) / len(relevant)
        ideal = sum(1 / math.log2(r + 1) for r in range(1, min(len(relevant), K) + 1))
        self.ndcg += sum(1 / math.log2(r + 1) for r in ranks) / ideal

    def row(self, name: str) -> str:
        n = self.questions or 1
        return (f"{name:<48} {self.mrr / n:7.3f} {self.recall / n:7.3f} {self.ndcg / n:8.3f}"
                f" {self.seconds / n * 1000:8.1f}")


# -- the product -----------------------------------------------------------------


def build_product_index(collection: Collection, workdir: Path) -> Path:
    from indexer.writing.build import build
    from indexer.writing.store import IndexStore
    corpus = workdir / "passages.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for pid, text in collection.passages.items():
            out.write(json.dumps({"id": pid, "body": text}, ensure_ascii=False) + "\n")
    index = workdir / "index"
    build(IndexStore(index), [str(corpus)])
    return index


def run_product(index: Path, collection: Collection,
                weights: RankingParameters = DEFAULT_RANKING, correct: bool = True) -> Scores:
    from indexer.searching.search import Archive, SearchRequest, search
    snapshot = Archive(index).snapshot()
    scores = Scores()
    for question, relevant in collection.relevant.items():
        request = SearchRequest(q=or_query(question), size=K, snippets=False, correct=correct)
        started = time.perf_counter()
        result = search(snapshot, request, weights)
        scores.seconds += time.perf_counter() - started
        scores.add([hit.id for hit in result.hits], relevant)
    return scores


# -- the baseline: SQLite FTS5 with Snowball German --------------------------------


_SNOWBALL = snowballstemmer.stemmer("german")


def fts5_terms(text: str) -> list[str]:
    """Lowercase word tokens, Snowball German stems: FTS5's usual German setup."""
    return _SNOWBALL.stemWords(re.findall(r"\w+", text.lower()))


def run_fts5(collection: Collection) -> Scores:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE passages USING fts5(pid UNINDEXED, body, "
               "tokenize='unicode61 remove_diacritics 0')")
    db.executemany("INSERT INTO passages VALUES (?, ?)",
                   ((pid, " ".join(fts5_terms(text)))
                    for pid, text in collection.passages.items()))
    scores = Scores()
    for question, relevant in collection.relevant.items():
        terms = sorted(set(fts5_terms(question)))
        if not terms:
            scores.add([], relevant)
            continue
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        started = time.perf_counter()
        ranked = [pid for (pid,) in db.execute(
            "SELECT pid FROM passages WHERE passages MATCH ? ORDER BY bm25(passages) LIMIT ?",
            (match, K))]
        scores.seconds += time.perf_counter() - started
        scores.add(ranked, relevant)
    return scores


# -----------------------------------------------------------------------------------


def variants(names: list[str]):
    """Ranking parameter sets named on the command line (``k1=1.5,b=0.6``)."""
    for name in names:
        settings = dict(part.split("=", 1) for part in name.split(","))
        yield name, replace(DEFAULT_RANKING, **{k: float(v) for k, v in settings.items()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--distractors", type=int, default=10_000,
                        help="news paragraphs added as candidates")
    parser.add_argument("--variant", action="append", default=[],
                        help="also rank with these parameters, e.g. k1=1.5,b=0.6")
    parser.add_argument("--workdir", type=Path, help="keep the index here")
    parser.add_argument("--reuse", action="store_true",
                        help="query the index an earlier run left in --workdir")
    args = parser.parse_args(argv)
    if not args.pairs.exists():
        print(f"needs ../shared (XGLUE QAM German dev set): {args.pairs.name} not found")
        return 0
    collection = read_collection(args.pairs, NEWS, args.distractors)
    print(f"{len(collection.relevant):,} questions, {len(collection.passages):,} candidate "
          f"passages ({len(collection.passages) - args.distractors:,} labelled, the rest news)")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        index = workdir / "index"
        if not (args.reuse and index.exists()):
            index = build_product_index(collection, workdir)
        print(f"{'system':<48} {'MRR@10':>7} {'R@10':>7} {'nDCG@10':>8} {'ms/query':>8}")
        print(run_fts5(collection).row("SQLite FTS5 + Snowball German (baseline)"))
        print(run_product(index, collection).row("product: search() through the real index"))
        steps = (("  without spelling corrections", DEFAULT_RANKING, False),
                 ("  … and without compounds split in the query",
                  replace(DEFAULT_RANKING, split=0.0), False),
                 ("  … and without compound parts at all", replace(DEFAULT_RANKING, split=0.0,
                                                                   parts=0.0), False))
        for name, weights, correct in steps:
            print(run_product(index, collection, weights, correct).row(name))
        for name, weights in variants(args.variant):
            print(run_product(index, collection, weights).row(f"  with {name}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
