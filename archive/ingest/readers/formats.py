"""Files to parsed articles: find the files, pick the parser by extension, report what failed.

One file can hold many articles (SGML, web archives, feeds, JSON Lines); one broken
file never stops a run: its error is returned next to the articles that did parse,
and a file of many articles reports each bad one by `path#item`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive.article import Article
from archive.errors import ArchiveError, BinaryFile, NoArticleText, UnsupportedFormat
from archive.ingest.readers.decode import decode, looks_binary, read_bytes
from archive.ingest.readers.reuters import read_reuters
from archive.ingest.readers.wire import parse_wire_text


def _read_text(data: bytes, path: str) -> list[Article | ArchiveError]:
    return [parse_wire_text(decode(data, path), path)]


def _read_html(data: bytes, path: str) -> list[Article | ArchiveError]:
    from archive.ingest.readers.html import parse_html  # bs4 is only needed when there is HTML

    return [parse_html(decode(data, path, markup=True), path)]


def _read_sgml(data: bytes, path: str) -> list[Article | ArchiveError]:
    # Reuters-21578 is Latin-1 throughout; detection would guess wrong on its one 8-bit byte.
    if looks_binary(data):
        raise BinaryFile(subject=path)
    return list(read_reuters(data.decode("latin-1"), path))


def _read_warc(data: bytes, path: str) -> list[Article | ArchiveError]:
    from archive.ingest.readers.warc import read_warc  # warcio and bs4 load only for web archives

    return read_warc(data, path)


def _read_feed(data: bytes, path: str) -> list[Article | ArchiveError]:
    from archive.ingest.readers.feeds import read_feed  # feedparser loads only for feeds

    return read_feed(data, path)


def _read_jsonl(data: bytes, path: str) -> list[Article | ArchiveError]:
    from archive.ingest.readers.jsonl import read_jsonl  # with the feeds' HTML paragraphs: bs4 and feedparser load here

    return read_jsonl(decode(data, path), path)


READERS: dict[str, Callable[[bytes, str], list[Article | ArchiveError]]] = {
    ".txt": _read_text,
    ".text": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".xhtml": _read_html,
    ".sgm": _read_sgml,
    ".sgml": _read_sgml,
    ".warc": _read_warc,
    ".rss": _read_feed,
    ".atom": _read_feed,
    ".xml": _read_feed,  # only feeds among XML files are read; the others are skipped
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
}
# Formats whose reader unpacks gzip itself, member by member, so a damaged file still gives what precedes the damage.
SELF_UNPACKING = frozenset({".warc"})


@dataclass
class FileResult:
    """What one file gave: its articles and the errors of what could not be read."""

    path: Path
    articles: list[Article] = field(default_factory=list)
    errors: list[ArchiveError] = field(default_factory=list)


def format_suffix(path: Path) -> str:
    """The suffix that names the format, looking through a trailing `.gz`."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def is_supported(path: Path) -> bool:
    """True for files the archive has a reader for."""
    return format_suffix(path) in READERS


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named on the command line, and the supported files below named directories, sorted."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and is_supported(child):
                    yield child
        else:
            yield path


def read_file(path: Path, *, max_bytes: int) -> FileResult:
    """Parse one file into articles; every failure becomes an error naming the file."""
    result = FileResult(path)
    name = str(path.resolve()) if path.exists() else str(path)
    suffix = format_suffix(path)
    reader = READERS.get(suffix)
    try:
        if reader is None:
            raise UnsupportedFormat(f"suffix {''.join(path.suffixes) or '(none)'}", subject=name)
        items = reader(read_bytes(path, max_bytes, gunzip=suffix not in SELF_UNPACKING), name)
    except ArchiveError as exc:
        exc.subject = exc.subject or name
        result.errors.append(exc)
        return result
    except (ValueError, LookupError, RecursionError) as exc:  # a parser choking on malformed input
        result.errors.append(NoArticleText(f"{type(exc).__name__}: {exc}", subject=name))
        return result
    for item in items:
        (result.errors if isinstance(item, ArchiveError) else result.articles).append(item)  # type: ignore[arg-type]
    return result
