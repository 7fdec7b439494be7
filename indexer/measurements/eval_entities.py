"""Scores entity extraction against CoNLL-style gold data (GermEval 2014 layout).

    python -m indexer.measurements.eval_entities [PATH] [--limit N]

Each sentence's tokens are joined with single spaces; gold spans come from
the outer BIO column, keeping ``PER``, ``LOC`` and ``ORG`` (``OTH`` and the
``*deriv``/``*part`` variants count as no entity).  Prints precision, recall
and F1 per type for exact span matches, the most frequent false positives and
misses per type, and the extraction speed in MB/s (name lists loaded first).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from indexer.entities import extract_entities
from indexer.measurements import SHARED

DEFAULT_GOLD = SHARED / "data" / "ner" / "germeval2014-dev.tsv"
TYPES = ("PER", "LOC", "ORG")

Span = tuple[int, int, str]  # start, end, type


def read_conll(path: Path) -> list[tuple[str, set[Span]]]:
    """Sentences as (text, gold spans) from a tab-separated CoNLL file."""
    sentences: list[tuple[str, set[Span]]] = []
    tokens: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) >= 3:
                tokens.append((parts[1], parts[2]))
            elif tokens:
                sentences.append(_sentence(tokens))
                tokens = []
    if tokens:
        sentences.append(_sentence(tokens))
    return sentences


def _sentence(tokens: list[tuple[str, str]]) -> tuple[str, set[Span]]:
    spans: set[Span] = set()
    current: list | None = None
    offset = 0
    for token, tag in tokens:
        start, end = offset, offset + len(token)
        offset = end + 1
        label = tag[2:]
        if tag.startswith("I-") and current and current[2] == label:
            current[1] = end
            continue
        if current:
            spans.add(tuple(current))
            current = None
        if tag[:2] in ("B-", "I-") and label in TYPES:
            current = [start, end, label]
    if current:
        spans.add(tuple(current))
    return " ".join(token for token, _ in tokens), spans


def evaluate(sentences: list[tuple[str, set[Span]]]) -> dict:
    counts = {t: Counter() for t in TYPES}
    false_pos = {t: Counter() for t in TYPES}
    misses = {t: Counter() for t in TYPES}
    chars = 0
    elapsed = 0.0
    extract_entities("Warm-up: the name lists load on first use.")
    for text, gold in sentences:
        chars += len(text.encode("utf-8"))
        started = time.perf_counter()
        found = {(e.start, e.end, e.type) for e in extract_entities(text)}
        elapsed += time.perf_counter() - started
        for start, end, kind in found:
            if (start, end, kind) in gold:
                counts[kind]["tp"] += 1
            else:
                counts[kind]["fp"] += 1
                false_pos[kind][text[start:end]] += 1
                if text[end:end + 1] == "-":
                    counts[kind]["fp_compound"] += 1
        for start, end, kind in gold - found:
            counts[kind]["fn"] += 1
            misses[kind][text[start:end]] += 1
    return {"counts": counts, "false_pos": false_pos, "misses": misses,
            "mb_per_s": chars / 1e6 / elapsed if elapsed else 0.0, "sentences": len(sentences)}


def scores(count: Counter) -> tuple[float, float, float]:
    tp, fp, fn = count["tp"], count["fp"], count["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def report(result: dict, top: int = 10) -> str:
    lines = [f"{result['sentences']:,} sentences, {result['mb_per_s']:.2f} MB/s",
             "", "type  precision  recall     F1   (tp/fp/fn)"]
    total = Counter()
    for kind in TYPES:
        count = result["counts"][kind]
        total.update(count)
        p, r, f = scores(count)
        lines.append(f"{kind:<5} {p:9.3f} {r:7.3f} {f:6.3f}   "
                     f"({count['tp']}/{count['fp']}/{count['fn']})")
    p, r, f = scores(total)
    lines.append(f"{'all':<5} {p:9.3f} {r:7.3f} {f:6.3f}")
    lines.append("")
    lines.append("false positives heading a hyphenated compound (NATO-Staaten: a facet value "
                 "here, *part in GermEval): " + ", ".join(
                     f"{kind} {result['counts'][kind]['fp_compound']}" for kind in TYPES))
    for kind in TYPES:
        lines.append("")
        lines.append(f"{kind} false positives: " + ", ".join(
            f"{text} ({n})" for text, n in result["false_pos"][kind].most_common(top)))
        lines.append(f"{kind} misses: " + ", ".join(
            f"{text} ({n})" for text, n in result["misses"][kind].most_common(top)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"needs ../shared (GermEval 2014 dev set): {args.path.name} not found")
        return 0
    sentences = read_conll(args.path)
    if args.limit:
        sentences = sentences[: args.limit]
    print(report(evaluate(sentences)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
