"""Word forms kept beside the generations, so a rebuild analyses only forms it has not met.

Analysing a word form the first time costs about a tenth of a millisecond
(compound splitting, spelling variants, stemming, through each field's
analyzer); an archive meets most of its forms again in every rebuild.  So
each writer process saves its form table
(:class:`~indexer.writing.segments.forms.FormAnalyser`) in
``<index>/form-cache/<version>-<n>.pickle`` and, in the next build, writer
``n`` starts from it.  The version is a hash of every file of
:mod:`indexer.analysis`, code and word lists alike, so changed analysis
never meets forms analysed the old way; a table made by other analyzers (a
changed schema) is not taken either.

The tables are derived data: a missing, stale or damaged file costs time,
never a wrong index.  They are written under a temporary name and renamed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from importlib import resources
from pathlib import Path

from indexer.writing.segments.forms import FormAnalyser

DIRECTORY = "form-cache"
SUFFIX = ".pickle"
#: The analysis package: its code and its word lists.
ANALYSIS = Path(str(resources.files("indexer.analysis")))


@lru_cache(maxsize=4)
def analysis_version(root: Path = ANALYSIS) -> str:
    """A hash of every code and data file under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def table_files(index_dir: Path, processes: int) -> list[Path]:
    """The form table file of each writer process."""
    directory = Path(index_dir) / DIRECTORY
    return [directory / f"{analysis_version()}-{n}{SUFFIX}" for n in range(processes)]


def load(path: Path, analyser: FormAnalyser) -> bool:
    """Start ``analyser`` from the table in ``path``; False if there is none to take."""
    try:
        with open(path, "rb") as handle:
            state = pickle.load(handle)
    except FileNotFoundError:
        return False
    except Exception:  # a damaged file: derived data, written anew at the end
        return False
    return analyser.restore(state)


def save(path: Path, analyser: FormAnalyser) -> None:
    """Write the analyser's table to ``path`` (best effort: a full disk costs the next run time)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as out:
            pickle.dump(analyser.state(), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except OSError:
        pass
    finally:
        partial.unlink(missing_ok=True)


def remove_others(index_dir: Path, kept: list[Path]) -> None:
    """Remove the table files of other versions and of writers that no longer run."""
    directory = Path(index_dir) / DIRECTORY
    if directory.is_dir():
        for path in directory.iterdir():
            if path not in kept and path.name.endswith((SUFFIX, ".partial")):
                path.unlink(missing_ok=True)
