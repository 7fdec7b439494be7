"""``extract_entities(text)``: sentences, words, hints, CRF labels, corrections, names.

1. Punkt splits the text into sentences (:mod:`indexer.analysis.sentences`);
2. each sentence is split into words with offsets (:mod:`indexer.entities.words`);
3. hints: the rule extractor's mentions or the gazetteer's names as labels
   per word (:mod:`indexer.entities.hints`; the shipped settings say which);
4. the CRF labels every word from state scores summed from cached per-form
   vectors (:mod:`indexer.entities.features`, :mod:`indexer.entities.scoring`,
   :mod:`indexer.entities.tagger`) and keeps the spans above a per-type
   confidence threshold;
5. rules correct what news conventions make clear: name particles,
   organisations named with an article, two-word places, streets
   (:mod:`indexer.entities.corrections`);
6. a name gets one type per article, and missed repetitions are added
   (:mod:`indexer.entities.consistency`);
7. spans become entities with canonical names (:mod:`indexer.entities.naming`).

The model and its settings are shipped in ``data/`` (built by ``make
train-entities``) and loaded once per process, on first use.  The result is a
function of the text alone: caches only save work.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from indexer.analysis.sentences import PARAMETERS_FILE, SentenceSplitter, sentence_splitter
from indexer.entities import consistency, corrections, crf, gazetteer, lexical, naming
from indexer.entities.features import FeatureExtractor, FeatureSet
from indexer.entities.hints import GazetteerHints, gazetteer_labels, rule_labels
from indexer.entities.model import Entity
from indexer.entities.tagger import CrfTagger, Tagger
from indexer.entities.words import WordSplitter

MODEL_DIR = Path(__file__).resolve().parent / "data"
MODEL_FILE = "tagger.crfsuite"
SETTINGS_FILE = "tagger.json"
ATTRIBUTES_FILE = "tagger_attributes.txt"
WEIGHTS_FILE = "tagger_weights.npz"
CLUSTERS_FILE = lexical.CLUSTERS_FILE
#: Packages whose data or code shape the result, part of the model version.
_VERSIONED_PACKAGES = ("python-crfsuite", "nltk", "pycountry", "Faker")

Mention = consistency.Mention
Sentences = list[list[tuple[int, int]]]


@dataclass
class Preprocessor:
    """The text as the CRF sees it: sentences, words, hints, attribute lists."""

    sentences: SentenceSplitter
    words: WordSplitter
    features: FeatureExtractor
    gazetteer: gazetteer.Gazetteer

    def tokens(self, text: str) -> Sentences:
        """Per sentence, the (start, end) offsets of its words."""
        return [self.words.spans(text, start, end) for start, end in self.sentences.spans(text)]

    def hints(self, text: str, sentences: Sentences, words: list[list[str]]) -> list[list[str]]:
        """Per sentence, the hint label of every word ([] per sentence without hints)."""
        kind = self.features.features.hints
        if kind == "gazetteer":
            return [gazetteer_labels(sentence, self.gazetteer) for sentence in words]
        if kind != "rules":
            return [[] for _ in sentences]
        flat = rule_labels(text, [span for sentence in sentences for span in sentence])
        found, offset = [], 0
        for sentence in sentences:
            found.append(flat[offset:offset + len(sentence)])
            offset += len(sentence)
        return found


@dataclass
class Pipeline:
    """Every part of the extraction, loaded."""

    read: Preprocessor
    tagger: CrfTagger | Tagger

    def mentions(self, sentences: list[list[str]], hints: list[list[str]]) -> list[Mention]:
        """(sentence, first word, end word, type) of the confident CRF mentions."""
        return self.tagger.mentions(self.read.features, sentences, hints)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, type) character spans of the mentions, sorted."""
        read = self.read
        sentences = read.tokens(text)
        words = [[text[start:end] for start, end in sentence] for sentence in sentences]
        hints = read.hints(text, sentences, words)
        mentions = self.mentions(words, hints)
        lexicon = read.features.lexicon
        mentions = corrections.correct(words, mentions, hints, lexicon, read.gazetteer)
        mentions = consistency.harmonise(words, mentions, lexicon)
        return sorted((sentences[s][first][0], sentences[s][end - 1][1], kind)
                      for s, first, end, kind in mentions)

    def entities(self, text: str) -> list[Entity]:
        read = self.read
        return naming.name(text, self.spans(text), read.gazetteer, read.features.lexicon)


def settings(model_dir: Path = MODEL_DIR) -> dict:
    """The model's settings: feature set, training parameters, thresholds."""
    return json.loads((model_dir / SETTINGS_FILE).read_text(encoding="utf-8"))


def preprocessor(features: FeatureSet, known: frozenset[bytes] | None = None,
                 model_dir: Path = MODEL_DIR) -> Preprocessor:
    """Sentences, words, hints and attributes as ``features`` asks for them (``known``:
    the attributes a model weighs, None keeps all; ``model_dir``: where its word
    clusters are)."""
    names = gazetteer.load()
    splitter = sentence_splitter()
    clusters = lexical.clusters(model_dir / CLUSTERS_FILE) if features.clusters else None
    extractor = FeatureExtractor(lexical.load(), GazetteerHints(names), features, known,
                                 clusters)
    return Preprocessor(splitter, WordSplitter(splitter.abbreviations), extractor, names)


def load(model_dir: Path = MODEL_DIR) -> Pipeline:
    """The pipeline from the model files in ``model_dir``: the CRF's weights decoded in NumPy."""
    chosen = settings(model_dir)
    weights = crf.load_weights(model_dir / WEIGHTS_FILE)
    read = preprocessor(FeatureSet(**chosen["features"]), frozenset(weights.attributes),
                        model_dir)
    return Pipeline(read, CrfTagger(weights, chosen["thresholds"]))


def load_crfsuite(model_dir: Path = MODEL_DIR) -> Pipeline:
    """The same pipeline with the model run by crfsuite from attribute lists."""
    chosen = settings(model_dir)
    known = frozenset((model_dir / ATTRIBUTES_FILE).read_bytes().splitlines())
    return Pipeline(preprocessor(FeatureSet(**chosen["features"]), known, model_dir),
                    Tagger(model_dir / MODEL_FILE, chosen["thresholds"]))


@lru_cache(maxsize=1)
def pipeline() -> Pipeline:
    """The shipped pipeline, loaded on first use."""
    return load()


def extract_entities(text: str) -> list[Entity]:
    """Persons, places and organisations in ``text``, sorted and non-overlapping."""
    if not text:
        return []
    return pipeline().entities(text)


@lru_cache(maxsize=1)
def model_version() -> str:
    """A short hash of everything that decides the entities a text gets: the model,
    its settings, the name lists and lexicons, the code of this package and the
    versions of the packages it reads.  A cache of entity annotations keyed by
    content hash and this version stays valid as long as the version does."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    analysis_data = package.parent / "analysis" / "data"
    files = sorted(package.glob("*.py")) + sorted((package / "data").iterdir()) + [
        analysis_data / PARAMETERS_FILE, analysis_data / "lexicon_de.tsv",
        package.parent / "analysis" / "sentences.py"]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _VERSIONED_PACKAGES:
        digest.update(f"{name}={metadata.version(name)}\0".encode())
    return digest.hexdigest()[:16]
