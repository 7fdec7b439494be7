"""Load test: the production server under concurrent mixed traffic, on 127.0.0.1 only.

Starts ``newsindex serve`` (waitress) on a free local port, with the sample
corpus indexed into a temporary directory or with ``--index DIR``, drives it
with ``--clients`` concurrent clients for ``--seconds``, and prints
requests per second, latency percentiles and error counts.  Some requests are
deliberately bad (400 expected); any other non-200 answer counts as an error
and makes the exit status 1, except the documented 503 of a request stopped
at the time budget, which is counted apart.

It runs twice: a clean mix, then a hostile one in which ``--hostile-share``
of the requests are expensive on purpose (``*``, ``field:*``, broad
prefixes, long phrases of stopwords, twenty words joined by OR).  Those may
be answered with 200, with a 400 that refuses them, or with the documented
503 of a search stopped at its time budget; anything else is an error.  The
figure to watch is the p95 of the ordinary requests in both runs.  The two
runs alternate in ``--rounds`` slices, so that other load on the machine
falls on both alike.

    python scripts/loadtest.py --seconds 60 --clients 16
    python scripts/loadtest.py --index bench/index-100k --seconds 60 --mix hostile
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote

REPO = Path(__file__).resolve().parent.parent

GOOD = [
    "/api/search?q=Soldaten", "/api/search?q=Merkel", "/api/search?q=Wahl&sort=-date",
    "/api/search?q=%22Olaf%20Scholz%22", "/api/search?q=Klima*",
    "/api/search?q=Bundestag%20ODER%20Bundesrat", "/api/search?q=Krieg%20NICHT%20Ukraine",
    "/api/search?q=Regierung&page=2", "/api/search?person=Angela%20Merkel",
    "/api/search?place=Berlin&year=2021", "/api/search?q=Corona&from=2020-01-01&to=2020-12-31",
    "/api/search?sort=-date&size=50", "/api/search?q=Muenchen", "/?q=Haushalt",
    "/?q=NATO&org=NATO", "/api/search?q=Hochwaser", "/api/openapi.json",
]
BAD = [
    "/api/search?size=1000", "/api/search?from=yesterday", "/api/search?q=a*",
    "/api/search?sort=random", "/api/search?page=0", "/api/search?q=" + quote("x" * 600),
    "/api/search?q=date:%5Bgestern%20to%20morgen%5D", "/api/search?page=9999&size=100",
]
HOSTILE = [
    "/api/search?q=*", "/api/search?q=title:*", "/api/search?q=person:*&sort=-date&size=100",
    "/api/search?q=Soldat%20OR%20*", "/api/search?q=NOT%20*", "/?q=*",
    "/api/search?q=Bundes*", "/api/search?q=Regier*%20OR%20Land*%20OR%20Stadt*",
    "/api/search?q=Kl*", "/api/search?q=*ung", "/api/search?q=section:*",
    "/api/search?q=" + quote('"in der in der in der in der in der in der in der in der"'),
    "/api/search?q=" + quote('"und die und der und das und die und der und das"'),
    "/api/search?q=" + quote('"der die das und in zu den von mit sich des auf für ist im dem"'),
    "/api/search?q=" + quote(" OR ".join(
        "Regierung Jahr Prozent Land Stadt Menschen Polizei Euro Millionen Partei Bund Zeit "
        "Ende Woche Tag Kinder Frau Mann Welt Berlin".split())),
    "/api/timeline?q=*&q=title:*", "/api/kwic?q=Regierung", "/api/search?q=nosuchfield:abc",
]
ARTICLE_SHARE, BAD_SHARE = 0.1, 0.15
#: The documented answer of a request stopped at the server's time budget.
BUDGET_STATUS = 503
#: Answers a hostile request may get: results, a refusal, or the time budget's 503.
HOSTILE_STATUSES = (200, 400, BUDGET_STATUS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(index: Path, port: int, threads: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", "--index", str(index),
         "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


def article_ids(port: int) -> list[str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/api/search?sort=-date&size=100")
    return [hit["id"] for hit in json.loads(conn.getresponse().read())["hits"]]


def warm_up(port: int) -> None:
    """Ask for every path once, so that neither run pays for opening the index's columns."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for path in GOOD + HOSTILE:
        conn.request("GET", path)
        conn.getresponse().read()
    conn.close()


def client(port: int, deadline: float, ids: list[str], seed: int, hostile_share: float,
           out: list) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < hostile_share:
            path, expected = rng.choice(HOSTILE), HOSTILE_STATUSES
        elif roll < hostile_share + BAD_SHARE:
            path, expected = rng.choice(BAD), 400
        elif roll < hostile_share + BAD_SHARE + ARTICLE_SHARE and ids:
            path, expected = f"/api/articles/{quote(rng.choice(ids))}", 200
        else:
            path, expected = rng.choice(GOOD), 200
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        out.append((time.perf_counter() - started, status, expected, path))
    conn.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(port: int, ids: list[str], clients: int, seconds: float, hostile_share: float
        ) -> tuple[list[tuple[float, int, object, str]], float]:
    """(latency, status, expected status, path) of every request, and the seconds taken."""
    results: list[tuple[float, int, object, str]] = []
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=client,
                                args=(port, deadline, ids, n, hostile_share, results))
               for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.monotonic() - started


def as_expected(status: int, expected) -> bool:
    return status in expected if isinstance(expected, tuple) else status == expected


def report(name: str, results: list, elapsed: float) -> tuple[float | None, int]:
    """Print one run's figures; returns (p95 of ordinary requests in ms, unexpected answers)."""
    latencies = [r[0] * 1000 for r in results]
    ordinary = [r[0] * 1000 for r in results if r[2] == 200]
    unexpected = [(status, expected, path) for _, status, expected, path in results
                  if not as_expected(status, expected) and status != BUDGET_STATUS]
    stopped = sum(1 for _, status, expected, _ in results
                  if status == BUDGET_STATUS and not as_expected(status, expected))
    bad_answered = sum(1 for _, status, expected, _ in results
                       if expected == 400 and status == 400)
    hostile = [r for r in results if r[2] == HOSTILE_STATUSES]
    print(f"-- {name} run")
    print(f"requests   {len(results):,} ({len(results) / elapsed:,.1f} req/s) in {elapsed:.1f} s")
    print(f"latency    p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {percentile(latencies, 0.95):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
          f"max {max(latencies):.1f} ms")
    if ordinary:
        print(f"ordinary   {len(ordinary):,} requests: p50 {statistics.median(ordinary):.1f} ms, "
              f"p95 {percentile(ordinary, 0.95):.1f} ms, max {max(ordinary):.1f} ms")
    if hostile:
        statuses = [r[1] for r in hostile]
        answers = ", ".join(f"{status} × {statuses.count(status):,}"
                            for status in sorted(set(statuses)))
        print(f"hostile    {len(hostile):,} requests: {answers}")
        for path in HOSTILE:
            taken = [r[0] * 1000 for r in hostile if r[3] == path]
            if taken:
                codes = "/".join(str(c) for c in sorted({r[1] for r in hostile if r[3] == path}))
                print(f"  p50 {statistics.median(taken):7.1f}  p95 {percentile(taken, 0.95):7.1f}  "
                      f"max {max(taken):7.1f} ms  {codes}  {unquote(path)}")
    print(f"expected   400 for deliberately bad requests: {bad_answered:,}")
    if stopped:
        print(f"budget     {stopped:,} other requests stopped at the time budget (503)")
    print(f"errors     {len(unexpected):,} unexpected answers")
    for status, expected, path in unexpected[:10]:
        print(f"  status {status}, expected {expected}: {unquote(path)}")
    return (percentile(ordinary, 0.95) if ordinary else None), len(unexpected)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="index directory (default: sample corpus)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each run")
    parser.add_argument("--rounds", type=int, default=4,
                        help="slices each run is cut into, the runs taking turns")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--mix", choices=("both", "clean", "hostile"), default="both")
    parser.add_argument("--hostile-share", type=float, default=0.1,
                        help="share of expensive requests in the hostile run")
    args = parser.parse_args()
    shares = {"clean": 0.0, "hostile": args.hostile_share}
    runs = list(shares) if args.mix == "both" else [args.mix]

    with tempfile.TemporaryDirectory() as scratch:
        index = args.index
        if index is None:
            index = Path(scratch) / "index"
            subprocess.run([sys.executable, "-m", "indexer.cli", "build", "--index", str(index),
                            str(REPO / "corpus")], cwd=REPO, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = free_port()
        server = start_server(index, port, args.server_threads)
        try:
            ids = article_ids(port)
            warm_up(port)
            measured = {name: ([], 0.0) for name in runs}
            for _ in range(args.rounds):
                for name in runs:
                    results, elapsed = run(port, ids, args.clients, args.seconds / args.rounds,
                                           shares[name])
                    measured[name] = (measured[name][0] + results, measured[name][1] + elapsed)
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(f"index      {args.index or 'sample corpus'}")
    print(f"clients    {args.clients}, server threads {args.server_threads}")
    figures = {name: report(name, *measured[name]) for name in runs}
    if len(figures) == 2 and figures["hostile"][0] and figures["clean"][0]:
        ratio = figures["hostile"][0] / figures["clean"][0]
        print(f"-- ordinary p95 with {args.hostile_share:.0%} hostile requests: {ratio:.2f}× "
              f"the clean run's (target: at most 2×)")
    return 1 if any(errors for _, errors in figures.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
