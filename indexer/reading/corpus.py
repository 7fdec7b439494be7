"""Corpus readers: files on disk to :class:`~indexer.reading.documents.Document` records.

Three formats are read, chosen by file extension:

* ``.txt`` -- the archive's plain-text format.  The first line is
  `` date YYYY-MM <title> Stand: DD.MM.YYYY HH:MM Uhr`` and the body follows
  as paragraphs separated by blank lines.  The timestamp is Europe/Berlin.
* ``.jsonl`` / ``.ndjson`` -- one JSON object per line with ``id``, ``title``,
  ``date`` (ISO 8601), ``source``, ``section``, ``url`` and ``body``; only
  ``body`` is required.
* ``.csv`` -- a header row naming the same columns.

Readers never raise on bad input.  They yield :class:`Problem` records next to
the documents, each naming the file and line and a reason, so a build can
report them and carry on with everything that is good.  A problem with
severity ``"warning"`` accompanies a document that is still indexed (without
the broken field); an ``"error"`` means the record was skipped.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Iterable, Iterator, Union
from zoneinfo import ZoneInfo

from indexer.reading.documents import Document

BERLIN = ZoneInfo("Europe/Berlin")

#: Articles larger than this are truncated (and reported), so one runaway
#: file cannot exhaust the writer's memory.
MAX_ARTICLE_CHARS = 2_000_000
#: Dates outside this window are treated as typos and dropped (and reported).
EARLIEST_DATE = datetime(1800, 1, 1, tzinfo=timezone.utc)
LATEST_DATE_YEARS_AHEAD = 1

FIELDS = ("id", "title", "date", "source", "section", "url", "body")
TEXT_EXTENSIONS = {".txt"}
JSONL_EXTENSIONS = {".jsonl", ".ndjson"}
CSV_EXTENSIONS = {".csv"}
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | JSONL_EXTENSIONS | CSV_EXTENSIONS


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input record, reported and then skipped."""

    kind: str  # short machine-readable category, e.g. "invalid-json"
    origin: str  # "path" or "path:line"
    reason: str
    severity: str = "error"  # "error": record skipped; "warning": indexed anyway

    def __str__(self) -> str:
        return f"{self.origin}: {self.severity}: {self.reason}"


Item = Union[Document, Problem]

_HEADER = re.compile(
    r"^\s*date\s+(?P<ym>\d{4}-\d{2})\s+(?P<title>.*?)"
    r"(?:\s+Stand:\s*(?P<stand>\d{1,2}\.\d{1,2}\.\d{4})(?:,?\s+(?P<clock>\d{1,2}:\d{2})\s*Uhr)?)?\s*$"
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LETTER = re.compile(r"[^\W\d_]")


# --------------------------------------------------------------------------
# Walking paths


def read_paths(paths: Iterable[str | os.PathLike]) -> Iterator[Item]:
    """Read every supported file under ``paths`` (files or directories)."""
    for path in iter_files(paths):
        yield from read_file(path)


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Problem]:
    """Yield supported files under ``paths`` in a stable order.

    Directories are walked recursively, following symbolic links but never
    visiting a directory twice (so link loops end).  Hidden files are passed
    over; unsupported extensions and unreadable entries become problems.
    """
    seen_dirs: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, seen_dirs)
        elif path.is_file():
            yield path if _supported(path) else _unsupported(path)
        else:
            yield Problem("missing-path", str(path), "no such file or directory")


def _walk(root: Path, seen_dirs: set[tuple[int, int]]) -> Iterator[Path | Problem]:
    try:
        stat = root.stat()
    except OSError as exc:
        yield Problem("unreadable", str(root), f"cannot read directory: {exc.strerror or exc}")
        return
    key = (stat.st_dev, stat.st_ino)
    if key in seen_dirs:
        yield Problem(
            "link-loop", str(root), "directory already visited (symbolic link loop?)", "warning"
        )
        return
    seen_dirs.add(key)
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        yield Problem("unreadable", str(root), f"cannot read directory: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows links
            is_file = entry.is_file()
        except OSError as exc:
            yield Problem("unreadable", str(path), f"cannot read: {exc.strerror or exc}")
            continue
        if is_dir:
            yield from _walk(path, seen_dirs)
        elif is_file:
            if _supported(path):
                yield path
            elif path.suffix.lower() not in {".md", ".gitkeep"}:
                yield _unsupported(path)
        else:
            yield Problem("unreadable", str(path), "broken symbolic link or special file")


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_EXTENSIONS


def _unsupported(path: Path) -> Problem:
    known = ", ".join(sorted(SUPPORTED_EXTENSIONS))
    return Problem(
        "unsupported-type", str(path), f"unsupported file type (expected one of {known})", "warning"
    )


def read_file(path: Path | Problem) -> Iterator[Item]:
    """Read one file of any supported format."""
    if isinstance(path, Problem):
        yield path
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_EXTENSIONS:
        yield from read_jsonl(path)
    elif suffix in CSV_EXTENSIONS:
        yield from read_csv(path)
    else:
        yield from read_text_article(path)


# --------------------------------------------------------------------------
# Decoding


NUL = b"\x00"


class _Undecodable(Exception):
    def __init__(self, message: str, kind: str = "invalid-encoding") -> None:
        super().__init__(message)
        self.kind = kind


def decode_bytes(data: bytes, path: str, first_line: int = 1) -> tuple[str, list[Problem]]:
    """Decode the bytes of ``path`` starting at line ``first_line``: UTF-8 (with
    or without BOM), UTF-16 with BOM, or, as a reported fallback,
    Windows-1252.  Binary data is refused."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise _Undecodable(f"invalid UTF-16 at byte {exc.start}") from None
    if NUL in data:
        raise _Undecodable(f"binary data (NUL byte at offset {data.index(NUL)})", "binary")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise _Undecodable(f"invalid UTF-8 at byte {utf8_error.start}") from None
    if _looks_binary(text):
        raise _Undecodable(f"invalid UTF-8 at byte {utf8_error.start}")
    line = first_line + data.count(b"\n", 0, utf8_error.start)
    warning = Problem(
        "encoding-fallback",
        f"{path}:{line}",
        "not valid UTF-8; decoded as Windows-1252",
        "warning",
    )
    return text, [warning]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 1000)


def _read_bytes(path: Path) -> bytes | Problem:
    try:
        return path.read_bytes()
    except OSError as exc:
        return Problem("unreadable", str(path), f"cannot read file: {exc.strerror or exc}")


# --------------------------------------------------------------------------
# Plain-text articles


def read_text_article(path: Path) -> Iterator[Item]:
    """Read one article in the archive's plain-text format."""
    data = _read_bytes(path)
    if isinstance(data, Problem):
        yield data
        return
    try:
        text, problems = decode_bytes(data, str(path))
    except _Undecodable as exc:
        yield Problem(exc.kind, str(path), str(exc))
        return
    yield from problems
    yield from parse_text_article(text, origin=str(path), doc_id=path.stem)


def parse_text_article(text: str, origin: str, doc_id: str = "") -> Iterator[Item]:
    """Parse the text of a plain-text article (header line, then paragraphs)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        yield Problem("empty-body", origin, "empty file")
        return
    first, _, rest = text.lstrip("\n").partition("\n")
    match = _HEADER.match(first)
    title, published = "", None
    if match:
        title = match.group("title").strip()
        published, problem = _header_date(match, f"{origin}:1")
        if problem:
            yield problem
    else:
        # No header: the first line is the honest best guess for a title.
        yield Problem(
            "no-header",
            f"{origin}:1",
            "first line is not a 'date YYYY-MM ... Stand: ...' header; indexed without a date",
            "warning",
        )
        title = first.strip()
    body = _normalise_body(rest)
    if not _has_words(body):
        yield Problem("empty-body", f"{origin}:2", _empty_reason(body, "empty body"))
        return
    body, problems = _limit_body(body, origin)
    yield from problems
    yield Document(body=body, title=title, id=doc_id, date=published, origin=origin)


def _has_words(text: str) -> bool:
    """Whether ``text`` has a letter at all (``12345`` or ``+++`` is no article)."""
    return bool(_LETTER.search(text))


def _empty_reason(body: str, if_empty: str) -> str:
    return f"body has no words, only {body[:40]!r}" if body else if_empty


def _header_date(match: re.Match, origin: str) -> tuple[datetime | None, Problem | None]:
    year, month = (int(p) for p in match.group("ym").split("-"))
    stand, clock = match.group("stand"), match.group("clock") or "00:00"
    try:
        if stand:
            day_s, month_s, year_s = stand.split(".")
            hour, minute = (int(p) for p in clock.split(":"))
            value = datetime(int(year_s), int(month_s), int(day_s), hour, minute, tzinfo=BERLIN)
        else:
            value = datetime(year, month, 1, tzinfo=BERLIN)
    except ValueError as exc:
        return None, Problem(
            "bad-date", origin, f"unparseable date ({exc}); indexed without a date", "warning"
        )
    return _plausible_date(value, origin)


def _normalise_body(text: str) -> str:
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text.strip()))
    return "\n\n".join(p for p in paragraphs if p)


def _limit_body(body: str, origin: str) -> tuple[str, list[Problem]]:
    if len(body) <= MAX_ARTICLE_CHARS:
        return body, []
    cut = body.rfind(" ", 0, MAX_ARTICLE_CHARS)
    cut = cut if cut > MAX_ARTICLE_CHARS // 2 else MAX_ARTICLE_CHARS
    note = Problem(
        "truncated",
        origin,
        f"body of {len(body):,} characters truncated to {MAX_ARTICLE_CHARS:,}",
        "warning",
    )
    return body[:cut], [note]


# --------------------------------------------------------------------------
# Structured records (JSON Lines and CSV)


def read_jsonl(path: Path) -> Iterator[Item]:
    """Read a JSON Lines file, one article per line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Problem("unreadable", str(path), f"cannot read file: {exc.strerror or exc}")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            origin = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                line, problems = decode_bytes(raw, str(path), number)
            except _Undecodable as exc:
                yield Problem(exc.kind, origin, str(exc))
                continue
            yield from problems
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Problem(
                    "invalid-json", origin, f"invalid JSON ({exc.msg} at column {exc.colno})"
                )
                continue
            if not isinstance(record, dict):
                yield Problem(
                    "invalid-json", origin, f"expected a JSON object, got {type(record).__name__}"
                )
                continue
            yield from record_to_document(record, origin)


def read_csv(path: Path) -> Iterator[Item]:
    """Read a CSV file whose header row names the article fields."""
    data = _read_bytes(path)
    if isinstance(data, Problem):
        yield data
        return
    try:
        text, problems = decode_bytes(data, str(path))
    except _Undecodable as exc:
        yield Problem(exc.kind, str(path), str(exc))
        return
    yield from problems
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        yield Problem("invalid-csv", f"{path}:1", f"unreadable CSV header ({exc})")
        return
    if "body" not in header:
        yield Problem(
            "invalid-csv",
            f"{path}:1",
            f"CSV header has no 'body' column (columns: {', '.join(FIELDS)}); file skipped",
        )
        return
    while True:
        origin = f"{path}:{reader.line_num + 1}"  # the line this row starts on
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield Problem("invalid-csv", origin, f"malformed CSV row ({exc})")
            break  # the csv module cannot resynchronise after a broken quote
        if None in row:
            yield Problem("invalid-csv", origin, "row has more fields than the header")
            continue
        yield from record_to_document(row, origin)


def record_to_document(record: dict, origin: str) -> Iterator[Item]:
    """Validate one JSON/CSV record and turn it into a Document."""
    values: dict[str, str] = {}
    for name in ("id", "title", "source", "section", "url", "body"):
        value = record.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            if name == "body":
                yield Problem("invalid-field", origin, "field 'body' must be a string")
                return
            yield Problem(
                "invalid-field", origin, f"field '{name}' must be a string; ignored", "warning"
            )
            continue
        values[name] = str(value).strip() if name != "body" else str(value)
    body = _normalise_body(values.pop("body", ""))
    if not _has_words(body):
        yield Problem("empty-body", origin, _empty_reason(body, "missing or empty 'body'"))
        return
    published = None
    if record.get("date") not in (None, ""):
        published, problem = parse_iso_date(record["date"], origin)
        if problem:
            yield problem
    body, problems = _limit_body(body, origin)
    yield from problems
    yield Document(body=body, date=published, origin=origin, **values)


def parse_iso_date(value: object, origin: str) -> tuple[datetime | None, Problem | None]:
    """Parse an ISO 8601 date or datetime; naive values are Europe/Berlin."""
    if not isinstance(value, str):
        return None, Problem(
            "bad-date", origin, f"date {value!r} is not a string; indexed without a date", "warning"
        )
    text = value.strip()
    try:
        if len(text) == 10:
            parsed = datetime.combine(date.fromisoformat(text), time())
        else:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None, Problem(
            "bad-date",
            origin,
            f"unparseable date {value!r} (expected ISO 8601 such as "
            "2024-11-01 or 2024-11-01T15:53:00+01:00); indexed without a date",
            "warning",
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BERLIN)
    return _plausible_date(parsed, origin)


def _plausible_date(value: datetime, origin: str) -> tuple[datetime | None, Problem | None]:
    now = datetime.now(timezone.utc)
    latest = now.replace(year=now.year + LATEST_DATE_YEARS_AHEAD)
    if value < EARLIEST_DATE or value > latest:
        return None, Problem(
            "bad-date",
            origin,
            f"implausible date {value.date().isoformat()} "
            "(before 1800 or in the future); indexed without a date",
            "warning",
        )
    return value, None
