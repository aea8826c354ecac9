"""Web archives: HTML captures become articles; other records are passed over; damage keeps what came before."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.errors import FileTooLarge, NoArticleText, UnreadableFile
from archive.ingest.readers import warc
from archive.ingest.readers.formats import read_file
from tests.helpers import article_page, real_page, warc_bytes

MB = 1024 * 1024


def crawl(*, compress: bool = True) -> bytes:
    """Two article pages around a request, an image, a stylesheet and a 404 page."""
    return warc_bytes(
        [
            ("request", "https://news.example/ferry", b"", "", ""),
            ("response", "https://news.example/ferry", article_page("Marblewick").encode(), "text/html", "200 OK"),
            ("response", "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png", "200 OK"),
            ("response", "https://news.example/site.css", b"body { color: red }", "text/css", "200 OK"),
            ("response", "https://news.example/gone", article_page("Gone").encode(), "text/html", "404 Not Found"),
            ("response", "https://bench.example/story", real_page(), "text/html; charset=utf-8", "200 OK"),
        ],
        compress=compress,
    )


def test_html_responses_become_articles_and_the_rest_is_ignored(tmp_path: Path):
    for name, compress in (("crawl.warc.gz", True), ("crawl.warc", False)):
        path = tmp_path / name
        path.write_bytes(crawl(compress=compress))
        result = read_file(path, max_bytes=MB)
        assert not result.errors, name
        assert len(result.articles) == 2, name
        ferry, bench = result.articles
        assert ferry.headline == "Ferry Marblewick sails again"
        assert ferry.url == "https://news.example/ferry"  # the page names no canonical URL: the captured one
        assert ferry.published == "2024-03-05T08:15:00+00:00"  # the page has no date: the capture's
        assert "propeller shaft" in ferry.body and "Home" not in ferry.body
        assert bench.body and bench.headline
        for article in result.articles:
            file, _, record_id = article.source.partition("#")
            assert file == str(path.resolve()) and len(record_id) == 36  # a UUID, without <urn:uuid: >


def test_record_ids_are_stable_across_runs(tmp_path: Path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(crawl())
    first = [a.id for a in read_file(path, max_bytes=MB).articles]
    second = [a.id for a in read_file(path, max_bytes=MB).articles]
    assert first == second and len(set(first)) == 2


def test_the_pages_own_date_wins_over_the_capture_date(tmp_path: Path):
    page = article_page("Dated", published="2023-11-19T07:47:00-05:00").encode()
    path = tmp_path / "dated.warc"
    path.write_bytes(warc_bytes([("response", "https://news.example/dated", page, "text/html", "200 OK")]))
    [article] = read_file(path, max_bytes=MB).articles
    assert article.published == "2023-11-19T07:47:00-05:00"


def test_the_http_charset_decodes_the_page(tmp_path: Path):
    page = article_page("Kiev").replace("The harbour", "Порт Одессы: the harbour").replace('charset="utf-8"', "")
    record = ("response", "https://news.example/ru", page.encode("koi8-r"), "text/html; charset=KOI8-R", "200 OK")
    path = tmp_path / "ru.warc.gz"
    path.write_bytes(warc_bytes([record]))
    [article] = read_file(path, max_bytes=MB).articles
    assert "Порт Одессы" in article.body


def test_a_page_with_no_article_text_is_named_by_its_record(tmp_path: Path):
    empty = b"<html><body><nav><a href='/'>Home</a></nav></body></html>"
    path = tmp_path / "nav.warc.gz"
    path.write_bytes(
        warc_bytes(
            [
                ("response", "https://news.example/ferry", article_page("Keeper").encode(), "text/html", "200 OK"),
                ("response", "https://news.example/", empty, "application/xhtml+xml", "200 OK"),
            ]
        )
    )
    result = read_file(path, max_bytes=MB)
    assert [a.headline for a in result.articles] == ["Ferry Keeper sails again"]
    [error] = result.errors
    assert isinstance(error, NoArticleText) and error.skipped
    assert error.subject is not None and error.subject.startswith(f"{path.resolve()}#")
    assert len(error.subject.rpartition("#")[2]) == 36


def test_a_truncated_archive_keeps_the_pages_before_the_damage(tmp_path: Path):
    pages = [("response", f"https://news.example/{n}", article_page(n).encode(), "text/html", "200 OK") for n in "ABC"]
    for compress in (True, False):
        data = warc_bytes(pages, compress=compress)
        path = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
        path.write_bytes(data[: len(data) * 5 // 6])  # inside the third record
        result = read_file(path, max_bytes=MB)
        assert [a.headline for a in result.articles] == ["Ferry A sails again", "Ferry B sails again"], compress
        assert [type(e) for e in result.errors] == [UnreadableFile], compress
        assert not result.errors[0].skipped and str(path.resolve()) in result.errors[0].message


def test_junk_and_empty_archives_are_reported(tmp_path: Path):
    cases = {
        "junk.warc": (bytes(range(256)) * 20, UnreadableFile),
        "text.warc.gz": (gzip.compress(b"not a web archive at all\n" * 10), UnreadableFile),
        "images.warc.gz": (warc_bytes([("response", "https://x.example/a.png", b"\x89PNG", "image/png", "200 OK")]),
                           NoArticleText),
    }  # fmt: skip
    for name, (data, error_type) in cases.items():
        (tmp_path / name).write_bytes(data)
        result = read_file(tmp_path / name, max_bytes=MB)
        assert not result.articles, name
        assert [type(e) for e in result.errors] == [error_type], name
        assert name in result.errors[0].message


def test_the_size_limit_is_the_file_on_disk(tmp_path: Path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(crawl())
    result = read_file(path, max_bytes=path.stat().st_size - 1)
    assert not result.articles and "larger than the size limit" in result.errors[0].message


def test_an_oversized_page_is_skipped_and_the_rest_read(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(warc, "MAX_PAGE_BYTES", 2000)
    big = article_page("Big").replace("</article>", "<p>" + "More words here. " * 200 + "</p></article>")
    path = tmp_path / "big.warc.gz"
    path.write_bytes(
        warc_bytes(
            [
                ("response", "https://news.example/big", big.encode(), "text/html", "200 OK"),
                ("response", "https://news.example/ok", article_page("Ok").encode(), "text/html", "200 OK"),
            ]
        )
    )
    result = read_file(path, max_bytes=MB)
    assert [a.headline for a in result.articles] == ["Ferry Ok sails again"]
    [error] = result.errors
    assert isinstance(error, FileTooLarge) and error.skipped and f"{path.resolve()}#" in error.message


def test_a_corrupt_record_ends_reading_there(tmp_path: Path):
    pages = [("response", f"https://news.example/{n}", article_page(n).encode(), "text/html", "200 OK") for n in "ABCD"]
    for compress in (True, False):
        data = bytearray(warc_bytes(pages, compress=compress))
        stream = ArchiveIterator(io.BytesIO(bytes(data)))
        third = [stream.get_record_offset() for _ in stream][2]
        data[third : third + 40] = b"\xff" * 40
        path = tmp_path / ("bad.warc.gz" if compress else "bad.warc")
        path.write_bytes(bytes(data))
        result = read_file(path, max_bytes=MB)
        assert [a.headline for a in result.articles] == ["Ferry A sails again", "Ferry B sails again"], compress
        [error] = result.errors
        assert isinstance(error, UnreadableFile) and f"corrupt after byte {third:,}" in error.message, compress
