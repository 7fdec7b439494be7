"""Scores entity extraction on GermEval 2014 and measures its speed, size and load time.

    python -m indexer.measurements.eval_entities [PATH] [--limit N] [--news N]
                                                 [--model-dir DIR] [--rules] [--stages]
                                                 [--crfsuite] [--parity]

* scores: each sentence's tokens joined with single spaces and run through
  the whole extractor; gold spans from the outer BIO column, keeping ``PER``,
  ``LOC`` and ``ORG`` (``OTH`` and ``*deriv``/``*part`` count as no entity);
  precision, recall and F1 per type for exact spans, and the ten most
  frequent false positives and misses per type;
* speed: the whole extractor on the bodies of the first ``--news`` articles of
  the XGLUE news file, in MB of UTF-8 text per second of this process's CPU
  time (one core; the machine may be shared, so wall time is printed beside
  it), cold (fresh caches) and warm (after as many other articles: a long
  indexing run has warm per-form caches), and per article;
* load time (files read and nltk imported, wall and CPU) and the size of the
  files the tagger reads.

``--rules`` scores the rule extractor alone (what the tagger reads as hints);
``--stages`` adds CPU seconds per MB of each stage of the pipeline;
``--crfsuite`` runs the model in crfsuite from attribute lists (as training
does) instead of decoding it in NumPy from per-form scores; ``--parity``
tags the scored sentences and the news articles both ways and counts the
tokens whose labels differ, the largest difference of a marginal and the
texts whose mentions differ.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from indexer.entities.model import TYPES
from indexer.measurements import SHARED

DEFAULT_GOLD = SHARED / "data" / "ner" / "germeval2014-dev.tsv"
NEWS = SHARED / "data" / "news-de" / "xglue-nc-de-dev.jsonl"

Span = tuple[int, int, str]  # start, end, type


def evaluate(sentences: list, spans: Callable[[str], list[Span]]) -> dict:
    """Exact-span counts, false positives and misses per type."""
    counts = {t: Counter() for t in TYPES}
    false_pos = {t: Counter() for t in TYPES}
    misses = {t: Counter() for t in TYPES}
    for sentence in sentences:
        text, gold = sentence.text, sentence.gold()
        found = set(spans(text))
        for start, end, kind in found:
            if (start, end, kind) in gold:
                counts[kind]["tp"] += 1
            else:
                counts[kind]["fp"] += 1
                false_pos[kind][text[start:end]] += 1
        for start, end, kind in gold - found:
            counts[kind]["fn"] += 1
            misses[kind][text[start:end]] += 1
    return {"counts": counts, "false_pos": false_pos, "misses": misses,
            "sentences": len(sentences)}


def scores(count: Counter) -> tuple[float, float, float]:
    tp, fp, fn = count["tp"], count["fp"], count["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_table(result: dict) -> str:
    lines = [f"{result['sentences']:,} sentences, exact spans",
             "type  precision  recall     F1   (tp/fp/fn)"]
    total = Counter()
    for kind in TYPES:
        count = result["counts"][kind]
        total.update(count)
        p, r, f = scores(count)
        lines.append(f"{kind:<5} {p:9.3f} {r:7.3f} {f:6.3f}   "
                     f"({count['tp']}/{count['fp']}/{count['fn']})")
    p, r, f = scores(total)
    lines.append(f"{'all':<5} {p:9.3f} {r:7.3f} {f:6.3f}")
    return "\n".join(lines)


def error_lists(result: dict, top: int = 10) -> str:
    lines = []
    for kind in TYPES:
        lines.append(f"{kind} false positives: " + ", ".join(
            f"{text} ({n})" for text, n in result["false_pos"][kind].most_common(top)))
        lines.append(f"{kind} misses: " + ", ".join(
            f"{text} ({n})" for text, n in result["misses"][kind].most_common(top)))
    return "\n".join(lines)


def news_bodies(limit: int) -> list[str]:
    with NEWS.open(encoding="utf-8") as handle:
        return [json.loads(line)["body"] for line, _ in zip(handle, range(limit))]


def speed(extract: Callable[[str], object], texts: list[str]) -> dict:
    """MB/s of CPU time and of wall time, and CPU milliseconds per article."""
    size = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    cpu, wall = time.process_time(), time.perf_counter()
    for text in texts:
        extract(text)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"cpu": size / cpu, "wall": size / wall, "ms_per_article": 1000 * cpu / len(texts),
            "kb_per_article": 1000 * size / len(texts)}


def stage_times(pipeline, texts: list[str]) -> dict[str, float]:
    """CPU seconds per MB of each stage of the pipeline, over ``texts``."""
    from indexer.entities import consistency, corrections, naming
    from indexer.entities.tagger import Tagger

    size = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    spent: Counter[str] = Counter()

    def timed(stage: str, function: Callable, *args):
        started = time.process_time()
        result = function(*args)
        spent[stage] += time.process_time() - started
        return result

    def crfsuite(words: list[list[str]], hints: list[list[str]]) -> list:
        mentions = []
        for number, (sentence, sentence_hints) in enumerate(zip(words, hints)):
            rows = timed("features", read.features.sentence, sentence, sentence_hints)
            found = timed("crfsuite", tagger.spans, rows)
            mentions += [(number, first, end, kind) for first, end, kind in found]
        return mentions

    def numpy(words: list[list[str]], hints: list[list[str]]) -> list:
        scores = timed("scores", tagger.scorer.scores, read.features, words, hints)
        spans = timed("decoding", tagger.spans, scores)
        return [(number, first, end, kind) for number, found in enumerate(spans)
                for first, end, kind in found]

    read, tagger = pipeline.read, pipeline.tagger
    tag = crfsuite if isinstance(tagger, Tagger) else numpy
    for text in texts:
        spans = timed("sentences", read.sentences.spans, text)
        sentences = [timed("words", read.words.spans, text, start, end) for start, end in spans]
        words = [[text[s:e] for s, e in sentence] for sentence in sentences]
        hints = timed("hints", read.hints, text, sentences, words)
        mentions = tag(words, hints)
        lexicon = read.features.lexicon
        mentions = timed("corrections", corrections.correct, words, mentions, hints, lexicon,
                         read.gazetteer)
        mentions = timed("consistency", consistency.harmonise, words, mentions, lexicon)
        found = sorted((sentences[s][a][0], sentences[s][b - 1][1], kind)
                       for s, a, b, kind in mentions)
        timed("naming", naming.name, text, found, read.gazetteer, lexicon)
    return {stage: seconds / size for stage, seconds in spent.items()}


def parity(fast, slow, texts: list[str]) -> dict:
    """Labels, marginals and mentions of the NumPy pipeline ``fast`` against crfsuite's
    ``slow``, over every sentence of ``texts``."""
    import numpy as np

    from indexer.entities import crf

    read, tagger = slow.read, slow.tagger.crf
    labels = fast.tagger.labels
    found = Counter()
    largest = 0.0
    for text in texts:
        sentences = read.tokens(text)
        words = [[text[start:end] for start, end in spans] for spans in sentences]
        hints = read.hints(text, sentences, words)
        scores = [s for s in fast.tagger.scorer.scores(fast.read.features, words, hints) if len(s)]
        tagged = [(w, h) for w, h in zip(words, hints) if w]
        best = crf.viterbi(scores, fast.tagger.transitions)
        chances = crf.marginals(scores, fast.tagger.transitions)
        for (sentence, sentence_hints), ids, marginals in zip(tagged, best, chances):
            expected = tagger.tag(read.features.sentence(sentence, sentence_hints))
            found["sentences"] += 1
            found["tokens"] += len(sentence)
            found["different labels"] += sum(a != labels[b] for a, b in zip(expected, ids))
            reference = np.array([[tagger.marginal(label, t) for label in labels]
                                  for t in range(len(sentence))])
            largest = max(largest, float(np.abs(reference - marginals).max()))
        found["texts"] += 1
        found["texts with different mentions"] += \
            fast.mentions(words, hints) != slow.mentions(words, hints)
    return {**found, "largest marginal difference": largest}


def file_sizes(model_dir: Path, crfsuite: bool = False) -> dict[str, int]:
    """Bytes of each file the tagger reads beyond the rule extractor's name lists."""
    from indexer.analysis.sentences import PARAMETERS_FILE
    from indexer.entities.extract import (
        ATTRIBUTES_FILE,
        CLUSTERS_FILE,
        MODEL_FILE,
        SETTINGS_FILE,
        WEIGHTS_FILE,
    )
    from indexer.entities.lexical import PLACES_FILE

    analysis_data = Path(__file__).resolve().parents[1] / "analysis" / "data"
    entity_data = Path(__file__).resolve().parents[1] / "entities" / "data"
    model = [MODEL_FILE, ATTRIBUTES_FILE] if crfsuite else [WEIGHTS_FILE]
    clusters = [model_dir / CLUSTERS_FILE] if (model_dir / CLUSTERS_FILE).exists() else []
    paths = [*(model_dir / name for name in model), model_dir / SETTINGS_FILE, *clusters,
             entity_data / PLACES_FILE, analysis_data / PARAMETERS_FILE,
             analysis_data / "lexicon_de.tsv"]
    return {path.name: path.stat().st_size for path in paths}


def main(argv: list[str] | None = None) -> int:
    from indexer.entities.extract import MODEL_DIR

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    parser.add_argument("--news", type=int, default=300,
                        help="articles for the speed test (0: none)")
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument("--rules", action="store_true", help="the rule extractor alone")
    parser.add_argument("--stages", action="store_true", help="CPU time of each stage")
    parser.add_argument("--crfsuite", action="store_true",
                        help="the model run by crfsuite from attribute lists")
    parser.add_argument("--parity", action="store_true",
                        help="NumPy decoding against crfsuite: labels, marginals, mentions")
    args = parser.parse_args(argv)
    if not args.path.exists() or not NEWS.exists():
        print(f"needs ../shared (GermEval 2014 dev set, news-de): {args.path.name} not found")
        return 0
    from indexer.entities.training import germeval

    cpu, wall = time.process_time(), time.perf_counter()
    if args.rules:
        from indexer.entities.rule_extractor import rule_entities as extract
        pipeline = None
    else:
        from indexer.entities.extract import load, load_crfsuite

        pipeline = (load_crfsuite if args.crfsuite else load)(args.model_dir)
        extract = pipeline.entities
    extract("Angela Merkel besuchte am 21. August Berlin.")  # name lists load on first use
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    sentences = germeval.read(args.path)
    if args.limit:
        sentences = sentences[:args.limit]
    result = evaluate(sentences, lambda text: [(e.start, e.end, e.type) for e in extract(text)])
    print(score_table(result))
    news = news_bodies(2 * args.news)
    if args.news:  # (--news 0: no speed test)
        cold = speed(extract, news[:args.news])
        speed(extract, news[args.news:])
        warm = speed(extract, news[:args.news])
        print(f"\nspeed, whole extractor, one core, {args.news} news articles "
              f"(mean {warm['kb_per_article']:.1f} KB): warm {warm['cpu']:.2f} MB/s CPU time "
              f"({warm['wall']:.2f} MB/s wall), {warm['ms_per_article']:.1f} ms CPU per "
              f"article; cold {cold['cpu']:.2f} MB/s CPU ({cold['wall']:.2f} wall)")
    print(f"load: {wall:.2f} s wall, {cpu:.2f} s CPU (files read, nltk imported, first call)")
    if pipeline is not None:
        sizes = file_sizes(args.model_dir, args.crfsuite)
        print("files: " + ", ".join(f"{name} {size / 1e6:.2f} MB" for name, size in sizes.items())
              + f" (total {sum(sizes.values()) / 1e6:.2f} MB)")
        if args.stages and args.news:
            stages = stage_times(pipeline, news[:args.news])
            print("CPU s/MB by stage: " + ", ".join(f"{k} {v:.3f}" for k, v in stages.items())
                  + f" (sum {sum(stages.values()):.3f})")
        if args.parity:
            from indexer.entities.extract import load, load_crfsuite

            compared = parity(load(args.model_dir), load_crfsuite(args.model_dir),
                              [sentence.text for sentence in sentences] + news)
            print("parity with crfsuite: " + ", ".join(
                f"{key} {value:.2g}" if isinstance(value, float) else f"{key} {value:,}"
                for key, value in compared.items()))
    print()
    print(error_lists(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
