"""Benchmark: build and query speed of the engine against a plain-whoosh baseline.

    python -m indexer.measurements.bench --docs 100000        (make bench)

Generates a deterministic corpus with ``../shared/tools/make_bench_corpus.py``
(real German sentences, dates 1995-2025) into ``bench/``, builds the index
with the project's pipeline (in a child process, for a clean peak RSS), and
runs a fixed mixed query set through :func:`indexer.searching.search.search` with all
facets and 10 highlighted snippets.  The same corpus and queries then go
through a plain whoosh setup (StemmingAnalyzer-style schema, ``groupedby``
facets, default highlighting).  Prints one table with both and the ratio, and
one of the research views as the web app serves them (entity profiles, name
suggestions, timelines and the search page with its chart, through Flask).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from indexer.measurements import REPO, SHARED
from indexer.writing.phases import PHASES as BUILD_PHASES

GENERATOR = SHARED / "tools" / "make_bench_corpus.py"

#: The fixed query mix: (query text, extra request fields).
QUERIES: list[tuple[str, dict]] = [
    ("Regierung", {}), ("Polizei", {}), ("Fußball", {}), ("Klimawandel", {}),
    ("Unternehmen", {}), ("Wahlkampf", {}), ("Bundestag Wahl", {}), ("Polizei Unfall", {}),
    ("Trainer Saison", {}), ("Euro Prozent", {}), ('"in Berlin"', {}),
    ('"der Regierung"', {}), ('"vor allem"', {}), ("Klima*", {}),
    ("Regierung", {"filters": {"place": ("Deutschland",)}}),
    ("", {"filters": {"place": ("Berlin",)}}), ("", {"filters": {"org": ("SPD",)}}),
    ("Wirtschaft", {"date_from": "2010-01-01", "date_to": "2014-12-31"}),
    ("", {"date_from": "2020-01-01", "date_to": "2020-12-31"}),
    ("Regierung", {"sort": "-date"}), ("", {"sort": "-date"}),
    ("sagte", {}), ("Jahr", {}), ("mehr", {}), ("Menschen", {}),  # broad: >20 %
]


def peak_rss_children_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def live_generation_mb(index: Path) -> float:
    """The size of the generation a search reads (older generations share most of their
    files with it through hard links, and the build caches beside them are not read)."""
    from indexer.writing.store import IndexStore
    return directory_mb(IndexStore(index).current().path)


def directory_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
    return {"p50": statistics.median(ordered), "p95": at(0.95), "p99": at(0.99),
            "max": ordered[-1]}


def make_corpus(docs: int, workdir: Path) -> Path:
    corpus = workdir / f"corpus-{docs}.jsonl"
    if not corpus.exists():
        subprocess.run([sys.executable, str(GENERATOR), "--docs", str(docs), "--out",
                        str(corpus)], check=True)
    return corpus


# -- the engine --------------------------------------------------------------


def build_engine(corpus: Path, index: Path, fresh: bool = True) -> dict:
    """``newsindex build`` in a child process; ``fresh=False`` keeps the index (a rebuild,
    with the entities of unchanged articles cached beside it)."""
    if fresh:
        shutil.rmtree(index, ignore_errors=True)
    started, cpu = time.monotonic(), children_cpu_seconds()
    out = subprocess.run([sys.executable, "-m", "indexer.cli", "build", "--json", "--index",
                          str(index), str(corpus)], check=True, capture_output=True,
                         text=True, cwd=REPO)
    seconds = time.monotonic() - started
    report = json.loads(out.stdout.strip().splitlines()[-1])
    return {"docs": report["documents"], "seconds": seconds, "mb": live_generation_mb(index),
            "rss_mb": peak_rss_children_mb(), "cpu": children_cpu_seconds() - cpu,
            "phases": report.get("phases", {})}


def children_cpu_seconds() -> float:
    """CPU seconds (user and system) of every finished child process, theirs included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def reused_build(index: Path) -> dict:
    from indexer.writing.store import IndexStore
    manifest = IndexStore(index).current().manifest()
    return {"docs": manifest["documents"], "seconds": manifest["seconds"],
            "mb": live_generation_mb(index), "rss_mb": float("nan"), "cpu": float("nan")}


def query_engine(index: Path, rounds: int, queries: list[tuple[str, dict]]
                 ) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds (of the searching thread) of every query."""
    from datetime import date

    from indexer.searching.matching import POSTING_CACHE
    from indexer.searching.search import Archive, SearchRequest, search
    started = time.perf_counter()
    snapshot = Archive(index).snapshot()  # opens the index and loads its columns
    print(f"index opened and columns loaded in {time.perf_counter() - started:.1f} s")
    latencies, cpu = [], []
    for _ in range(rounds):
        for q, extra in queries:
            fields = dict(extra)
            for key in ("date_from", "date_to"):
                if key in fields:
                    fields[key] = date.fromisoformat(fields[key])
            POSTING_CACHE.clear()  # every query reads its posting lists from the index
            started, used = time.perf_counter(), time.thread_time()
            search(snapshot, SearchRequest(q=q, size=10, **fields))
            latencies.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - used) * 1000)
    word_forms = snapshot.word_forms
    if word_forms.available(snapshot.searcher, wait=600) and word_forms.read_seconds is not None:
        print(f"word forms read beside the first requests in {word_forms.read_seconds:.1f} s")
    return latencies, cpu


PHASES = ("parse", "match", "top10", "snip", "facets", "forms")


def query_phases(index: Path, queries: list[tuple[str, dict]], posting_arrays: bool,
                 rounds: int = 1) -> list[tuple[str, int, dict[str, tuple[float, float]]]]:
    """Per plain query: matches, and wall and CPU ms of each step ``search()`` takes.

    The steps as :func:`indexer.searching.search.search` runs them (without
    collapsing), the posting cache emptied before each query; with
    ``posting_arrays`` false the segments' arrays are not used.  Each figure
    is the median of ``rounds`` passes over the queries.
    """
    from indexer.searching import search as engine
    from indexer.searching.matching import POSTING_CACHE
    from indexer.writing.store import IndexStore
    snapshot = engine.Snapshot.open(IndexStore(index).current())
    if not posting_arrays:
        snapshot = engine.Snapshot(snapshot.generation, posting_arrays=False)
        snapshot.warm()
    passes: dict[str, list[dict[str, tuple[float, float]]]] = {q: [] for q, _ in queries}
    matches: dict[str, int] = {}
    for _ in range(rounds):
        for q, _ in queries:
            POSTING_CACHE.clear()
            matches[q] = _search_in_steps(engine, snapshot, q, passes[q].append)
    return [(q, matches[q], {name: tuple(statistics.median(p[name][i] for p in passes[q])
                                         for i in (0, 1)) for name in PHASES})
            for q, _ in queries]


def _search_in_steps(engine, snapshot, q: str, done) -> int:
    from indexer.searching.facets import FACET_FIELDS
    request = engine.SearchRequest(q=q, size=10)
    lap = Laps()
    prepared = engine.prepare(snapshot, request)
    lap("parse")
    docnums = engine.matching_docnums(snapshot, prepared)
    lap("match")
    top, _ = engine.top_results(snapshot, prepared, request, 10, docnums)
    lap("top10")
    highlights = engine.matched_terms(prepared.user_query, snapshot.searcher)
    for docnum, score in top:
        engine._hit(snapshot, docnum, score, highlights, request)
    lap("snip")
    for name in FACET_FIELDS:
        snapshot.facets.facet(name, docnums, (), engine._facet_limit(request, name))
    lap("facets")
    engine.expansions(snapshot.word_forms, engine.query_words(
        prepared.user_query, q, snapshot.searcher.schema), snapshot.searcher, docnums)
    lap("forms")
    done(lap.times)
    return int(docnums.size)


class Laps:
    """Wall and CPU milliseconds since the previous lap, by name."""

    def __init__(self) -> None:
        self.times: dict[str, tuple[float, float]] = {}
        self._last = (time.perf_counter(), time.thread_time())

    def __call__(self, name: str) -> None:
        now = (time.perf_counter(), time.thread_time())
        self.times[name] = ((now[0] - self._last[0]) * 1000, (now[1] - self._last[1]) * 1000)
        self._last = now


def print_phases(rows: list[tuple[str, int, dict[str, tuple[float, float]]]]) -> None:
    print("query phases, wall ms (CPU ms of the searching thread)")
    print(f"{'query':<22}{'matches':>9}" + "".join(f"{name:>15}" for name in PHASES))
    for q, matches, times in rows:
        print(f"{q or '(browse)':<22}{matches:>9,}"
              + "".join(f"{times[n][0]:>8.1f} ({times[n][1]:>4.0f})" for n in PHASES))


#: Starts of names typed into the facet filter box, by entity type.
PREFIXES = {"person": ("a", "mar", "sch", "kl", "thomas m"), "place": ("b", "ber", "st"),
            "org": ("s", "bund", "fc")}
ENTITY_PAGES = 5  # the most named of each type
VIEWS = {
    "search page with chart": ("/?q=Regierung", "/?q=Polizei&sort=-date", "/?q=Klima*"),
    "timeline page": ("/timeline?q=Regierung&q=Polizei", "/timeline?q=Klima*&measure=share",
                      "/timeline"),
    "timeline SVG": ("/api/timeline?q=Regierung&q=Polizei&format=svg",),
    "keyword in context": ("/kwic?q=Wahlkampf", "/kwic?q=Regierung"),
}


def research_views(index: Path, rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    """Latency and CPU time (ms) of the research pages and their JSON twins, by kind."""
    from web import create_app
    client = create_app({"INDEX_DIR": str(index), "REFRESH_SECONDS": 3600}).test_client()
    names = [(kind, value["value"]) for kind in PREFIXES
             for value in client.get(f"/api/entities?type={kind}&limit={ENTITY_PAGES}")
             .get_json()["values"]]
    requests = {
        "entity page": [f"/entity/{kind}/{quote(name)}" for kind, name in names],
        "entity JSON": [f"/api/entities/{kind}/{quote(name)}" for kind, name in names],
        "name suggestions": [f"/api/entities?type={kind}&prefix={quote(prefix)}&limit=20"
                             for kind, prefixes in PREFIXES.items() for prefix in prefixes],
        **{kind: list(paths) for kind, paths in VIEWS.items()},
    }
    timings: dict[str, tuple[list[float], list[float]]] = {kind: ([], []) for kind in requests}
    for _ in range(rounds):
        for kind, paths in requests.items():
            wall, cpu = timings[kind]
            for path in paths:
                started, used = time.perf_counter(), time.process_time()
                response = client.get(path)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - used) * 1000)
                assert response.status_code == 200, (path, response.status_code)
    return timings


# -- the plain-whoosh baseline ---------------------------------------------------


def baseline_schema():
    from whoosh import fields
    from whoosh.analysis import StemmingAnalyzer

    from indexer.analysis.german import stem_german
    analyzer = StemmingAnalyzer(stemfn=stem_german)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=analyzer, stored=True),
        body=fields.TEXT(analyzer=analyzer, stored=True),
        date=fields.DATETIME(stored=True, sortable=True),
        year=fields.ID(stored=True, sortable=True),
        section=fields.ID(stored=True, sortable=True),
        source=fields.ID(stored=True, sortable=True),
        persons=fields.KEYWORD(stored=True, commas=True),
        places=fields.KEYWORD(stored=True, commas=True),
        orgs=fields.KEYWORD(stored=True, commas=True),
    )


def build_baseline(corpus: Path, index: Path) -> dict:
    from whoosh import index as whoosh_index

    from indexer.writing.build import BuildReport, read_documents
    from indexer.writing.schema import analyse, facet_values
    shutil.rmtree(index, ignore_errors=True)
    index.mkdir(parents=True)
    started, cpu = time.monotonic(), time.process_time()
    ix = whoosh_index.create_in(index, baseline_schema())
    writer = ix.writer(limitmb=256)
    count = 0
    for doc in read_documents([corpus], BuildReport("baseline")):
        item = analyse(doc)
        facets = facet_values(item.title_entities + item.entities)
        record = {"id": doc.id, "title": doc.title, "body": doc.body,
                  "section": doc.section, "source": doc.source,
                  **{k: ",".join(v) for k, v in facets.items() if v}}
        if doc.date:
            record["date"] = doc.date.replace(tzinfo=None)
            record["year"] = str(doc.date.year)
        writer.add_document(**{k: v for k, v in record.items() if v})
        count += 1
    writer.commit()
    return {"docs": count, "seconds": time.monotonic() - started, "mb": directory_mb(index),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "cpu": time.process_time() - cpu}


def query_baseline(index: Path, rounds: int, queries: list[tuple[str, dict]]) -> list[float]:
    from datetime import datetime

    from whoosh import index as whoosh_index
    from whoosh import query as wq
    from whoosh import sorting
    from whoosh.qparser import MultifieldParser
    ix = whoosh_index.open_dir(index)
    parser = MultifieldParser(["title", "body"], ix.schema)
    facets = {name: sorting.FieldFacet(name, allow_overlap=name in ("persons", "places", "orgs"))
              for name in ("persons", "places", "orgs", "section", "source", "year")}
    latencies = []
    with ix.searcher() as searcher:
        for _ in range(rounds):
            for q, extra in queries:
                started = time.perf_counter()
                query = parser.parse(q) if q else wq.Every()
                clauses = [query]
                for key, values in extra.get("filters", {}).items():
                    field = {"person": "persons", "place": "places", "org": "orgs"}[key]
                    clauses.append(wq.Or([wq.Term(field, v) for v in values]))
                if "date_from" in extra:
                    clauses.append(wq.DateRange(
                        "date", datetime.fromisoformat(extra["date_from"]),
                        datetime.fromisoformat(extra["date_to"])))
                final = wq.And(clauses) if len(clauses) > 1 else query
                kwargs = {"sortedby": "date", "reverse": True} if extra.get("sort") else {}
                results = searcher.search(final, limit=10, groupedby=facets, **kwargs)
                for name in facets:
                    results.groups(name)
                for hit in results:
                    hit.highlights("body", top=3)
                latencies.append((time.perf_counter() - started) * 1000)
    return latencies


# -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the query set")
    parser.add_argument("--workdir", type=Path, default=REPO / "bench")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="query an index built by an earlier run (build figures from its "
                             "manifest; peak RSS not measured)")
    parser.add_argument("--query", action="append", metavar="TEXT",
                        help="run this query text instead of the mix (repeatable)")
    parser.add_argument("--phases", action="store_true",
                        help="only time the steps of each plain query of an index built "
                             "before, with the segments' posting arrays and without "
                             "(median of the rounds)")
    args = parser.parse_args(argv)
    queries = [(text, {}) for text in args.query] if args.query else QUERIES
    if args.phases:
        index = args.workdir / f"index-{args.docs}"
        plain = [(q, extra) for q, extra in queries if not extra]
        for arrays in (False, True):
            print("with posting arrays" if arrays else "whoosh's postings only")
            print_phases(query_phases(index, plain, arrays, args.rounds))
        return 0
    if not GENERATOR.exists():
        print("needs ../shared (tools/make_bench_corpus.py) to generate the corpus")
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    corpus = make_corpus(args.docs, args.workdir)
    rows = []
    index = args.workdir / f"index-{args.docs}"
    engine = reused_build(index) if args.reuse and index.exists() else build_engine(corpus, index)
    rebuild = None if args.reuse else build_engine(corpus, index, fresh=False)
    latencies, cpu = query_engine(index, args.rounds, queries)
    engine.update(percentiles(latencies))
    serving_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("engine", engine))
    if not args.no_baseline:
        base_dir = args.workdir / f"baseline-{args.docs}"
        baseline = build_baseline(corpus, base_dir)
        baseline.update(percentiles(query_baseline(base_dir, args.rounds, queries)))
        rows.append(("plain whoosh", baseline))
    print(f"{args.docs:,} articles, {len(queries)} queries × {args.rounds} rounds "
          "(all facets, 10 highlighted hits)")
    print(f"{'':<13}{'docs':>9}{'index MB':>10}{'build s':>9}{'docs/s':>8}{'peak RSS MB':>12}"
          f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}")
    for name, row in rows:
        print(f"{name:<13}{row['docs']:>9,}{row['mb']:>10.0f}{row['seconds']:>9.1f}"
              f"{row['docs'] / row['seconds']:>8.0f}{row['rss_mb']:>12.0f}{row['p50']:>8.1f}"
              f"{row['p95']:>8.1f}{row['p99']:>8.1f}{row['max']:>8.1f}")
    if len(rows) == 2:
        engine, baseline = rows[0][1], rows[1][1]
        print(f"{'ratio':<13}{'':>9}{'':>10}{baseline['seconds'] / engine['seconds']:>9.2f}"
              f"{'':>8}{'':>12}{baseline['p50'] / engine['p50']:>8.1f}"
              f"{baseline['p95'] / engine['p95']:>8.1f}{baseline['p99'] / engine['p99']:>8.1f}"
              f"{baseline['max'] / engine['max']:>8.1f}   (baseline ÷ engine)")
    used = percentiles(cpu)
    print(f"engine CPU ms per query (a loaded machine inflates it less): "
          f"p50 {used['p50']:.1f}, p95 {used['p95']:.1f}, p99 {used['p99']:.1f}")
    print(f"engine serving RSS (index open, every query run): {serving_mb:,.0f} MB")
    builds = [("engine build", engine)] + ([("engine rebuild", rebuild)] if rebuild else [])
    print_builds(builds + [(name, row) for name, row in rows[1:]])
    print(f"research views through the web app, {args.rounds} rounds")
    print(f"{'':<26}{'requests':>9}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'CPU p50':>9}"
          f"{'CPU p95':>9}")
    for kind, (wall, cpu) in research_views(index, args.rounds).items():
        figures, used = percentiles(wall), percentiles(cpu)
        print(f"{kind:<26}{len(wall):>9}{figures['p50']:>8.1f}{figures['p95']:>8.1f}"
              f"{figures['max']:>8.1f}{used['p50']:>9.1f}{used['p95']:>9.1f}")
    return 0


def print_builds(rows: list[tuple[str, dict]]) -> None:
    """Build speed in wall-clock and CPU time (every process of the build included)."""
    print(f"{'':<16}{'docs':>9}{'build s':>9}{'docs/s':>8}{'CPU s':>8}{'CPU ms/doc':>11}")
    for name, row in rows:
        print(f"{name:<16}{row['docs']:>9,}{row['seconds']:>9.1f}"
              f"{row['docs'] / row['seconds']:>8.0f}{row['cpu']:>8.1f}"
              f"{1000 * row['cpu'] / row['docs']:>11.2f}")
    print_build_phases([(name, row) for name, row in rows if row.get("phases")])


def print_build_phases(rows: list[tuple[str, dict]]) -> None:
    """CPU ms per article in each phase of the build, every process summed."""
    if not rows:
        return
    print("CPU ms per article by phase (all build processes)")
    print(f"{'':<16}" + "".join(f"{name:>10}" for name in BUILD_PHASES) + f"{'sum':>10}")
    for name, row in rows:
        per_doc = {phase: 1000 * row["phases"].get(phase, 0.0) / row["docs"]
                   for phase in BUILD_PHASES}
        print(f"{name:<16}" + "".join(f"{per_doc[phase]:>10.2f}" for phase in BUILD_PHASES)
              + f"{sum(per_doc.values()):>10.2f}")


if __name__ == "__main__":
    sys.exit(main())
