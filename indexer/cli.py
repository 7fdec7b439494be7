"""The ``newsindex`` command: build, update, inspect, search and serve an index.

Every admin operation is here, on the command line, and none is reachable
over HTTP.  Exit codes: 0 success, 1 the work could not be done (message on
stderr), 2 usage errors (from Click).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
from datetime import date

import click

from indexer.reading.corpus import Problem
from indexer.searching.query import QueryError
from indexer.searching.search import Archive, SearchRequest, search
from indexer.writing.build import BuildReport, build, update
from indexer.writing.consolidate import consolidate
from indexer.writing.posting_arrays import add_to_live
from indexer.writing.store import KEEP_GENERATIONS, IndexStore, describe_failure
from indexer.writing.tiers import TARGET_DOCS
from indexer.writing.verify import verify

DEFAULT_INDEX = os.environ.get("NEWSINDEX_DIR", "index")

index_option = click.option(
    "--index", "index_dir", default=DEFAULT_INDEX, show_default=True,
    type=click.Path(file_okay=False), help="Index directory (env NEWSINDEX_DIR).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Full-text search for German news archives."""


def _problem_printer(verbose: bool):
    def show(problem: Problem) -> None:
        if verbose or problem.severity == "error":
            click.echo(str(problem), err=True)
    return show


def _finish(report: BuildReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        click.echo(report.summary())


def _clear_errors(func):
    """Turn failures into one clear line on stderr and exit code 1.

    A held lock, a missing or damaged index, a full disk or a read-only
    directory each say what to do; any other error met while the index
    is used is reported against its generation, naming the file that
    differs from the manifest if one does.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except click.ClickException:
            raise
        except Exception as exc:
            store = IndexStore(kwargs["index_dir"])
            raise click.ClickException(describe_failure(store, exc)) from None
    return wrapper


keep_option = click.option(
    "--keep-generations", "keep", type=click.IntRange(min=1), show_default=True,
    default=lambda: int(os.environ.get("NEWSINDEX_KEEP_GENERATIONS", KEEP_GENERATIONS)),
    help="Generations kept on disk, the new one included (env NEWSINDEX_KEEP_GENERATIONS); "
         "searches can be pinned to any of them.")


@main.command("build")
@index_option
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--wait", default=0.0, show_default=True,
              help="Seconds to wait for another writer to finish.")
@click.option("--verbose", "-v", is_flag=True, help="Also print warnings.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--consolidate/--no-consolidate", "merge", default=True, show_default=True,
              help="Merge the written segments into few large ones before swapping in.")
@click.option("--target-docs", type=click.IntRange(min=1), default=TARGET_DOCS,
              show_default=True, help="Articles per merged segment, at most.")
@keep_option
@_clear_errors
def build_command(index_dir, paths, wait, verbose, as_json, merge, target_docs, keep):
    """Build a fresh index from PATHS and swap it in atomically."""
    report = build(IndexStore(index_dir), list(paths), progress=True,
                   on_problem=_problem_printer(verbose), wait=wait, keep=keep,
                   merge_to=target_docs if merge else None)
    _finish(report, as_json)


@main.command("update")
@index_option
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--delete-missing", is_flag=True,
              help="Remove articles that are no longer in PATHS.")
@click.option("--wait", default=0.0, show_default=True,
              help="Seconds to wait for another writer to finish.")
@click.option("--verbose", "-v", is_flag=True, help="Also print warnings.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@keep_option
@_clear_errors
def update_command(index_dir, paths, delete_missing, wait, verbose, as_json, keep):
    """Add new, replace changed and optionally delete vanished articles."""
    report = update(IndexStore(index_dir), list(paths), delete_missing=delete_missing,
                    progress=True, on_problem=_problem_printer(verbose), wait=wait, keep=keep)
    _finish(report, as_json)


@main.command("consolidate")
@index_option
@click.option("--target-docs", type=click.IntRange(min=1), default=TARGET_DOCS,
              show_default=True,
              help="Smaller segments are merged into segments of up to this many articles.")
@click.option("--wait", default=0.0, show_default=True,
              help="Seconds to wait for another writer to finish.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@keep_option
@_clear_errors
def consolidate_command(index_dir, target_docs, wait, as_json, keep):
    """Merge the segments into few large ones (without deleted articles), as a new generation.

    Searches go on meanwhile; the server swaps to the new generation as after an update.
    """
    report = consolidate(IndexStore(index_dir), target_docs=target_docs, wait=wait, keep=keep)
    click.echo(json.dumps(report.to_dict()) if as_json else report.summary())


@main.command("posting-arrays")
@index_option
@click.option("--wait", default=0.0, show_default=True,
              help="Seconds to wait for another writer to finish.")
@click.option("--processes", type=click.IntRange(min=1), default=lambda: os.cpu_count() or 1,
              show_default="one per core", help="Segments read at the same time.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@keep_option
@_clear_errors
def posting_arrays_command(index_dir, wait, processes, as_json, keep):
    """Write the arrays of frequent terms for every segment that lacks them, as a new generation.

    Builds, updates and consolidations write them for the segments they
    make; this adds them to an index written before they existed, so that
    common words are matched without decoding word positions.
    """
    report = add_to_live(IndexStore(index_dir), wait=wait, keep=keep, processes=processes)
    click.echo(json.dumps(report.to_dict()) if as_json else report.summary())


@main.command("verify")
@index_option
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--deep", is_flag=True,
              help="Compare every byte of every file with its checksum (reads the whole index).")
@_clear_errors
def verify_command(index_dir, paths, deep):
    """Check the index's files, that it opens, and that it matches the corpus at PATHS.

    Every file must have the size and modification time it was published
    with (with --deep: the same SHA-256); with PATHS, ids and content must
    match the corpus.  Exit code 1 lists what differs.
    """
    report = verify(IndexStore(index_dir), list(paths) or None, deep=deep)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        sys.exit(1)


@main.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@_clear_errors
def stats_command(index_dir, as_json):
    """Documents, date range, top entities and size of the index."""
    snapshot = Archive(index_dir).snapshot()
    facets = snapshot.facets
    days = facets.days[facets.days > 0]
    size = sum(f.stat().st_size for f in snapshot.generation.path.iterdir() if f.is_file())
    everything = _all_docnums(snapshot)
    stats = {
        "generation": snapshot.generation.name,
        "documents": snapshot.doc_count,
        "first_date": _day(int(days.min())) if days.size else None,
        "last_date": _day(int(days.max())) if days.size else None,
        "size_bytes": size,
        "generations": IndexStore(index_dir).disk_usage(),
        "top": {name: [[v.value, v.count] for v in facets.facet(name, everything, limit=5)]
                for name in ("persons", "places", "orgs", "section", "source")},
    }
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(f"index      {index_dir} ({stats['generation']})")
    click.echo(f"documents  {stats['documents']:,}")
    click.echo(f"dates      {stats['first_date']} … {stats['last_date']}")
    click.echo(f"size       {size / 1e6:.1f} MB")
    for kept in stats["generations"]:
        documents = f"{kept['documents']:,}" if kept["documents"] is not None else "?"
        click.echo(f"kept       {kept['generation']}: {documents} documents, "
                   f"{kept['bytes'] / 1e6:.1f} MB, {kept['own_bytes'] / 1e6:.1f} MB of its own")
    for name, values in stats["top"].items():
        shown = ", ".join(f"{v} ({c})" for v, c in values) or "–"
        click.echo(f"{name:<10} {shown}")


def _all_docnums(snapshot):
    import numpy as np
    reader = snapshot.searcher.reader()
    return np.fromiter(reader.all_doc_ids(), dtype=np.int64)


def _day(value: int) -> str:
    return date(value // 10000, value // 100 % 100, value % 100).isoformat()


@main.command("search")
@index_option
@click.argument("query")
@click.option("--size", default=10, show_default=True)
@click.option("--page", default=1, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date", "-date"]), default="relevance")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
@_clear_errors
def search_command(index_dir, query, size, page, sort, as_json):
    """Search the index and print ranked results with snippets."""
    snapshot = Archive(index_dir).snapshot()
    try:
        result = search(snapshot, SearchRequest(q=query, size=size, page=page, sort=sort))
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    width = shutil.get_terminal_size((100, 20)).columns
    click.echo(f"{result.total:,} Treffer für {query!r} ({result.took_ms:.0f} ms)")
    if result.suggestion:
        click.echo(f"Meinten Sie: {result.suggestion}")
    for rank, hit in enumerate(result.hits, start=(page - 1) * size + 1):
        when = (hit.date or "")[:10]
        click.echo()
        click.secho(f"{rank:>3}. {_terminal(hit.title_html)}", bold=True)
        click.echo(f"     {when}  {hit.source or ''}  [{hit.id}]")
        for snippet in hit.snippets[:2]:
            click.echo("     " + _terminal(snippet)[: width - 6])


def _terminal(html: str) -> str:
    """Snippet HTML for a terminal: marks in bold, entities unescaped."""
    from html import unescape
    start, end = ("\x1b[1m", "\x1b[0m") if sys.stdout.isatty() else ("[", "]")
    text = html.replace("<mark>", start).replace("</mark>", end)
    return unescape(text.replace("\n", " "))


@main.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@_clear_errors
def serve_command(index_dir, host, port, threads):
    """Serve the search site and JSON API with the production server (waitress)."""
    import waitress

    from web import create_app
    app = create_app({"INDEX_DIR": index_dir})
    health = app.extensions["archive"].health()  # opens the index before the first request
    if health["state"] == "unavailable":
        raise click.ClickException(health["problem"])
    if health["state"] == "degraded":
        click.echo(f"Warning: {health['problem']}; serving {health['generation']} instead",
                   err=True)
    click.echo(f"Serving {index_dir} ({health['generation']}, {health['documents']:,} "
               f"articles) on http://{host}:{port}/  (Ctrl+C stops)")
    waitress.serve(app, host=host, port=port, threads=threads, ident="newsindex")


if __name__ == "__main__":
    main()
