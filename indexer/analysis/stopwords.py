"""German stopwords: the words too common to mean anything alone (``der``, ``und``, ``mit``).

Read from ``data/stopwords_de.txt``, lowercase as written.  The analyzer
keeps them in the index (phrases need them) and drops them from plain query
words; the compound splitter never takes one for a compound's part.
"""

from __future__ import annotations

from importlib import resources


def _load_stopwords() -> frozenset[str]:
    text = resources.files("indexer.analysis").joinpath("data/stopwords_de.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


GERMAN_STOPWORDS = _load_stopwords()
