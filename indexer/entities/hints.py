"""What the rule extractor and the gazetteer say, as hints for the tagger.

The tagger does not replace the rules' knowledge, it weighs it:

* per token, the BIO label of the rule extractor's mention covering it
  (``B-PER``, ``I-LOC`` ...; :func:`rule_labels`), or, cheaper, of the
  longest gazetteer name covering it (:func:`gazetteer_labels`);
* per word form, the gazetteer's verdict: a known place or organisation
  (also as the head of a hyphenated compound or with a genitive ``-s``), a
  given name, the first word of a longer name, a person's title
  (:class:`GazetteerHints`).
"""

from __future__ import annotations

from bisect import bisect_right

from indexer.entities.gazetteer import Gazetteer
from indexer.entities.rule_extractor import rule_entities
from indexer.entities.rules import is_title

#: Hint labels: "O" and B-/I- of each type.
LABELS = ("O",) + tuple(f"{p}-{t}" for p in "BI" for t in ("PER", "LOC", "ORG"))


def gazetteer_labels(words: list[str], gazetteer: Gazetteer) -> list[str]:
    """BIO labels of the longest gazetteer names among ``words`` (a sentence).

    Multi-word and single-word gazetteer entries, genitive ``-s`` allowed on
    the last word.
    """
    labels = ["O"] * len(words)
    openers = gazetteer.openers
    names = gazetteer.names
    count = len(words)
    free = 0  # the first word not inside a name found
    for i in [i for i, word in enumerate(words) if word in openers]:
        if i < free:
            continue
        for length in range(min(openers[words[i]], count - i), 0, -1):
            span = tuple(words[i:i + length])
            entry = names.get(span)
            if entry is None and span[-1].endswith("s") and len(span[-1]) > 3:
                entry = names.get(span[:-1] + (span[-1][:-1],))
            if entry:
                labels[i] = "B-" + entry[0]
                for j in range(i + 1, i + length):
                    labels[j] = "I-" + entry[0]
                free = i + length
                break
    return labels


def rule_labels(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """BIO labels from the rule extractor for the tokens at ``spans`` of ``text``."""
    labels = ["O"] * len(spans)
    if not spans:
        return labels
    starts = [start for start, _ in spans]
    for entity in rule_entities(text):
        i = max(0, bisect_right(starts, entity.start) - 1)
        opened = False
        while i < len(spans) and spans[i][0] < entity.end:
            if spans[i][1] > entity.start:
                labels[i] = ("I-" if opened else "B-") + entity.type
                opened = True
            i += 1
    return labels


class GazetteerHints:
    """Per word form: the gazetteer's type, given name, name opener, title."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def of(self, word: str) -> list[str]:
        """Attribute strings for ``word`` (its all-caps form also read as a name: BERLIN)."""
        gazetteer = self.gazetteer
        found: list[str] = []
        forms = [word]
        if len(word) > 3 and word.isupper():
            forms.append(word.capitalize())
        for form in forms:
            kind = gazetteer.kind_of(form)
            if kind:
                found.append("gz=" + kind)
            elif len(form) > 3 and form.endswith("s") and gazetteer.kind_of(form[:-1]):
                found.append("gzs=" + gazetteer.kind_of(form[:-1]))
            if form in gazetteer.first_names:
                found.append("gz=first")
            if gazetteer.longest.get(form, 0) > 1:
                found.append("gz=opens")
        if "-" in word:
            kind = gazetteer.kind_of(word.split("-", 1)[0])
            if kind:
                found.append("gzh=" + kind)
        if word[:1].isupper() and is_title(word, gazetteer.titles):
            found.append("gz=title")
        return found
