"""Reading files: formats by extension, encodings, gzip, and clear errors for bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

from archive.errors import BinaryFile, FileTooLarge, NoArticleText, UnreadableFile, UnsupportedFormat
from archive.ingest.readers.decode import decode, fix_mojibake
from archive.ingest.readers.formats import iter_files, read_file
from tests.helpers import SEED

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
        "notes.docx": (b"PK\x03\x04", UnreadableFile),  # a broken ZIP
        "sheet.xlsx": (b"PK\x03\x04", UnsupportedFormat),
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
    (tmp_path / "a" / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftyp")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text(STORY)
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert found == ["a/b/story.txt", "a/page.html.gz"]


# Real byte sequences: what 8-bit and double-encoded files hold on disk.
LATIN_1 = b"BERLIN (Reuters) - Gr\xfc\xdfe aus M\xfcnchen, sagte der B\xfcrgermeister in S\xe3o Paulo.\n"
CP1252 = b"LONDON (Reuters) - He said \x93no\x94 \x96 it\x92s \x805 a ticket\x85 at the caf\xe9.\n"
# UTF-8 read as Windows-1252 and saved again as UTF-8: "é" is C3 A9 -> "Ã©" -> C3 83 C2 A9.
MOJIBAKE = (
    b"PARIS (Reuters) - Le caf\xc3\x83\xc2\xa9 a augment\xc3\x83\xc2\xa9, it\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s said.\n"
)


def test_latin_1_and_windows_1252_without_a_declaration(tmp_path: Path):
    cases = {
        "latin1.txt": (LATIN_1, "Grüße aus München, sagte der Bürgermeister in São Paulo."),
        "cp1252.txt": (CP1252, "He said “no” – it’s €5 a ticket… at the café."),
    }
    for name, (data, expected) in cases.items():
        (tmp_path / name).write_bytes(data)
        result = read_file(tmp_path / name, max_bytes=MB)
        assert not result.errors, name
        assert result.articles[0].body == expected, name


def test_other_8bit_scripts_are_still_detected():
    cases = {
        "cp1251": "Москва — столица России, сказал министр иностранных дел на встрече в понедельник.",
        "cp1250": "Prezydent Polski powiedział, że rząd się zgadza: zażółć gęślą jaźń, źródło łąki.",
        "cp1253": "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας, είπε ο υπουργός την Δευτέρα.",
    }
    for encoding, text in cases.items():
        assert decode(text.encode(encoding), "x.txt") == text, encoding


def test_mojibake_is_repaired_before_it_reaches_the_index(tmp_path: Path):
    (tmp_path / "mojibake.txt").write_bytes(MOJIBAKE)
    [article] = read_file(tmp_path / "mojibake.txt", max_bytes=MB).articles
    assert article.body == "Le café a augmenté, it’s said."
    # A UTF-8 page that declares Latin-1 (the commonest source of mojibake) reads as UTF-8.
    page = '<html><head><meta charset="iso-8859-1"></head><body>Genève – “Zürich”</body></html>'.encode()
    assert "Genève – “Zürich”" in decode(page, "p.html", markup=True)
    # Mojibake on one line of a clean text is repaired there, and the clean lines are left as they are.
    mixed = "Genève said the café’s owner.\nTÃ¼rkiye and Ã‰ire agreed.\nCAFÉ” signs stay.".encode()
    assert decode(mixed, "x.txt") == "Genève said the café’s owner.\nTürkiye and Éire agreed.\nCAFÉ” signs stay."


def test_clean_text_is_not_touched():
    text = "Straße, naïve résumé, “quotes”, €5 — and 😀\n" * 100
    assert fix_mojibake(text) is text  # no pattern matched: one regex scan, no repair pass
    assert decode(text.encode(), "x.txt") == text
