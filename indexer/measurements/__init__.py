"""Measurements: ranking and entity quality, build and query speed.

Each module is a command (``python -m indexer.measurements.bench`` …) that
prints figures.  They read research data from ``../shared/`` beside the
repository when it is there and say so when it is not; the product itself
never needs it.
"""

from pathlib import Path

#: The repository's root.
REPO = Path(__file__).resolve().parents[2]
#: Research data kept outside the repository (``../shared``).
SHARED = REPO.parent / "shared"
