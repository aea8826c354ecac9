"""Web archives (WARC, plain or gzipped): every captured HTML page becomes an article.

Only `response` records of a 2xx HTML page count (text/html, application/xhtml+xml);
requests, metadata, revisits, images and scripts are passed over in silence. Each
page is read by `parse_html` with the captured URL, and takes the capture time
(WARC-Date) when the page itself states no date. Its source is `path#<record id>`,
the UUID of WARC-Record-ID, which never changes for a record.

warcio unpacks `.warc.gz` member by member, so a file cut short still gives the
pages before the damage, followed by one UnreadableFile error.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from archive.article import Article
from archive.errors import ArchiveError, FileTooLarge, NoArticleText, UnreadableFile
from archive.ingest.readers.dates import iso_date
from archive.ingest.readers.decode import decode

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MAX_PAGE_BYTES = 16 * 1024 * 1024  # one page, unpacked: no article is larger, a gzip bomb is


def read_warc(data: bytes, path: str) -> list[Article | ArchiveError]:
    """Articles from one WARC file's bytes (gzipped or not: warcio tells), then any error that ended reading."""
    return [item if isinstance(item, ArchiveError) else _page(*item) for item in _captures(data, path)]


def _captures(data: bytes, path: str) -> Iterator[tuple[ArcWarcRecord, bytes, str] | ArchiveError]:
    """Each HTML page's record, body and source, in file order; then the error that ended reading, if any."""
    stream = ArchiveIterator(io.BytesIO(data))
    record = None
    pages = 0
    try:
        for record in stream:
            if not _is_html_page(record):
                continue
            pages += 1
            content = _read_page(record)  # first: asking the offset reads the record to its end
            source = f"{path}#{_record_id(record, stream)}"
            if len(content) > MAX_PAGE_BYTES:
                yield FileTooLarge(f"page over {MAX_PAGE_BYTES:,} bytes", subject=source)
            elif _cut_short(record):
                raise UnreadableFile(f"truncated in record {source.rpartition('#')[2]}", subject=path)
            else:
                yield record, content, source
        if (record is not None and _cut_short(record)) or data[stream.offset :].strip():
            raise UnreadableFile(f"truncated or corrupt after byte {stream.offset:,}", subject=path)
    except UnreadableFile as exc:
        yield exc
    except Exception as exc:  # warcio fails on damaged input in many ways; all mean "cannot read the rest"
        where = "not a WARC file" if record is None else f"corrupt after byte {stream.offset:,}"
        yield UnreadableFile(f"{where}: {type(exc).__name__}", subject=path)  # its message quotes raw bytes
    else:
        if not pages:
            yield NoArticleText("no HTML pages in this web archive", subject=path)


def _is_html_page(record: ArcWarcRecord) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    if not (record.http_headers.get_statuscode() or "").startswith("2"):
        return False
    content_type = record.http_headers.get_header("Content-Type") or ""
    return content_type.split(";")[0].strip().lower() in HTML_TYPES


def _read_page(record: ArcWarcRecord) -> bytes:
    """The page's body, unchunked and uncompressed, stopping past MAX_PAGE_BYTES (a read returns one buffer)."""
    stream = record.content_stream()
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_PAGE_BYTES and (chunk := stream.read(MAX_PAGE_BYTES + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _cut_short(record: ArcWarcRecord) -> bool:
    """True when the data ended before the record's declared length (meaningful once it was read to its end)."""
    return getattr(record.raw_stream, "limit", 0) > 0


def _record_id(record: ArcWarcRecord, stream: ArchiveIterator) -> str:
    """The record's UUID; a record without an id (not valid WARC, but seen) is named by its offset."""
    record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<> ")
    return record_id.removeprefix("urn:uuid:") or f"offset-{stream.get_record_offset()}"


def _page(record: ArcWarcRecord, content: bytes, source: str) -> Article | ArchiveError:
    """One captured page as an article, or the error that names it."""
    from archive.ingest.readers.html import parse_html  # bs4 is only needed when there is HTML

    content_type = record.http_headers.get_header("Content-Type") or ""
    charset = next((p.split("=", 1)[1].strip(" \"'") for p in content_type.split(";") if "charset=" in p), None)
    try:
        article = parse_html(
            decode(content, source, markup=True, charset=charset),
            source,
            url=record.rec_headers.get_header("WARC-Target-URI"),
        )
    except ArchiveError as exc:
        return exc
    except (ValueError, LookupError, RecursionError) as exc:  # the parser choking on one malformed page
        return NoArticleText(f"{type(exc).__name__}: {exc}", subject=source)
    if article.published is None and (captured := iso_date(record.rec_headers.get_header("WARC-Date") or "")):
        article = replace(article, published=captured)
    return article
