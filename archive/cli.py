"""The `archive` command: extract, index, watch, search, export, watchlist, serve, app (the desktop program), ner.

Every ArchiveError becomes one clean line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from archive.config import Settings
from archive.errors import ArchiveError
from archive.names import printable

F = TypeVar("F", bound=Callable[..., Any])
err = Console(stderr=True, highlight=False, soft_wrap=True)
NER_BATCH_LINES = 256


def clean_errors(func: F) -> F:
    """Turn archive errors into one line and exit status 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ArchiveError as exc:
            raise click.ClickException(exc.message) from exc

    return wrapper  # type: ignore[return-value]


def index_option(func: F) -> F:
    """`--index DIR`, defaulting to ARCHIVE_INDEX or ./index."""
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Index directory (default: $ARCHIVE_INDEX or ./index).",
    )(func)


def facet_options(func: F) -> F:
    """`--country`, `--topic`, … one repeatable option per facet in the registry."""
    from archive.facets import REGISTRY

    for facet in reversed(REGISTRY):
        func = click.option(f"--{facet.name}", multiple=True, help=f"{facet.help} (repeatable: any of them).")(func)
    return func


@click.group()
@click.version_option(package_name="news-archive")
def main() -> None:
    """A searchable news archive: index articles, then search and browse them."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article (JSON Lines).")
@index_option
@clean_errors
def extract(paths: tuple[Path, ...], as_json: bool, index_dir: Path | None) -> None:
    """Parse and enrich articles from PATHS and print them, without indexing.

    Topics come from the same terms `index` would use: <index>/topics.toml over the bundled ones, and ids
    those `archive index PATHS` would give (relative to the folders named).
    """
    from archive.ingest.enrich.pipeline import Enricher
    from archive.ingest.identity import relink, with_stable_id
    from archive.ingest.readers.formats import Found, iter_files, read_file
    from archive.names import resolved, stored_name

    settings = Settings.from_env(index_dir=index_dir)
    enricher = Enricher(settings.spacy_model, settings.topics_file)
    failed = False
    found = Found()
    roots = [stored_name(resolved(path)) for path in paths if path.exists()]

    def tell(error: ArchiveError) -> None:
        nonlocal failed
        failed = failed or not error.skipped
        label = "[yellow]skipped[/]" if error.skipped else "[red]failed[/]"
        err.print(label, error.message, markup=True, highlight=False)

    for path in iter_files(paths, found):
        while found.problems:
            tell(found.problems.pop(0))
        result = read_file(path, max_bytes=settings.max_file_bytes)
        for error in result.errors:
            tell(error)
        articles = relink(result.articles, [with_stable_id(a, roots) for a in result.articles])
        for article in enricher.enrich(articles):
            data = article.to_dict()
            if as_json:
                click.echo(json.dumps(data, ensure_ascii=False))
            else:
                click.echo(_describe(data))
    for problem in found.problems:
        tell(problem)
    if found.not_read:
        err.print(found.not_read_summary(), highlight=False)
    if failed:
        sys.exit(1)


def _describe(article: dict[str, Any]) -> str:
    """A few readable lines about an extracted article."""
    ents = article["entities"]
    lines = [
        article["headline"] + (" (derived)" if article["headline_derived"] else ""),
        f"  source:    {printable(article['source'])}",
        f"  byline:    {article['byline'] or '-'}   dateline: {article['dateline']['place'] or '-'}",
        f"  published: {article['published'] or '-'}",
        f"  countries: {', '.join(article['countries']) or '-'}   topics: {', '.join(article['topics']) or '-'}",
        f"  people:    {', '.join(ents['people'][:8]) or '-'}",
        f"  orgs:      {', '.join(ents['organizations'][:8]) or '-'}",
    ]
    return "\n".join(lines) + "\n"


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
@click.option("--keep-missing", is_flag=True, help="Keep articles whose files are gone from the named folders.")
@clean_errors
def index(paths: tuple[Path, ...], index_dir: Path | None, keep_missing: bool) -> None:
    """Add new, update changed and skip unchanged articles from PATHS (files or folders)."""
    from archive.ingest.enrich.pipeline import ENRICHMENT_VERSION, Enricher
    from archive.ingest.indexer import WRITER_WAIT, Indexer
    from archive.ingest.indexer import Progress as Callbacks
    from archive.store.damage import index_errors

    settings = Settings.from_env(index_dir=index_dir)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[files]} files, {task.fields[articles]} articles, {task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    started = time.monotonic()
    with Progress(*columns, console=err, transient=False, disable=not err.is_terminal) as bar:
        task = bar.add_task("indexing", total=None, files="0", articles=0, rate="")
        done = {"files": 0, "articles": 0}

        def start(files: int, total_bytes: int) -> None:
            bar.update(task, total=total_bytes or 1)
            done["total_files"] = files

        def file_done(path: Path, size: int, articles: int) -> None:
            done["files"] += 1
            done["articles"] += articles
            rate = done["articles"] / max(time.monotonic() - started, 1e-6)
            fields = {"files": f"{done['files']}/{done['total_files']}", "articles": done["articles"]}
            bar.update(task, advance=size, rate=f"{rate:,.0f}/s", **fields)

        def error(problem: ArchiveError) -> None:
            label = "[yellow]skipped[/]" if problem.skipped else "[red]failed[/]"
            bar.console.print(label, problem.message, markup=True, highlight=False)

        with index_errors(settings.index_dir, writing=False, lock_wait=WRITER_WAIT):
            indexer = Indexer(
                settings,
                enricher_factory=lambda: Enricher(settings.spacy_model, settings.topics_file),
                enrichment_version=ENRICHMENT_VERSION,
                progress=Callbacks(start=start, file_done=file_done, error=error),
            )
            stats = indexer.run(paths, remove_missing=not keep_missing)
            if stats.indexed or stats.updated or stats.removed:
                from archive.search import prepare

                prepare(indexer.ix)  # the web app's first search reads the entity view instead of building it
    elapsed = time.monotonic() - started
    err.print(f"{stats.summary()} in {elapsed:.1f}s -> {printable(str(settings.index_dir))}", highlight=False)
    if stats.failed:
        sys.exit(1)


@main.command()
@index_option
@clean_errors
def retag(index_dir: Path | None) -> None:
    """Recompute every indexed article's topics from the topic terms (<index>/topics.toml over the bundled ones).

    Run it after editing topics.toml: sources are not re-read and NER does not run again. It also reads the
    abbreviations defined in articles indexed before the archive read them (entity corrections in
    entities.toml need no retag: they apply as the archive is read).
    """
    from archive.ingest.indexer import WRITER_WAIT
    from archive.ingest.retag import retag as retag_index
    from archive.store.damage import index_errors

    settings = Settings.from_env(index_dir=index_dir)
    started = time.monotonic()
    with index_errors(settings.index_dir, writing=False, lock_wait=WRITER_WAIT):
        count = retag_index(settings)
    err.print(
        f"{count} articles re-tagged in {time.monotonic() - started:.1f}s -> {settings.index_dir}", highlight=False
    )


@main.command("check")
@index_option
@clean_errors
def check_command(index_dir: Path | None) -> None:
    """Verify the index: every segment reads through, and the columns agree with it (exit 1 if not)."""
    from archive.store import open_index
    from archive.store.check import check_index

    settings = Settings.from_env(index_dir=index_dir)
    shown = printable(str(settings.index_dir))
    problems = check_index(settings.index_dir)
    for problem in problems:
        err.print(f"{shown}: {printable(problem)}", highlight=False)
    if problems:
        err.print(f"{len(problems)} problem(s); `archive rebuild --index {shown}` rebuilds it", highlight=False)
        sys.exit(1)
    with open_index(settings.index_dir).searcher() as searcher:
        err.print(f"{shown}: sound, {searcher.doc_count()} documents", highlight=False)


@main.command("rebuild")
@index_option
@clean_errors
def rebuild_command(index_dir: Path | None) -> None:
    """Rebuild a damaged index from the stored articles that still read; the damaged folder is kept beside it.

    What cannot be recovered is listed: index the source folders again to bring it back.
    """
    from archive.ingest.rebuild import rebuild_index
    from archive.store.damage import index_errors

    settings = Settings.from_env(index_dir=index_dir)
    with index_errors(settings.index_dir):
        rebuilt = rebuild_index(settings.index_dir)
    for line in rebuilt.lost:
        err.print(f"not recovered: {printable(line)}", highlight=False)
    err.print(
        f"{rebuilt.recovered} articles recovered ({rebuilt.copies} of them exact copies) -> "
        f"{printable(str(settings.index_dir))}; the damaged index is kept in {printable(str(rebuilt.backup))}",
        highlight=False,
    )
    if rebuilt.lost:
        err.print("index the source folders again (`archive index PATH`) to bring back what was lost", highlight=False)


@main.command("watch")
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, exists=True, path_type=Path))
@index_option
@click.option(
    "--interval", default=2.0, show_default=True, type=click.FloatRange(0.1, 3600), help="Seconds between scans."
)
@click.option("--keep-missing", is_flag=True, help="Keep articles whose files are removed.")
@click.option("--until-stdin-closes", is_flag=True, hidden=True, help="Stop when standard input ends (`archive app`).")
@clean_errors
def watch_command(
    folders: tuple[Path, ...], index_dir: Path | None, interval: float, keep_missing: bool, until_stdin_closes: bool
) -> None:
    """Keep the index in step with FOLDERS: new, changed and removed files within seconds (Ctrl-C stops).

    Without FOLDERS, the archive's own sources (the folders added on its /sources page), as `archive app` does.
    """
    settings = Settings.from_env(index_dir=index_dir)
    if not folders:
        _watch_sources(settings, interval, until_stdin_closes)
        return
    from archive.ingest.enrich.pipeline import ENRICHMENT_VERSION
    from archive.ingest.indexer import Indexer
    from archive.ingest.indexer import Progress as Callbacks
    from archive.ingest.sources import shared_enricher
    from archive.ingest.watch import Changes, watch
    from archive.store.sources import record_sources

    record_sources(settings.index_dir, folders)  # what the web app's "Open original" may serve
    enricher = shared_enricher(settings)  # loaded on the first change, then kept for the whole watch

    def make_indexer() -> Indexer:
        return Indexer(
            settings,
            enricher_factory=enricher,
            enrichment_version=ENRICHMENT_VERSION,
            progress=Callbacks(error=lambda problem: err.print(problem.message, highlight=False)),
        )

    def report(changes: Changes, stats: Any) -> None:
        err.print(f"{time.strftime('%H:%M:%S')} {stats.summary()}", highlight=False)

    shown = ", ".join(printable(str(folder)) for folder in folders)
    err.print(f"watching {shown} -> {printable(str(settings.index_dir))} (Ctrl-C stops)", highlight=False)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # SIGTERM (kill, systemd, a job whose SIGINT is ignored) stops as Ctrl-C does

    signal.signal(signal.SIGTERM, stop)
    try:
        watch(
            list(folders),
            make_indexer,
            interval=interval,
            report=report,
            keep_missing=keep_missing,
            problem=lambda problem: err.print(problem.message, highlight=False),
        )
    except KeyboardInterrupt:
        err.print("stopped", highlight=False)


# Signals that mean "stop" where the system has them: Ctrl-C, kill/systemd, a closed terminal, Ctrl-Break (Windows).
STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK") if hasattr(signal, n))


def _watch_sources(settings: Settings, interval: float, until_stdin_closes: bool) -> None:
    """The sources of the index, kept indexed; a stop signal (or, under `archive app`, the end of standard input)
    ends it after the file being read, with everything read so far written."""
    import threading

    from archive.ingest.sources import SourceIndexer

    stopping = threading.Event()
    if until_stdin_closes:  # the app that started this process decides: it closes the pipe (or dies)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        threading.Thread(target=lambda: (sys.stdin.buffer.read(), stopping.set()), daemon=True).start()
    for signum in STOP_SIGNALS:
        if not (until_stdin_closes and signum == signal.SIGINT):
            signal.signal(signum, lambda signum, frame: stopping.set())
    say = lambda line: err.print(line, highlight=False, markup=False)  # noqa: E731
    if not until_stdin_closes:  # under `archive app`, the app's own lines say what is going on
        say(f"indexing the sources of {printable(str(settings.index_dir))} (add folders on its /sources page)")
    SourceIndexer(settings, say=say, should_stop=stopping.is_set).run(interval)
    say("indexer stopped")


def search_options(func: F) -> F:
    """The query argument, a filter option per facet, dates and sort: what `search` and `export` share."""
    func = click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance")(func)
    func = click.option("--to", "date_to", default=None, help="Published on or before this day (YYYY-MM-DD).")(func)
    func = click.option("--from", "date_from", default=None, help="Published on or after this day (YYYY-MM-DD).")(func)
    func = facet_options(func)
    return click.argument("query", required=False, default="")(func)


def search_request(query: str, sort: str, date_from: str | None, date_to: str | None, filters: dict, page: int = 1):
    """The command line's words and options as the same validated request the API builds."""
    from archive.search import SearchRequest

    params: dict[str, list[str]] = {k: list(v) for k, v in filters.items()}
    return SearchRequest.from_params(
        {"q": query, "sort": sort, "page": str(page), "from": date_from, "to": date_to}.get,
        lambda name: params.get(name, []),
    )


@main.command("search")
@search_options
@click.option("--page", type=click.IntRange(1, 10_000), default=1)
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as GET /api/search.")
@index_option
@clean_errors
def search_command(
    query: str,
    as_json: bool,
    index_dir: Path | None,
    sort: str,
    page: int,
    date_from: str | None,
    date_to: str | None,
    **filters: Any,
) -> None:
    """Search the archive (Whoosh query syntax: AND by default, "phrases", OR, NOT, field:value)."""
    from archive.search import search
    from archive.store import open_index
    from archive.store.damage import index_errors

    settings = Settings.from_env(index_dir=index_dir)
    request = search_request(query, sort, date_from, date_to, filters, page)
    with index_errors(settings.index_dir, writing=False):
        result = search(open_index(settings.index_dir), request)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    from archive.display import country_name
    from archive.facets import publisher

    for notice in result["notices"]:
        click.echo(f"note: {notice}")
    if result["suggestion"]:
        click.echo(f"did you mean: {result['suggestion']}")
    if result["operators"]:
        click.echo(f"search for {result['operators']} instead? (archive search {json.dumps(result['operators'])})")
    click.echo(f"{result['total']} stories (page {result['page']} of {result['pages']})")
    for hit in result["hits"]:
        date = (hit["published"] or "undated")[:10]
        source = publisher(hit["dateline"].get("agency"), hit["url"]) or hit["source"]
        click.echo(f"\n{hit['headline']}\n  {date}  {source}  {', '.join(hit['countries'])}  {hit['id']}")
        click.echo(f"  {plain_snippet(hit['snippet'])}")
    countries = ", ".join(f"{country_name(c)} {n}" for c, n in list(result["facets"]["country"].items())[:8])
    if countries:
        click.echo(f"\ncountries: {countries}")


def plain_snippet(snippet: str) -> str:
    """A hit's HTML snippet as one terminal line: tags gone, text unescaped, the matches bold (on a terminal)."""
    import html
    import re

    marked = re.sub(r"<mark[^>]*>(.*?)</mark>", lambda m: click.style(html.unescape(m.group(1)), bold=True), snippet)
    return printable(html.unescape(re.sub(r"<[^>]+>", "", marked)).replace("\n", " ")).replace("\\x1b", "\x1b")


@main.command("show")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as GET /api/articles/<id>.")
@index_option
@clean_errors
def show_command(article_id: str, as_json: bool, index_dir: Path | None) -> None:
    """Print one article: headline, date, source, text, entities, countries, topics and its other versions."""
    from archive.display import country_name, topic_label
    from archive.errors import BadParameter
    from archive.search import get_article, versions
    from archive.store import open_index
    from archive.store.annotations import Annotations
    from archive.store.damage import index_errors

    settings = Settings.from_env(index_dir=index_dir)
    kept = Annotations(settings.index_dir)
    with index_errors(settings.index_dir, writing=False):
        ix = open_index(settings.index_dir)
        article = get_article(ix, article_id)
        if article is None and (moved := kept.redirect(article_id)):  # an id the article had before
            article_id, article = moved, get_article(ix, moved)
        if article is None:
            raise BadParameter(f"no article with id {article_id}", subject="ID")
        others = versions(ix, article_id)
    marks = kept.of(article_id)
    if as_json:
        click.echo(json.dumps(article, ensure_ascii=False))
        return
    dateline = article.get("dateline") or {}
    lines = [
        article["headline"],
        "  ".join(filter(None, [(article.get("published") or "undated")[:19], article.get("byline"),
                                dateline.get("place"), dateline.get("agency")])),
        f"source: {article['source']}" + (f"  url: {article['url']}" if article.get("url") else ""),
        "",
        article["body"],
        "",
    ]  # fmt: skip
    entities = article.get("entities") or {}
    for key, title in (("people", "people"), ("organizations", "organisations"), ("places", "places")):
        if entities.get(key):
            lines.append(f"{title}: {', '.join(entities[key])}")
    if article.get("countries"):
        lines.append(f"countries: {', '.join(f'{country_name(c)} ({c})' for c in article['countries'])}")
    if article.get("topics"):
        lines.append(f"topics: {', '.join(topic_label(t) for t in article['topics'])}")
    if article.get("copy_of"):
        lines.append(f"an exact copy of {article['copy_of']}")
    if others:
        lines.append(f"other versions ({len(others)}):")
        lines += [f"  {(v['published'] or 'undated')[:10]}  {v['headline']}  {v['id']}" for v in others]
    if marks["starred"] or marks["tags"]:
        lines.append("starred" * marks["starred"] + ("; " if marks["starred"] and marks["tags"] else "")
                     + (f"tags: {', '.join(marks['tags'])}" if marks["tags"] else ""))  # fmt: skip
    if marks["collections"]:
        lines.append(f"collections: {', '.join(c['name'] for c in marks['collections'])}")
    lines += [f"note {n['created'][:16].replace('T', ' ')}: {n['text']}" for n in marks["notes"]]
    click.echo("\n".join(printable(line) if "\n" not in line else line for line in lines))


@main.command("watchlist")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File (default: stdout)."
)
@index_option
@clean_errors
def watchlist_command(file: Path, fmt: str, output: Path | None, index_dir: Path | None) -> None:
    """For each name in FILE (one a line, or CSV with a `name` column; `-` reads stdin): how many stories
    mention it, as an entity (its aliases too) or in the text, the latest of them and the search that finds them."""
    from archive.errors import UnreadableFile
    from archive.search.watchlist import csv_rows, read_names, watchlist
    from archive.store import open_index
    from archive.store.damage import index_errors

    settings = Settings.from_env(index_dir=index_dir)
    try:
        raw = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFile(str(getattr(exc, "strerror", None) or exc), subject=str(file)) from exc
    names = read_names(text, subject=str(file))
    with index_errors(settings.index_dir, writing=False):
        rows = watchlist(open_index(settings.index_dir), names)
    if fmt == "csv":
        lines = list(csv_rows(rows, settings.archive_url.rstrip("/") + "/search", bom=output is not None))
    elif fmt == "json":
        lines = [json.dumps(row, ensure_ascii=False) + "\n" for row in rows]
    else:
        width = max([len(row["name"]) for row in rows] + [4])
        lines = [f"{'name':<{width}}  stories  latest\n"]
        for row in rows:
            latest = row["latest"]
            when = ((latest["published"] or "undated")[:10] + "  " + latest["headline"]) if latest else "-"
            lines.append(printable(f"{row['name']:<{width}}  {row['stories']:>7}  {when}") + "\n")
    with click.open_file(str(output) if output else "-", "w", encoding="utf-8") as out:
        out.writelines(lines)
    err.print(f"{len(rows)} names, {sum(1 for r in rows if r['stories'])} found -> {output or 'stdout'}")


@main.command("export")
@search_options
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--versions", is_flag=True, help="Every version and exact copy of each story, not one per story.")
@click.option("--full-text", is_flag=True, help="CSV: a `text` column with each whole story, not its `lead`.")
@click.option(
    "--link-base",
    default=None,
    help="CSV: the archive's address for the `archive_link` column [default: $ARCHIVE_URL or http://127.0.0.1:5000].",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File (default: stdout)."
)
@index_option
@clean_errors
def export_command(
    query: str,
    fmt: str,
    versions: bool,
    full_text: bool,
    link_base: str | None,
    output: Path | None,
    index_dir: Path | None,
    sort: str,
    date_from: str | None,
    date_to: str | None,
    **filters: Any,
) -> None:
    """Write every story matching the search: JSON Lines in the `extract --json` shape (what `index` reads
    back without NER), or CSV (with a byte-order mark when written to a file, for Excel). With no query or
    filters, the whole archive: a backup or a move."""
    from archive.search.export import articles, csv_lines, rows
    from archive.store import open_index
    from archive.store.damage import index_errors

    settings = Settings.from_env(index_dir=index_dir)
    request = search_request(query, sort, date_from, date_to, filters)
    count = 0
    with index_errors(settings.index_dir, writing=False):
        ix = open_index(settings.index_dir)
        if fmt == "csv":
            base = (link_base or settings.archive_url).rstrip("/")
            records = rows(ix, request, lambda article_id: f"{base}/articles/{article_id}", full_text=full_text)
            lines = csv_lines(records, full_text=full_text, bom=output is not None)
        else:
            lines = (json.dumps(a, ensure_ascii=False) + "\n" for a in articles(ix, request, every_version=versions))
        with click.open_file(str(output) if output else "-", "w", encoding="utf-8") as out:
            for line in lines:
                out.write(line)
                count += 1
    err.print(f"{count - (fmt == 'csv')} records -> {output or 'stdout'}", highlight=False)


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (local only by default).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="Requests served at once.")
@click.option("--debug", is_flag=True, help="Flask's development server, debug mode (never on a shared host).")
def serve(index_dir: Path | None, host: str, port: int, threads: int, debug: bool) -> None:
    """Serve the search pages and the JSON API (waitress, threaded); Ctrl-C or SIGTERM stops it.

    It answers to localhost, 127.0.0.1, [::1] and the --host it is bound to; ARCHIVE_ALLOWED_HOSTS
    names others (a host name behind a proxy, or `*`).
    """
    import signal

    import waitress

    from archive.web import create_app
    from archive.web.security import allow_host

    app = create_app({"INDEX_DIR": index_dir} if index_dir else None)
    allow_host(app, host)
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="news-archive")

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(0)  # waitress closes its sockets and threads on SystemExit

    signal.signal(signal.SIGTERM, stop)
    listening = getattr(server, "effective_listen", None) or [(server.effective_host, server.effective_port)]
    urls = ", ".join(f"http://{f'[{h}]' if ':' in h else h}:{p}/" for h, p in listening)
    err.print(f"Serving {app.config['INDEX_DIR']} on {urls} ({threads} threads)")
    server.run()  # returns on SIGTERM or Ctrl-C, its threads stopped
    err.print("Stopped.")


@main.command("app")
@index_option
@click.option(
    "--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="Port; the next free one if taken."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (this computer only by default).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="Requests served at once.")
@click.option("--no-browser", is_flag=True, envvar="ARCHIVE_NO_BROWSER", help="Do not open the browser.")
@click.option(
    "--add",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder to add to the sources (once; repeatable).",
)
@click.option("--name", default=None, help="Name the archive (kept in its folder; shown in every page's masthead).")
@click.option(
    "--interval", default=1.0, show_default=True, type=click.FloatRange(0.1, 3600), help="Seconds between scans."
)
@clean_errors
def app_command(
    index_dir: Path | None,
    port: int,
    host: str,
    threads: int,
    no_browser: bool,
    add: tuple[Path, ...],
    name: str | None,
    interval: float,
) -> None:
    """Open the archive as a desktop program: serve it, open the browser, keep its sources indexed.

    Add folders on its Sources page (or with --add); they are indexed in the background and watched while it
    runs. Ctrl-C, SIGTERM, closing its window or Stop on the Sources page stops it cleanly. `--index DIR` opens
    another archive (each is one folder: copy it to back it up).
    """
    from archive.desktop.app import run_app

    settings = Settings.from_env(index_dir=index_dir)
    run_app(
        index_dir=settings.index_dir,
        host=host,
        port=port,
        threads=threads,
        open_browser=not no_browser,
        add=add,
        name=name,
        interval=interval,
        stop_signals=STOP_SIGNALS,
        say=lambda line: err.print(line, highlight=False, markup=False),
    )


@main.command("install-launcher")
@index_option
@click.option("--name", default=None, help="The launcher's name (default: the archive's name).")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write it (default: the applications menu on Linux, the Desktop on macOS and Windows).",
)
@click.option("--system", "kind", type=click.Choice(["linux", "macos", "windows"]), default=None, hidden=True)
@clean_errors
def install_launcher_command(index_dir: Path | None, name: str | None, folder: Path | None, kind: str | None) -> None:
    """Write a launcher that opens this archive with `archive app`: a .desktop entry (Linux), a .command (macOS)
    or a .bat file (Windows)."""
    from archive.desktop.launcher import install_launcher
    from archive.store.sources import archive_name

    settings = Settings.from_env(index_dir=index_dir)
    target = install_launcher(settings.index_dir, name or archive_name(settings.index_dir), folder, kind)
    err.print(f"launcher written: {printable(str(target))} (it opens {printable(str(settings.index_dir.resolve()))})")


@main.command()
@click.option(
    "--model", default=None, help="spaCy pipeline package or path (default: $ARCHIVE_SPACY_MODEL or bundled)."
)
@clean_errors
def ner(model: str | None) -> None:
    """Read one document per line on stdin; write {"ents": [[start, end, label], ...]} per line."""
    from archive.ingest.enrich.nlp import entity_spans, load_pipeline

    nlp = load_pipeline(model or Settings.from_env().spacy_model)
    lines = _stdin_lines()
    for spans in entity_spans(nlp, lines, batch_size=NER_BATCH_LINES):
        sys.stdout.write(json.dumps({"ents": [list(span) for span in spans]}) + "\n")
    sys.stdout.flush()


def _stdin_lines() -> Iterator[str]:
    """Lines of UTF-8 standard input without their line ends (offsets index into exactly this).

    Split on b"\n" only: a text stream would also split on a lone CR or U+2028 and shift the lines.
    """
    for raw in sys.stdin.buffer:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")
