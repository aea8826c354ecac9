"""Reading files: formats by extension, encodings, gzip, and clear errors for bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

from archive.errors import BinaryFile, FileTooLarge, NoArticleText, UnreadableFile, UnsupportedFormat
from archive.ingest.decode import decode
from archive.ingest.readers import iter_files, read_file
from tests.conftest import SEED

MB = 1024 * 1024
STORY = "PARIS (Reuters) - Le café a augmenté, a déclaré le ministre français à Genève.\n"


def test_seed_reads_as_one_article():
    result = read_file(SEED, max_bytes=MB)
    assert not result.errors
    assert [a.authors for a in result.articles] == [("Orhan Coskun",)]
    assert result.articles[0].source == str(SEED.resolve())


def test_windows_1252_and_bom_and_gzip(tmp_path: Path):
    (tmp_path / "cp1252.txt").write_bytes(STORY.replace("(Reuters) -", "(Reuters) \u2013").encode("cp1252"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + STORY.encode("utf-8"))
    (tmp_path / "zipped.txt.gz").write_bytes(gzip.compress(STORY.encode("utf-8")))
    for name in ("cp1252.txt", "bom.txt", "zipped.txt.gz"):
        result = read_file(tmp_path / name, max_bytes=MB)
        assert not result.errors, name
        article = result.articles[0]
        assert article.dateline.place == "Paris", name
        assert "café" in article.body and "Genève" in article.body, name


def test_declared_charset_in_markup_wins():
    page = '<html><head><meta charset="windows-1251"></head><body>Москва</body></html>'.encode("cp1251")
    assert "Москва" in decode(page, "p.html", markup=True)


def test_bad_files_get_errors_that_name_them(tmp_path: Path):
    cases = {
        "junk.txt": (bytes(range(256)) * 40, BinaryFile),
        "empty.txt": (b"", NoArticleText),
        "broken.txt.gz": (gzip.compress(STORY.encode())[:20], UnreadableFile),
        "huge.txt": (b"word " * (MB // 2), FileTooLarge),
        "notes.docx": (b"PK\x03\x04", UnsupportedFormat),
    }
    for name, (data, error_type) in cases.items():
        (tmp_path / name).write_bytes(data)
        result = read_file(tmp_path / name, max_bytes=MB // 4)
        assert not result.articles, name
        assert [type(e) for e in result.errors] == [error_type], name
        assert name in result.errors[0].message


def test_directories_are_walked_for_supported_files(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "story.txt").write_text(STORY)
    (tmp_path / "a" / "page.html.gz").write_bytes(b"")
    (tmp_path / "a" / "photo.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text(STORY)
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert found == ["a/b/story.txt", "a/page.html.gz"]
