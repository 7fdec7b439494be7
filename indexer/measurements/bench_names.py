"""Benchmark: name suggestions (``/api/entities?prefix=``) for archives of any size.

    python -m indexer.measurements.bench_names --articles 1000000 --names 1000000

Builds the facet columns of one entity type for ``--articles`` articles
naming five persons each, drawn with a Zipf-like skew from ``--names``
distinct invented German names (Faker): a few names in many articles, most
in few.  Then it times
the per-generation preparation (article totals, word-start index) and
prefix lookups of one to eight letters, as the web app runs them.  A
million-article archive names far fewer than a million distinct persons, so
``--names 1000000`` is a worst case.  Needs nothing from ``../shared``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from indexer.searching.facets import FacetTable

PREFIXES = ("a", "m", "be", "sch", "mar", "mül", "kla", "wolf", "thomas m", "zzz", "")
LIMIT = 20


def invented_names(count: int, seed: int) -> list[str]:
    from faker import Faker
    fake = Faker("de_DE")
    fake.seed_instance(seed)
    names: dict[str, None] = {}
    while len(names) < count:
        names[f"{fake.first_name()} {fake.last_name()}"] = None
        if len(names) < count and len(names) % 7 == 0:  # more names than Faker's pairs
            names[f"{fake.first_name()} {fake.last_name()}-{fake.last_name()}"] = None
    return list(names)


NAMES_PER_ARTICLE = 5


def facet_table(names: list[str], articles: int, seed: int) -> FacetTable:
    rng = np.random.default_rng(seed)
    mentions = articles * NAMES_PER_ARTICLE
    codes = np.minimum(rng.zipf(1.3, mentions), len(names)).astype(np.int32)
    docs = np.repeat(np.arange(articles, dtype=np.int32), NAMES_PER_ARTICLE)
    empty = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), [""])
    entities = {"persons": (docs, codes, ["", *names]), "places": empty, "orgs": empty}
    return FacetTable(articles, np.zeros(articles, dtype=np.int32), {}, entities)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    names = invented_names(args.names, args.seed)
    table = facet_table(names, args.articles, args.seed)
    print(f"{len(names):,} names in {args.articles:,} articles generated in "
          f"{time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    table.totals("persons")
    table.names("persons")
    print(f"prepared per generation (totals, word-start index) in "
          f"{time.perf_counter() - started:.2f} s")
    print(f"{'prefix':<12}{'matches':>10}{'p50 ms':>9}{'max ms':>9}")
    for prefix in PREFIXES:
        timings = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            found = table.starting_with("persons", prefix, LIMIT)
            timings.append((time.perf_counter() - started) * 1000)
        matches = table.names("persons").codes(prefix).size
        print(f"{prefix or '(empty)':<12}{matches:>10,}{statistics.median(timings):>9.2f}"
              f"{max(timings):>9.2f}   {found[0].value if found else '–'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
