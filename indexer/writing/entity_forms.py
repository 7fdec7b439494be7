"""How each entity is written: the surface forms merged into one canonical name.

Built while the index is written: for every body mention the extractor
found, the pair (canonical facet value, text as written) is counted, so an
entity page can show that ``Wladimir Putin`` is also named ``Putin`` and
``Putins``.  The counts live beside the whoosh files of a generation as
``entity_forms.tsv`` (``field<TAB>value<TAB>form<TAB>mentions``, sorted), read
once per generation.  An update subtracts the mentions of the articles it
replaces or deletes, read back from their stored ``entities`` offsets, and
adds those of the new versions, so the counts always describe the live
articles.  (The mentions themselves come from
:func:`indexer.writing.schema.mention_forms`; this module does not import
the schema, so reading the counts does not load the entity extractor.)
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

FILENAME = "entity_forms.tsv"

#: (facet field, canonical value, surface form) -> mentions
FormCounts = Counter
Form = tuple[str, str, str]


def count_forms(counts: FormCounts, forms: Iterable[Form]) -> None:
    """Add mentions (see :func:`indexer.writing.schema.mention_forms`) to ``counts``."""
    counts.update(forms)


def uncount_forms(counts: FormCounts, forms: Iterable[Form]) -> None:
    """Take away the mentions of an article no longer indexed."""
    for form in forms:
        if counts[form] > 1:
            counts[form] -= 1
        else:
            counts.pop(form, None)


def write_forms(directory: Path, counts: FormCounts) -> Path:
    """Write ``counts`` into ``directory`` (under a temporary name, then renamed:
    a staged generation shares its files with the live one through hard links)."""
    path = Path(directory) / FILENAME
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as out:
        for (field, value, form), mentions in sorted(counts.items()):
            if mentions > 0:
                out.write(f"{field}\t{value}\t{form}\t{mentions}\n")
    os.replace(partial, path)
    return path


def read_forms(directory: Path) -> FormCounts:
    """The counts stored in ``directory`` (empty for an index built without them)."""
    counts: FormCounts = Counter()
    path = Path(directory) / FILENAME
    if not path.exists():
        return counts
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4 and parts[3].isdigit():
                counts[tuple(parts[:3])] = int(parts[3])
    return counts


class EntityForms:
    """The surface forms of every entity of one generation, most frequent first."""

    def __init__(self, counts: FormCounts) -> None:
        by_entity: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        for (field, value, form), mentions in counts.items():
            by_entity[field, value.casefold()].append((form, mentions))
        self._forms = {key: sorted(forms, key=lambda item: (-item[1], item[0]))
                       for key, forms in by_entity.items()}

    @classmethod
    def load(cls, directory: Path) -> EntityForms:
        return cls(read_forms(directory))

    def forms(self, field: str, value: str) -> list[tuple[str, int]]:
        """(form, mentions) of one entity, e.g. ``persons``, ``Wladimir Putin``."""
        return self._forms.get((field, value.casefold()), [])
