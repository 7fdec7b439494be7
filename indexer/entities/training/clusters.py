"""Word clusters learned from unlabelled German text (``data/word_clusters.txt``).

    python -m indexer.entities.training.clusters [--shared DIR] [--out FILE]

Words that occur in the same contexts get the same cluster, so a name the
labelled sentences never show can borrow the weights of names that occur
where it does (``Erdogan`` beside ``Merkel`` and ``Putin``, ``Salzburg``
beside ``Wien``).  The text is the bodies of the news-de articles and the
sentences of the GermEval 2014 test split (never the dev split: it stays
unseen), cut into words as the tagger cuts them.

1. Every form seen at least :data:`MIN_COUNT` times is described by how often
   each of the :data:`CONTEXTS` most frequent forms (or a sentence edge) stands
   one and two words before and after it, as positive pointwise mutual
   information;
2. those rows are reduced to :data:`DIMENSIONS` dimensions (the leading
   eigenvectors of their Gram matrix) and scaled to unit length;
3. k-means (k-means++ seeded from a fixed random state, then
   :data:`ROUNDS` rounds) groups them at each size of :data:`SIZES`, from
   coarse to fine.

Every step is ordered by the input and the random state is fixed, so the same
text gives the same file: one ``form<TAB>cluster,cluster,cluster`` line per
form (one cluster number per size), sorted by form.
"""

from __future__ import annotations

import argparse
import sys
from array import array
from collections import Counter
from pathlib import Path

import numpy as np

from indexer.analysis.train_sentences import read_bodies
from indexer.entities.extract import CLUSTERS_FILE, MODEL_DIR, Preprocessor, preprocessor
from indexer.entities.features import FeatureSet
from indexer.entities.training import germeval

SHARED = Path(__file__).resolve().parents[4] / "shared"
GOLD = Path("data/ner/germeval2014-test.tsv")
NEWS = Path("data/news-de")
MIN_COUNT = 3
CONTEXTS = 1000
#: context positions: words before (negative) and after the form
OFFSETS = (-2, -1, 1, 2)
DIMENSIONS = 64
#: cluster counts, coarse to fine
SIZES = (64, 256, 1024)
ROUNDS = 20
SEED = 2014
_EDGE = "<s>"


def corpus(read: Preprocessor, bodies: list[str], sentences: list[str]) -> list[list[str]]:
    """The words of every sentence of the article bodies and of the labelled sentences."""
    found = []
    for body in bodies:
        found += [[body[start:end] for start, end in spans] for spans in read.tokens(body)]
    for text in sentences:
        found.append([text[start:end] for start, end in read.words.spans(text)])
    return found


def vectors(sentences: list[list[str]]) -> tuple[list[str], np.ndarray]:
    """(forms, most frequent first; one unit-length context vector per form)."""
    counts = Counter(word for words in sentences for word in words)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    forms = [word for word, count in ranked if count >= MIN_COUNT]
    row = {word: number for number, word in enumerate(forms)}
    context = {word: number for number, (word, _) in enumerate(ranked[:CONTEXTS])}
    context[_EDGE] = len(context)
    width, reach = len(context), max(OFFSETS)
    size = len(OFFSETS) * width
    cells = array("q")  # row * columns + column of every context seen
    for words in sentences:
        padded = [_EDGE] * reach + words + [_EDGE] * reach
        for i in range(reach, len(padded) - reach):
            number = row.get(padded[i])
            if number is None:
                continue
            for block, offset in enumerate(OFFSETS):
                column = context.get(padded[i + offset])
                if column is not None:
                    cells.append(number * size + block * width + column)
    matrix = np.zeros((len(forms), size), dtype=np.float32)
    np.add.at(matrix.reshape(-1), np.frombuffer(cells, dtype=np.int64), 1.0)
    return forms, _reduced(_ppmi(matrix))


def _ppmi(matrix: np.ndarray) -> np.ndarray:
    """Positive pointwise mutual information of counts, in place (the matrix is large)."""
    total = matrix.sum()
    rows, columns = matrix.sum(axis=1, keepdims=True), matrix.sum(axis=0, keepdims=True)
    matrix *= total
    matrix /= np.where(rows > 0, rows, 1)
    matrix /= np.where(columns > 0, columns, 1)
    np.log(matrix, out=matrix, where=matrix > 0)
    return np.maximum(matrix, 0, out=matrix)


def _reduced(matrix: np.ndarray) -> np.ndarray:
    _, vectors = np.linalg.eigh((matrix.T @ matrix).astype(np.float64))
    leading = vectors[:, ::-1][:, :DIMENSIONS].astype(np.float32)
    reduced = (matrix @ leading).astype(np.float64)
    lengths = np.linalg.norm(reduced, axis=1, keepdims=True)
    return reduced / np.where(lengths > 0, lengths, 1.0)


def clusters(points: np.ndarray, sizes: tuple[int, ...] = SIZES) -> np.ndarray:
    """(points, sizes): each point's cluster number at each size."""
    random = np.random.default_rng(SEED)
    return np.stack([kmeans(points, size, random) for size in sizes], axis=1)


def kmeans(points: np.ndarray, size: int, random: np.random.Generator) -> np.ndarray:
    """The cluster number of each point."""
    chosen = [0]  # k-means++: each further centre drawn by squared distance
    distances = ((points - points[0]) ** 2).sum(axis=1)
    for _ in range(size - 1):
        total = distances.sum()  # 0 once every distinct point is a centre: any will do
        chosen.append(int(random.choice(len(points), p=distances / total if total else None)))
        distances = np.minimum(distances, ((points - points[chosen[-1]]) ** 2).sum(axis=1))
    centres = points[chosen]
    for _ in range(ROUNDS):
        nearest = (points @ centres.T - 0.5 * (centres * centres).sum(axis=1)).argmax(axis=1)
        sums = np.zeros_like(centres)
        np.add.at(sums, nearest, points)
        members = np.bincount(nearest, minlength=size)[:, None]
        centres = np.where(members > 0, sums / np.maximum(members, 1), centres)
    return nearest


def derive(bodies: list[str], sentences: list[str]) -> str:
    """The clusters file's text."""
    words = corpus(preprocessor(FeatureSet(hints="none")), bodies, sentences)
    forms, points = vectors(words)
    numbers = clusters(points).tolist()
    lines = sorted(f"{form}\t{','.join(map(str, row))}" for form, row in zip(forms, numbers))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the research data")
    parser.add_argument("--out", type=Path, default=MODEL_DIR / CLUSTERS_FILE)
    args = parser.parse_args(argv)
    gold, news = args.shared / GOLD, args.shared / NEWS
    if not gold.exists() or not news.exists():
        print(f"needs ../shared (GermEval 2014 test split, news-de): {gold}, {news}")
        return 1
    text = derive(read_bodies(news), [s.text for s in germeval.read(gold)])
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {text.count(chr(10)):,} forms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
