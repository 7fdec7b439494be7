"""Derives the German word lexicon the analysis ships (``make lexicon``).

    python -m indexer.analysis.derive_lexicon        (needs the ``derive`` extra)

Reads two registry packages and writes ``data/lexicon_de.tsv``, one
lowercase word per line::

    word <TAB> folded <TAB> zipf×10 <TAB> classes <TAB> lemma

* ``folded``: the word as the analyzer folds it (``fluchtling``);
* ``zipf×10``: the word's frequency in German on the Zipf scale (log10 of
  occurrences per billion words), times ten, from ``wordfreq`` (Apache 2.0;
  its German data comes from Wikipedia, subtitles, news, books, web text
  and social media, see its documentation);
* ``classes``: letters for what ``german-nouns`` (about 100,000 nouns from
  the German Wiktionary, CC BY-SA 4.0) says a word form is: ``N`` a common
  noun, ``G`` a given name, ``F`` a family name, ``T`` a place name,
  ``E`` another proper name;
* ``lemma``: for an inflected noun form, its lemma when it differs
  (``firmen`` → ``firma``); empty otherwise.

Kept are words at or above :data:`MIN_ZIPF`, every noun form at or above
:data:`MIN_NOUN_ZIPF` and every form of a proper name (``G``, ``F``, ``T``,
``E``) however rare: the entity tagger reads a rare surname or village as
what Wiktionary says it is (:mod:`indexer.entities.lexical`).  Lines are
sorted by folded form, then frequency, so of two words that fold alike the
more frequent one comes last.  Same package versions in, same bytes out.
"""

from __future__ import annotations

import csv
import math
import re
import sys
from pathlib import Path

from indexer.analysis.folding import normalize_german

OUTPUT = Path(__file__).resolve().parent / "data" / "lexicon_de.tsv"
MIN_ZIPF = 2.5
MIN_NOUN_ZIPF = 2.0
#: german-nouns part-of-speech labels, by the class letter written for them.
CLASSES = {"Substantiv": "N", "Vorname": "G", "Nachname": "F", "Familienname": "F",
           "Toponym": "T", "Eigenname": "E"}
#: Classes of proper names: their forms are kept at any frequency.
PROPER_NAMES = frozenset("GFTE")
_WORD = re.compile(r"[a-zäöüß]+")
_NOT_FORMS = ("lemma", "pos", "genus")


def noun_forms(csv_path: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Classes and lemmas of every single-word form in german-nouns, lowercase."""
    classes: dict[str, set[str]] = {}
    lemmas: dict[str, set[str]] = {}
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kinds = {CLASSES[p.strip()] for p in row["pos"].split(",") if p.strip() in CLASSES}
            lemma = row["lemma"].lower()
            if not kinds or not _WORD.fullmatch(lemma):
                continue
            forms = {value.lower() for name, value in row.items()
                     if value and not name.startswith(_NOT_FORMS)}
            for form in forms | {lemma}:
                if _WORD.fullmatch(form):
                    classes.setdefault(form, set()).update(kinds)
                    if "N" in kinds:
                        lemmas.setdefault(form, set()).add(lemma)
    return classes, lemmas


def lexicon_lines(frequencies: dict[str, float], classes: dict[str, set[str]],
                  lemmas: dict[str, set[str]]) -> list[str]:
    zipf = {word: math.log10(share * 1e9) for word, share in frequencies.items()
            if _WORD.fullmatch(word)}
    words = {w for w, z in zipf.items() if z >= MIN_ZIPF}
    words |= {w for w in classes if zipf.get(w, 0.0) >= MIN_NOUN_ZIPF}
    words |= {w for w, kinds in classes.items() if kinds & PROPER_NAMES}
    rows = []
    for word in words:
        found = lemmas.get(word, set())
        lemma = min(found) if len(found) == 1 and word not in found else ""
        rows.append((normalize_german(word), round(zipf.get(word, 0.0) * 10), word,
                     "".join(sorted(classes.get(word, ()))), lemma))
    rows.sort()
    return [f"{word}\t{folded}\t{tenths}\t{kinds}\t{lemma}"
            for folded, tenths, word, kinds, lemma in rows]


def main() -> int:
    try:
        import german_nouns.config
        import wordfreq
    except ImportError:
        print("needs the derive extra: pip install -e '.[derive]'")
        return 1
    classes, lemmas = noun_forms(Path(german_nouns.config.CSV_FILE_PATH))
    lines = lexicon_lines(wordfreq.get_frequency_dict("de"), classes, lemmas)
    OUTPUT.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"{len(lines):,} words → {OUTPUT.name} ({OUTPUT.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
