"""Trains the sentence splitter's Punkt parameters on German news (nltk's PunktTrainer).

    python -m indexer.analysis.train_sentences [--news DIR] [--out FILE]

The trainer learns abbreviations, collocations, sentence starters and the
orthographic context of words (seen capitalised or lowercase, at a
sentence's start or inside it) from article bodies (``body`` of each line
of the JSON-lines files in ``--news``, read in file-name order).  The
project then adds what German news needs and a few thousand articles may
not teach: common abbreviations (``Dr.``, ``u.a.``, ``z.B.``, ``Nr.``) and
ordinal collocations, so that ``am 21. August`` or ``die 2. Bundesliga``
never end a sentence.

The result is written as sorted JSON, read by :mod:`indexer.analysis.sentences`.
Same bodies in, same bytes out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from nltk.tokenize.punkt import PunktParameters, PunktTrainer

from indexer.analysis.sentences import PARAMETERS_FILE

OUTPUT = Path(__file__).resolve().parent / "data" / PARAMETERS_FILE
#: Research data beside the repository: ``../shared/data/news-de``.
NEWS = Path(__file__).resolve().parents[3] / "shared" / "data" / "news-de"
#: Abbreviations German news uses, lowercase and without the final period.
ABBREVIATIONS = frozenset("""
abb abg abs abt adm allg anm art aufl bd bes betr bez bspw bzgl bzw ca chr co corp
d.h dez dipl dir do dr ebd edv engl entspr erg etc ev evtl e.v exkl feb fa ff fr frl
ggf gen geb gegr gem ges gest ggü hl hr hrsg hbf i.a i.d.r i.e inc inkl insb int jan
jh jhd jr kap kath kfz kl lt ltd max mi mill min mio mo mr mrs mrd ms n.chr nov nr o.ä
o.g okt op orig pkw pfd prof rd reg rel s sa sek sep sept sog so st std str stv s.o
s.u tel u u.a u.ä u.a.m u.u usw v v.a v.chr vgl vs z.b z.t z.z zb zit zzgl
""".split())
#: Words that follow an ordinal number inside a sentence ("21. August", "2. Bundesliga").
ORDINAL_FOLLOWERS = frozenset("""
januar februar märz april mai juni juli august september oktober november dezember
jahrhundert jahrhunderts jahrtausend bundesliga liga fc klasse platz platzes rang runde
spieltag mal weltkrieg weltkrieges weltkriegs stock etage stockwerk lebensjahr geburtstag
todestag jahrestag quartal halbjahr halbzeit minute kompanie armee division armeekorps
regiment bataillon symphonie sinfonie auflage ausgabe band kapitel satz buch akt
""".split())
#: Only words seen lowercase matter to Punkt's orthographic heuristic; others are
#: dropped (nltk's _ORTHO_BEG_LC | _ORTHO_MID_LC | _ORTHO_UNK_LC).
_ORTHO_LC = 1 << 3 | 1 << 4 | 1 << 5


def train(bodies: Iterable[str]) -> PunktParameters:
    """Punkt parameters from article bodies plus the project's German additions."""
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = False
    trainer.train("\n\n".join(bodies), finalize=True)
    params = trainer.get_params()
    params.abbrev_types = {word for word in params.abbrev_types if _plausible_abbreviation(word)}
    params.abbrev_types |= ABBREVIATIONS
    for word in ORDINAL_FOLLOWERS:
        params.collocations.add(("##number##", word))
    return params


def _plausible_abbreviation(word: str) -> bool:
    """Learned abbreviations worth keeping: letters only, short or dotted (not "rollschuhen")."""
    letters = word.replace(".", "")
    return letters.isalpha() and not word.startswith(".") and ("." in word or len(word) <= 4)


def to_json(params: PunktParameters) -> str:
    """A compact, sorted JSON form of the parameters (no pickle)."""
    ortho = {word: flags for word, flags in sorted(params.ortho_context.items())
             if flags & _ORTHO_LC}
    return json.dumps({
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted(list(pair) for pair in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": ortho,
    }, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def read_bodies(directory: Path) -> list[str]:
    """The ``body`` fields of the JSON-lines files in ``directory``, in file-name order."""
    bodies: list[str] = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            bodies.extend(json.loads(line)["body"] for line in handle if line.strip())
    return bodies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--news", type=Path, default=NEWS)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    bodies = read_bodies(args.news)
    if not bodies:
        print(f"needs ../shared (news articles): no *.jsonl in {args.news}")
        return 1
    args.out.write_text(to_json(train(bodies)), encoding="utf-8")
    print(f"{len(bodies):,} articles → {args.out.name} ({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
