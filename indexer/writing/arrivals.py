"""When each article was first indexed in the form it has now.

A script that polls for new hits (``since=…``) and a feed reader need to know
which articles are new to the archive.  Every build and update stamps each
article with the moment it was indexed, and keeps the earlier stamp of an
article whose id and content are unchanged, so a rebuild does not make the
whole archive new again.  The stamps live beside each generation as
:data:`FILENAME` (``id<TAB>content hash<TAB>seconds since 1970``).
"""

from __future__ import annotations

import os
from pathlib import Path

from indexer.reading.documents import Document

FILENAME = "arrivals.tsv"


Stamps = dict[str, tuple[str, int]]


class Arrivals:
    """Article id → (content hash, first indexed in this form, Unix seconds).

    ``earlier`` holds the stamps of a generation this one replaces: an
    article found there unchanged keeps its stamp.
    """

    def __init__(self, stamps: Stamps | None = None, earlier: Stamps | None = None) -> None:
        self.stamps = stamps if stamps is not None else {}
        self.earlier = earlier or {}

    def stamp(self, doc: Document, now: int) -> int:
        """The moment ``doc`` arrived: its earlier stamp if unchanged, else ``now``."""
        for known in (self.stamps.get(doc.id), self.earlier.get(doc.id)):
            if known is not None and known[0] == doc.content_hash:
                self.stamps[doc.id] = known
                return known[1]
        self.stamps[doc.id] = (doc.content_hash, now)
        return now

    def forget(self, doc_id: str) -> None:
        self.stamps.pop(doc_id, None)

    def save(self, directory: Path) -> Path:
        """Written under a new name and renamed: never through a link to an older generation."""
        path = Path(directory) / FILENAME
        partial = path.with_name(FILENAME + ".partial")
        with open(partial, "w", encoding="utf-8") as out:
            for doc_id, (content_hash, seconds) in self.stamps.items():
                out.write(f"{_escape(doc_id)}\t{content_hash}\t{seconds}\n")
        os.replace(partial, path)
        return path

    @classmethod
    def load(cls, directory: Path | None) -> Arrivals:
        """The stamps saved in ``directory`` (none if there is no such file)."""
        stamps: Stamps = {}
        path = Path(directory) / FILENAME if directory else None
        if path is None or not path.exists():
            return cls(stamps)
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                doc_id, content_hash, seconds = line.rstrip("\n").rsplit("\t", 2)
                stamps[_unescape(doc_id)] = (content_hash, int(seconds))
        return cls(stamps)


def _escape(doc_id: str) -> str:
    return doc_id.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append({"t": "\t", "n": "\n"}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
