"""Files to parsed articles: find the files, pick the parser by extension, report what failed.

One file can hold many articles (SGML, web archives, feeds, JSON Lines); one broken
file never stops a run: its error is returned next to the articles that did parse,
and a file of many articles reports each bad one by `path#item`.
"""

from __future__ import annotations

import contextvars
import errno
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.article import Article
from archive.errors import ArchiveError, BinaryFile, NotRegularFile, UnreadableFile, UnsupportedFormat
from archive.ingest.readers.decode import decode, looks_binary, read_bytes, unpack_gzip
from archive.ingest.readers.reuters import read_reuters
from archive.ingest.readers.wire import parse_wire_text
from archive.names import stored_name
from archive.store.damage import describe


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


def _read_pdf(data: bytes, path: str) -> list[Article | ArchiveError]:
    from archive.ingest.readers.pdf import read_pdf  # pypdfium2 loads only for PDFs

    return read_pdf(data, path)


def _read_image(data: bytes, path: str) -> list[Article | ArchiveError]:
    from archive.ingest.readers.ocr import read_image  # Pillow loads only for scans

    return list(read_image(data, path))


def _read_office(reader: str) -> Callable[[bytes, str], list[Article | ArchiveError]]:
    def read(data: bytes, path: str) -> list[Article | ArchiveError]:
        from archive.ingest.readers import office  # python-docx, odfpy, striprtf load only for their files

        return list(getattr(office, reader)(data, path))

    return read


def _read_markdown(data: bytes, path: str) -> list[Article | ArchiveError]:
    from archive.ingest.readers.markdown import read_markdown  # markdown-it loads only for Markdown

    return list(read_markdown(decode(data, path), path))


def _read_mail(reader: str) -> Callable[[bytes, str], list[Article | ArchiveError]]:
    def read(data: bytes, path: str) -> list[Article | ArchiveError]:
        from archive.ingest.readers import mail, msg  # bs4 loads for HTML bodies, olefile for Outlook's files

        return getattr(msg if reader == "read_msg" else mail, reader)(data, path, _read_attachment)

    return read


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
    ".pdf": _read_pdf,
    ".eml": _read_mail("read_eml"),
    ".mbox": _read_mail("read_mbox"),
    ".msg": _read_mail("read_msg"),
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".docx": _read_office("read_docx"),
    ".odt": _read_office("read_odt"),
    ".rtf": _read_office("read_rtf"),
    ".doc": _read_office("read_doc"),
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".tif", ".tiff"), _read_image),
}
MAX_NESTING = 4  # e-mails attached to e-mails, this deep at most
# How deep in attachments the current read is, and its size limit (what an attachment's gzip may unpack to).
_READING: contextvars.ContextVar[tuple[int, int]] = contextvars.ContextVar("reading", default=(0, 0))
# Formats whose reader unpacks gzip itself, member by member, so a damaged file still gives what precedes the damage.
SELF_UNPACKING = frozenset({".warc"})


@dataclass(frozen=True)
class Carried:
    """What a record of the archive's own export carries besides its article: the id it had there and the
    readers' annotations (tags, star, notes, collections), so importing it restores them."""

    source: str
    old_id: str | None
    annotations: dict[str, Any]


@dataclass
class FileResult:
    """What one file gave: its articles, the errors of what could not be read, and what exports carried."""

    path: Path
    articles: list[Article] = field(default_factory=list)
    errors: list[ArchiveError] = field(default_factory=list)
    carried: list[Carried] = field(default_factory=list)


def format_suffix(path: Path) -> str:
    """The suffix that names the format, looking through a trailing `.gz`."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def is_supported(path: Path) -> bool:
    """True for files the archive has a reader for."""
    return format_suffix(path) in READERS


@dataclass
class Found:
    """What a walk met besides the files it yields: a line each for what it could not take, and a count by
    suffix of the files of types the archive does not read (not an error: a folder holds spreadsheets)."""

    problems: list[ArchiveError] = field(default_factory=list)
    not_read: Counter[str] = field(default_factory=Counter)
    # Folders (named, or below one) that could not be listed: what they hold is unknown, not gone.
    unlisted: list[Path] = field(default_factory=list)

    def not_read_summary(self) -> str:
        """`3 not read (2 .xlsx, 1 .zip)`, or "" when every file was of a type the archive reads."""
        if not self.not_read:
            return ""
        counted = sorted(self.not_read.items(), key=lambda item: (-item[1], item[0]))
        kinds = ", ".join(f"{count} {suffix}" for suffix, count in counted)
        return f"{sum(self.not_read.values())} not read ({kinds})"


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device")):
        if test(mode):
            return name
    return "a block device" if stat.S_ISBLK(mode) else "not a file"


def _suffix_shown(path: Path) -> str:
    suffix = format_suffix(path)
    if not suffix:
        return "without suffix"
    return suffix + ".gz" if path.suffix.lower() == ".gz" and suffix != ".gz" else suffix


def iter_files(paths: Iterable[Path], found: Found | None = None) -> Iterator[Path]:
    """Files named on the command line, and the supported files below named directories, sorted.

    Nothing is opened: FIFOs, sockets and devices (a FIFO named `x.txt` would block a read forever),
    broken links, link loops and folders that cannot be listed each go to `found.problems` (when given)
    with a line; files of other types below a folder are counted in `found.not_read`. Links to files
    are followed, links to folders are not (no loops); hidden files and folders are passed over.
    """
    found = found if found is not None else Found()
    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            found.problems.append(_stat_error(path, exc))
            found.unlisted.append(path)
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, found)
        elif stat.S_ISREG(mode):
            yield path
        else:
            found.problems.append(NotRegularFile(_kind(mode), subject=str(path)))


def _stat_error(path: Path, exc: OSError) -> ArchiveError:
    if exc.errno == errno.ELOOP:
        return UnreadableFile("a loop of symbolic links", subject=str(path))
    if exc.errno == errno.ENOENT and path.is_symlink():
        return NotRegularFile("a symbolic link to nothing", subject=str(path))
    return UnreadableFile(exc.strerror or str(exc), subject=str(path))


def _walk(folder: Path, found: Found) -> Iterator[Path]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        found.problems.append(UnreadableFile(f"cannot list this folder: {exc.strerror or exc}", subject=str(folder)))
        found.unlisted.append(folder)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path, found)
                continue
            mode = entry.stat().st_mode  # follows a link to a file
        except OSError as exc:
            if is_supported(path):
                found.problems.append(_stat_error(path, exc))
            else:
                found.not_read[_suffix_shown(path)] += 1
            continue
        if stat.S_ISDIR(mode):
            found.problems.append(NotRegularFile("a link to a folder: not followed", subject=str(path)))
        elif not is_supported(path):
            found.not_read[_suffix_shown(path)] += 1
        elif stat.S_ISREG(mode):
            yield path
        else:
            found.problems.append(NotRegularFile(_kind(mode), subject=str(path)))


def read_file(path: Path, *, max_bytes: int) -> FileResult:
    """Parse one file into articles; every failure becomes an error naming the file.

    The name articles carry (`path#item`) is the resolved path as `stored_name` writes it. A reader that
    fails in a way no reader expects is a failure of this file, with the exception named; never a crash.
    """
    result = FileResult(path)
    try:
        name = stored_name(path.resolve(strict=True))
    except (OSError, RuntimeError):  # gone, or a loop of links: read_bytes says which
        name = stored_name(path)
    suffix = format_suffix(path)
    try:
        if suffix not in READERS:
            raise UnsupportedFormat(f"suffix {''.join(path.suffixes) or '(none)'}", subject=name)
        data = read_bytes(path, max_bytes, gunzip=False)
    except ArchiveError as exc:
        exc.subject = exc.subject or name
        result.errors.append(exc)
        return result
    for item in read_data(data, path.name, name, max_bytes=max_bytes):
        if isinstance(item, Carried):
            result.carried.append(item)
        else:
            (result.errors if isinstance(item, ArchiveError) else result.articles).append(item)  # type: ignore[arg-type]
    return result


def read_data(data: bytes, filename: str, source: str, *, max_bytes: int) -> list[Article | ArchiveError]:
    """Bytes that a file (or an e-mail's attachment) named `filename` held, through the reader for its suffix,
    as articles named `source`; gzip unpacked. Every failure is an error naming `source`, never a raise.

    Attachments nest (an e-mail attached to an e-mail): past MAX_NESTING deep they are refused.
    """
    suffix = format_suffix(Path(filename))
    reader = READERS.get(suffix)
    depth = _READING.get()[0]
    token = _READING.set((depth + 1, max_bytes))
    try:
        if reader is None:
            raise UnsupportedFormat(f"suffix {''.join(Path(filename).suffixes) or '(none)'}", subject=source)
        if depth > MAX_NESTING:
            raise UnreadableFile(f"attachments nested more than {MAX_NESTING} deep", subject=source)
        if suffix not in SELF_UNPACKING and filename.lower().endswith(".gz"):
            data = unpack_gzip(data, max_bytes, source)
        return reader(data, source)
    except ArchiveError as exc:
        exc.subject = exc.subject or source
        return [exc]
    except RecursionError:  # markup nested too deep for the parser
        return [UnreadableFile("nested too deeply to parse", subject=source)]
    except Exception as exc:  # a parser choking on malformed input, or a bug: this file fails, the run goes on
        return [UnreadableFile(f"the reader failed: {describe(exc)}", subject=source)]
    finally:
        _READING.reset(token)


def _read_attachment(data: bytes, filename: str, source: str) -> list[Article | ArchiveError]:
    """An e-mail's attachment, read as a file of its name would be, within the message's own size limit."""
    return read_data(data, filename, source, max_bytes=_READING.get()[1])
