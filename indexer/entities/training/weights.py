"""The tagger's weights for decoding in NumPy, read from its crfsuite model file.

    python -m indexer.entities.training.weights [--model-dir DIR]

Writes ``tagger_weights.npz`` beside ``tagger.crfsuite`` (``make
train-entities`` does it after training; this derives it from a model file
alone, without training again).  Same model, same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indexer.entities import crf
from indexer.entities.extract import MODEL_DIR, MODEL_FILE, WEIGHTS_FILE


def write_weights(directory: Path) -> Path:
    """``tagger_weights.npz`` from the model file in ``directory``; returns its path."""
    path = directory / WEIGHTS_FILE
    crf.read_crfsuite(directory / MODEL_FILE).save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    path = write_weights(args.model_dir)
    print(f"{path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
