"""Ranking quality of the German analysis on labelled question/passage pairs.

    python -m indexer.measurements.eval_relevance [PATH]

Indexes every passage of ``../shared/data/relevance/xglue-qam-de-dev.tsv``
(question, passage, 0/1 label) into a temporary whoosh index, runs each
question that has a relevant passage as an OR query (BM25F), and reports
MRR@10, Recall@10 and nDCG@10 for configurations side by side: stock
Snowball, then each addition of the project's analyzer.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from whoosh import fields, scoring
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter

from indexer.analysis.german import compound_parts_analyzer, german_analyzer, stem_german
from indexer.measurements import SHARED

DEFAULT_DATA = SHARED / "data" / "relevance" / "xglue-qam-de-dev.tsv"
K = 10


def stock_snowball():
    """Plain whoosh: word tokens, lowercase, Snowball German stems (no folding)."""
    return RegexTokenizer() | LowercaseFilter() | StemFilter(stemfn=stem_german)


@dataclass(frozen=True)
class Config:
    name: str
    analyzer: Callable
    part_boost: float = 0.0  # 0: no compound-parts field


CONFIGS = [
    Config("stock Snowball", stock_snowball),
    Config("+ normalisation, stopwords, spelling variants", german_analyzer),
    Config("+ word parts, decompounding (×0.2)", german_analyzer, 0.2),
    Config("+ word parts, decompounding (×0.35)", german_analyzer, 0.35),
    Config("+ word parts, decompounding (×0.5)", german_analyzer, 0.5),
    Config("+ word parts, decompounding (×0.8)", german_analyzer, 0.8),
]


def read_pairs(path: Path) -> list[tuple[str, str, int]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(r[0], r[1], int(r[2])) for r in rows if len(r) >= 3 and r[2] in ("0", "1")]


def run(config: Config, pairs: list[tuple[str, str, int]], workdir: Path) -> dict[str, float]:
    schema = fields.Schema(id=fields.ID(stored=True),
                           body=fields.TEXT(analyzer=config.analyzer()))
    if config.part_boost:
        schema.add("body_parts", fields.TEXT(analyzer=compound_parts_analyzer()))
    ix = whoosh_index.create_in(workdir, schema)
    with ix.writer(limitmb=256) as writer:
        for n, (_, passage, _) in enumerate(pairs):
            doc = {"id": str(n), "body": passage}
            if config.part_boost:
                doc["body_parts"] = passage
            writer.add_document(**doc)
    analyzer = schema["body"].analyzer
    mrr = recall = ndcg = 0.0
    questions = 0
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        for n, (question, _, label) in enumerate(pairs):
            if label != 1:
                continue
            questions += 1
            words = {t.text for t in analyzer(question, mode="query")}
            clauses: list[wq.Query] = [wq.Term("body", w) for w in words]
            if config.part_boost:
                clauses += [wq.Term("body_parts", w, boost=config.part_boost) for w in words]
            if not clauses:
                continue
            hits = searcher.search(wq.Or(clauses), limit=K)
            ranked = [hit["id"] for hit in hits]
            if str(n) in ranked:
                rank = ranked.index(str(n)) + 1
                mrr += 1 / rank
                recall += 1
                ndcg += 1 / math.log2(rank + 1)
    return {"questions": questions, "MRR@10": mrr / questions, "Recall@10": recall / questions,
            "nDCG@10": ndcg / questions}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"needs ../shared (XGLUE QAM German dev set): {args.path.name} not found")
        return 0
    pairs = read_pairs(args.path)
    print(f"{len(pairs):,} passages; questions with a relevant passage are ranked against all")
    print(f"{'configuration':<45} {'MRR@10':>7} {'R@10':>7} {'nDCG@10':>8}")
    for config in CONFIGS:
        with tempfile.TemporaryDirectory() as workdir:
            result = run(config, pairs, Path(workdir))
        print(f"{config.name:<45} {result['MRR@10']:7.3f} {result['Recall@10']:7.3f} "
              f"{result['nDCG@10']:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
