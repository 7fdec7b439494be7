"""Load test: the production server under concurrent mixed traffic, on 127.0.0.1 only.

Starts ``newsindex serve`` (waitress) on a free local port, with the sample
corpus indexed into a temporary directory or with ``--index DIR``, drives it
with ``--clients`` concurrent clients for ``--seconds``, and prints
requests per second, latency percentiles and error counts.  Some requests are
deliberately bad (400 expected); any other non-200 answer counts as an error
and makes the exit status 1.

    python scripts/loadtest.py --seconds 60 --clients 16
    python scripts/loadtest.py --index bench/index-100k --seconds 60
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
from urllib.parse import quote

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
ARTICLE_SHARE, BAD_SHARE = 0.1, 0.15


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


def client(port: int, deadline: float, ids: list[str], seed: int, out: list) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < BAD_SHARE:
            path, expected = rng.choice(BAD), 400
        elif roll < BAD_SHARE + ARTICLE_SHARE and ids:
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
        out.append((time.perf_counter() - started, status, expected))
    conn.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="index directory (default: sample corpus)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--server-threads", type=int, default=8)
    args = parser.parse_args()

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
            results: list[tuple[float, int, int]] = []
            deadline = time.monotonic() + args.seconds
            threads = [threading.Thread(target=client, args=(port, deadline, ids, n, results))
                       for n in range(args.clients)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=10)

    latencies = [r[0] * 1000 for r in results]
    unexpected = [(status, expected) for _, status, expected in results if status != expected]
    bad_answered = sum(1 for _, status, expected in results if expected == 400 and status == 400)
    print(f"index      {args.index or 'sample corpus'}")
    print(f"clients    {args.clients} for {elapsed:.1f} s, server threads {args.server_threads}")
    print(f"requests   {len(results):,} ({len(results) / elapsed:,.1f} req/s)")
    print(f"latency    p50 {statistics.median(latencies):.1f} ms, "
          f"p95 {percentile(latencies, 0.95):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
          f"max {max(latencies):.1f} ms")
    print(f"expected   400 for deliberately bad requests: {bad_answered:,}")
    print(f"errors     {len(unexpected):,} unexpected answers"
          + (f" (first: status {unexpected[0][0]}, expected {unexpected[0][1]})"
             if unexpected else ""))
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
