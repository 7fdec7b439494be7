"""Timelines: how many articles match per year, month or day, for up to four queries.

Counts come from the per-generation day column of :class:`~indexer.searching.facets.FacetTable`
(``yyyymmdd`` per document), so a timeline over any result set is a
``numpy.unique`` and never touches stored documents.  Each bucket also carries
the ``total`` of archive articles in that period and the ``share`` its count
is of them, so a rise in a topic is not mistaken for a bigger archive.
Undated matches are counted apart, so the bucket counts plus ``undated``
always equal the query's ``total``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from indexer.searching.query import QueryError
from indexer.searching.search import SearchRequest, Snapshot, counted_docnums, prepare

MAX_SERIES = 4
MAX_DAY_BUCKETS = 3660
INTERVALS = ("year", "month", "day")


@dataclass(frozen=True)
class Bucket:
    value: str  # "2024", "2024-11" or "2024-11-05"
    count: int
    total: int  # all archive articles in the period
    start: str  # first day of the period, ISO
    end: str  # last day of the period, ISO

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    def to_dict(self) -> dict:
        return {"value": self.value, "count": self.count, "total": self.total,
                "share": round(self.share, 6), "from": self.start, "to": self.end}


def _key(days: np.ndarray, interval: str) -> np.ndarray:
    return {"year": days // 10000, "month": days // 100, "day": days}[interval]


def choose_interval(first: int, last: int) -> str:
    """Years for spans over three years, months over three months, else days."""
    if not first:
        return "year"
    span_days = (last // 10000 - first // 10000) * 365 + (last // 100 % 100 - first // 100 % 100) \
        * 30 + (last % 100 - first % 100)
    return "year" if span_days > 3 * 365 else "month" if span_days > 92 else "day"


def _label(key: int, interval: str) -> tuple[str, str, str]:
    from calendar import monthrange
    if interval == "year":
        return f"{key:04d}", f"{key:04d}-01-01", f"{key:04d}-12-31"
    if interval == "month":
        year, month = divmod(key, 100)
        last = monthrange(year, month)[1]
        return f"{year:04d}-{month:02d}", f"{year:04d}-{month:02d}-01", \
            f"{year:04d}-{month:02d}-{last:02d}"
    text = f"{key // 10000:04d}-{key // 100 % 100:02d}-{key % 100:02d}"
    return text, text, text


def _periods(first: int, last: int, interval: str) -> list[int]:
    """Every period key from ``first`` to ``last`` (yyyymmdd), gaps included."""
    from datetime import date, timedelta
    if interval == "year":
        return list(range(first // 10000, last // 10000 + 1))
    if interval == "month":
        keys, year, month = [], first // 10000, first // 100 % 100
        while year * 100 + month <= last // 100:
            keys.append(year * 100 + month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return keys
    day = date(first // 10000, first // 100 % 100, first % 100)
    end = date(last // 10000, last // 100 % 100, last % 100)
    if (end - day).days > MAX_DAY_BUCKETS:
        raise QueryError("A daily timeline covers at most ten years; use interval=month or "
                         "interval=year, or narrow the dates.", "interval")
    keys = []
    while day <= end:
        keys.append(day.year * 10000 + day.month * 100 + day.day)
        day += timedelta(days=1)
    return keys


def timeline(snapshot: Snapshot, request: SearchRequest, queries: list[str],
             interval: str | None = None) -> dict:
    """One series per query (the request's filters apply to all)."""
    queries = queries or [request.q]
    if len(queries) > MAX_SERIES:
        raise QueryError(f"At most {MAX_SERIES} queries can be compared.", "q")
    if interval not in (None, *INTERVALS):
        raise QueryError(f"interval must be one of {', '.join(INTERVALS)}.", "interval")
    days = snapshot.facets.days
    matches = [counted_docnums(snapshot, prepare(snapshot, replace(request, q=q)), request)
               for q in queries]
    dated = [days[m][days[m] > 0] for m in matches]
    every = np.concatenate(dated) if dated else np.array([], dtype=np.int32)
    first = _bound(request.date_from, every, np.min)
    last = _bound(request.date_to, every, np.max)
    interval = interval or choose_interval(first, last)
    archive_days = days[days > 0]
    archive_keys, archive_counts = np.unique(_key(archive_days, interval), return_counts=True)
    archive = dict(zip(archive_keys.tolist(), archive_counts.tolist()))
    periods = _periods(first, last, interval) if first else []
    series = []
    for q, found, docs in zip(queries, dated, matches):
        keys, counts = np.unique(_key(found, interval), return_counts=True)
        by_key = dict(zip(keys.tolist(), counts.tolist()))
        buckets = []
        for key in periods:
            value, start, end = _label(key, interval)
            buckets.append(Bucket(value, by_key.get(key, 0), archive.get(key, 0), start, end))
        series.append({"q": q, "total": int(docs.size), "undated": int(docs.size - found.size),
                       "buckets": buckets})
    return {"interval": interval, "counting": "clusters" if request.collapse else "articles",
            "series": series}


def _bound(day, found: np.ndarray, pick) -> int:
    if day is not None:
        return day.year * 10000 + day.month * 100 + day.day
    return int(pick(found)) if found.size else 0
