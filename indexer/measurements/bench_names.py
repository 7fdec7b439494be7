"""Benchmark: name suggestions (``/api/entities?prefix=``) for archives of any size.

    python -m indexer.measurements.bench_names --articles 1000000 --names 1000000

Builds the facet columns of one entity type for ``--articles`` articles
naming five persons each, drawn with a Zipf-like skew from ``--names``
distinct invented German names (Faker's lists): a few names in many articles, most
in few.  Then it times
the per-generation preparation (article totals, word-start index) and
prefix lookups of one to eight letters, as the web app runs them, in wall
clock and in CPU time (the second is what a busy shared machine cannot
inflate).  A
million-article archive names far fewer than a million distinct persons, so
``--names 1000000`` is a worst case.  Needs nothing from ``../shared``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

import numpy as np

from indexer.searching.facets import FacetTable

PREFIXES = ("a", "m", "be", "sch", "mar", "mül", "kla", "wolf", "thomas m", "zzz", "")
LIMIT = 20


def invented_names(count: int, seed: int) -> list[str]:
    """``count`` distinct names from Faker's German first and last names, a third of
    them with a double surname."""
    from faker.providers.person.de_DE import Provider
    rng = random.Random(seed)
    first, last = Provider.first_names, Provider.last_names
    names: dict[str, None] = {}
    while len(names) < count:
        surname = rng.choice(last)
        if rng.random() < 1 / 3:
            surname += "-" + rng.choice(last)
        names[f"{rng.choice(first)} {surname}"] = None
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
    started, cpu = time.perf_counter(), time.process_time()
    table.most_named("persons")
    table.names("persons")
    print(f"prepared per generation (totals and ranking, word-start index) in "
          f"{time.perf_counter() - started:.2f} s ({time.process_time() - cpu:.2f} s CPU)")
    print(f"{'prefix':<12}{'matches':>10}{'p50 ms':>9}{'max ms':>9}{'CPU p50':>9}{'CPU max':>9}")
    for prefix in PREFIXES:
        wall, used = [], []
        for _ in range(args.rounds):
            started, cpu = time.perf_counter(), time.process_time()
            found = table.starting_with("persons", prefix, LIMIT)
            wall.append((time.perf_counter() - started) * 1000)
            used.append((time.process_time() - cpu) * 1000)
        matches = table.names("persons").codes(prefix).size
        print(f"{prefix or '(empty)':<12}{matches:>10,}{statistics.median(wall):>9.2f}"
              f"{max(wall):>9.2f}{statistics.median(used):>9.2f}{max(used):>9.2f}   "
              f"{found[0].value if found else '–'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
