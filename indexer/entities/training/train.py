"""Builds the shipped tagger files from the research data (``make train-entities``).

    python -m indexer.entities.training.train [--shared DIR] [--out DIR] [options]

1. ``tagger.crfsuite``: the CRF, trained on GermEval 2014 (the test split;
   the dev split is kept for choosing thresholds and for scores), then, with
   ``silver`` set, once more on those sentences plus the first model's
   confident output on the news bodies of ``data/news-de``
   (:mod:`~indexer.entities.training.silver`);
2. ``tagger_attributes.txt``: the attributes the model weighs (tagging drops
   the others when it caches a word form);
3. ``tagger_weights.npz``: the model's exact weights for decoding in NumPy
   (:mod:`indexer.entities.crf`; ``python -m indexer.entities.training.weights``
   derives it from a model file alone);
4. ``tagger.json``: the feature set, the training parameters, and the
   per-type confidence thresholds chosen on the dev split
   (:mod:`~indexer.entities.training.thresholds`) with the scores they gave;
5. ``word_clusters.txt``, with the clusters feature: the word clusters the
   model was trained with (``--clusters``, by default the shipped ones), read
   from beside the model when it tags.

Run :mod:`indexer.analysis.train_sentences` and
:mod:`indexer.entities.training.clusters` first: the tagger is trained on
words as the shipped sentence splitter and word splitter cut them, and on
the clusters of those words.
Everything is ordered by its input and crfsuite's L-BFGS is deterministic, so
the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pycrfsuite

from indexer.analysis.train_sentences import read_bodies
from indexer.entities.extract import (
    ATTRIBUTES_FILE,
    CLUSTERS_FILE,
    MODEL_DIR,
    MODEL_FILE,
    SETTINGS_FILE,
    WEIGHTS_FILE,
    Pipeline,
    Preprocessor,
    preprocessor,
)
from indexer.entities.features import FeatureSet
from indexer.entities.tagger import Tagger
from indexer.entities.training import examples, germeval, silver, thresholds, weights

#: Research data beside the repository.
SHARED = Path(__file__).resolve().parents[4] / "shared"
GOLD = Path("data/ner/germeval2014-test.tsv")
DEV = Path("data/ner/germeval2014-dev.tsv")
NEWS = Path("data/news-de")


@dataclass(frozen=True)
class TrainingConfig:
    """What the shipped model is trained with (chosen on the dev split, see docs/quality.md)."""

    features: FeatureSet = field(default_factory=lambda: FeatureSet(clusters=True))
    c1: float = 0.1
    c2: float = 0.05
    iterations: int = 300
    #: OTH and *deriv/*part kept as labels of their own
    full_labels: bool = True
    #: BILOU labels (the last and the only word of a span labelled apart), not BIO
    bilou: bool = False
    #: the sequence probability a silver sentence needs; None: gold sentences only
    silver: float | None = 0.9


SHIPPED = TrainingConfig()


def train(out: Path, gold: list[germeval.Sentence], dev: list[germeval.Sentence],
          bodies: list[str], config: TrainingConfig = SHIPPED,
          clusters: Path = MODEL_DIR / CLUSTERS_FILE) -> dict:
    """Writes the tagger files into ``out``; returns the settings written."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        names = [MODEL_FILE, ATTRIBUTES_FILE, WEIGHTS_FILE, SETTINGS_FILE]
        if config.features.clusters:
            shutil.copyfile(clusters, work / CLUSTERS_FILE)
            names.append(CLUSTERS_FILE)
        settings = {"features": asdict(config.features), "c1": config.c1, "c2": config.c2,
                    "iterations": config.iterations, "full_labels": config.full_labels,
                    "bilou": config.bilou, "silver": config.silver}
        read = preprocessor(config.features, model_dir=work)
        _fit(read, work, gold, config)
        if config.silver is not None:
            extra = silver.silver(Pipeline(read, Tagger(work / MODEL_FILE)), bodies,
                                  config.silver)
            settings["silver_sentences"] = len(extra)
            _fit(read, work, gold + extra, config)
        write_attributes(work)
        weights.write_weights(work)
        known = frozenset((work / ATTRIBUTES_FILE).read_bytes().splitlines())
        tagged = Pipeline(preprocessor(config.features, known, work), Tagger(work / MODEL_FILE))
        chosen = thresholds.choose(*thresholds.confidences(tagged, dev))
        settings["thresholds"] = {kind: value["threshold"] for kind, value in chosen.items()}
        settings["dev_at_thresholds"] = chosen
        _write_settings(work, settings)
        out.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copyfile(work / name, out / name)
    return settings


def _fit(read: Preprocessor, work: Path, sentences: list[germeval.Sentence],
         config: TrainingConfig) -> None:
    xs, ys = examples.examples(sentences, read, config.full_labels, config.bilou)
    examples.fit(xs, ys, work / MODEL_FILE, config.c1, config.c2, config.iterations)


def _write_settings(directory: Path, settings: dict) -> None:
    (directory / SETTINGS_FILE).write_text(
        json.dumps(settings, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def write_attributes(directory: Path) -> None:
    """The attributes the model weighs, one per line, sorted."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(directory / MODEL_FILE))
    names = sorted({attribute for attribute, _ in tagger.info().state_features})
    (directory / ATTRIBUTES_FILE).write_text("\n".join(names) + "\n", encoding="utf-8")


def feature_set(changes: list[str]) -> FeatureSet:
    """The shipped feature set with ``NAME=VALUE`` changes."""
    values = asdict(SHIPPED.features)
    for change in changes:
        name, _, value = change.partition("=")
        if name not in values:
            raise SystemExit(f"no feature {name!r}; known: {', '.join(values)}")
        current = values[name]
        values[name] = value.lower() in ("1", "true", "yes") if isinstance(current, bool) \
            else value
    return FeatureSet(**values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the research data")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--clusters", type=Path, default=MODEL_DIR / CLUSTERS_FILE,
                        help="the word clusters file (with the clusters feature)")
    parser.add_argument("--feature", action="append", default=[], metavar="NAME=VALUE",
                        help="change one field of the feature set (hints=gazetteer, lean=true)")
    parser.add_argument("--silver", type=float, default=SHIPPED.silver,
                        help="sequence probability of silver sentences (0: none)")
    parser.add_argument("--c1", type=float, default=SHIPPED.c1, help="L1 regularisation")
    parser.add_argument("--c2", type=float, default=SHIPPED.c2, help="L2 regularisation")
    parser.add_argument("--iterations", type=int, default=SHIPPED.iterations,
                        help="most L-BFGS iterations")
    parser.add_argument("--bilou", action="store_true", help="BILOU labels, not BIO")
    parser.add_argument("--outer-labels", action="store_true",
                        help="PER, LOC and ORG only (OTH, *deriv and *part as O)")
    args = parser.parse_args(argv)
    paths = [args.shared / GOLD, args.shared / DEV, args.shared / NEWS]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        print("needs ../shared (GermEval 2014, news-de): not found: " + ", ".join(missing))
        return 1
    config = replace(SHIPPED, features=feature_set(args.feature), silver=args.silver or None,
                     c1=args.c1, c2=args.c2, iterations=args.iterations,
                     full_labels=not args.outer_labels, bilou=args.bilou)
    settings = train(args.out, germeval.read(paths[0]), germeval.read(paths[1]),
                     read_bodies(paths[2]), config, args.clusters)
    print(json.dumps(settings["dev_at_thresholds"], sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
