"""PDF, scans, Word, OpenDocument, RTF and Markdown read from documents the tests make with real writers.

The body must match the text that was written (similarity >= 0.98 for text layers and Office files, OCR
character accuracy >= 0.97 on a clean 300-dpi scan), the document's metadata must be found, and the news
furniture at the top of a press release (byline, dateline) recognised. Broken files get one clean line.
"""

from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime
from pathlib import Path

import pytest

from archive.errors import OcrUnavailable, UnreadableFile, UnsupportedFormat
from archive.ingest.readers.documents import join_lines
from archive.ingest.readers.formats import read_file
from tests.makers import (
    PRESS_RELEASE,
    SCAN_LINES,
    character_accuracy,
    docx_bytes,
    need_tesseract,
    odt_bytes,
    pdf_bytes,
    png_bytes,
    press_release_blocks,
    rtf_bytes,
    scan_image,
    scanned_pdf_bytes,
    similarity,
)

MB = 1024 * 1024
STORY = [PRESS_RELEASE[1].split(" - ", 1)[1], *PRESS_RELEASE[2:]]  # the story, its dateline taken off


def read_one(path: Path, data: bytes):
    path.write_bytes(data)
    result = read_file(path, max_bytes=20 * MB)
    assert not result.errors, [e.message for e in result.errors]
    assert len(result.articles) == 1
    return result.articles[0]


def test_a_pdf_press_release_reads_as_the_story_with_its_furniture_and_pages(tmp_path: Path):
    data = pdf_bytes(
        press_release_blocks(repeat=5), title="Press release 12/2024", author="Port Authority Press Office",
        running_header="Brackenholt Port Authority - Press release - For immediate use",
    )  # fmt: skip
    article = read_one(tmp_path / "release.pdf", data)

    assert article.headline == "Brackenholt harbour to reopen after storm repairs"
    assert article.authors == ("Jane Doe", "Omar Haddad")
    assert (article.dateline.place, article.dateline.agency, article.dateline.date) == ("London", "Reuters", "March 3")
    expected = []
    for round_ in range(5):
        expected += ([f"Update {round_}"] if round_ else []) + STORY
    assert similarity(article.body, "\n\n".join(expected)) >= 0.98
    assert article.body.split("\n\n")[: len(STORY)] == STORY  # paragraphs whole: joined across line breaks
    assert "Press release - For immediate use" not in article.body and "Page " not in article.body
    assert set(article.subheads) == {f"Update {n}" for n in range(1, 5)}
    meta = article.metadata
    assert meta["title"] == "Press release 12/2024" and meta["author"] == "Port Authority Press Office"
    assert meta["created"][:4].isdigit() and int(meta["pages"]) >= 2
    # Pages: where each starts in the body; the last paragraph is on the last page.
    assert len(article.page_starts) == int(meta["pages"]) and article.page_starts[0] == 0
    assert article.page_at(0) == 1 and article.page_at(len(article.body) - 1) == int(meta["pages"])
    assert not article.ocr and article.ocr_confidence is None


def test_pdf_columns_are_read_in_order_and_broken_words_joined(tmp_path: Path):
    """Two columns written right one first: the left is read first; `recon-` `struction` is one word."""
    from reportlab.pdfgen import canvas

    left = ["The council met on Monday to discuss", "the extraordinarily complicated recon-", "struction of the pier."]
    right = ["Fishermen said the Franco-", "German consortium had won the contract.", "Work starts in May."]
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for x, lines in ((320, right), (72, left)):
        for i, line in enumerate(lines):
            page.drawString(x, 700 - 14 * i, line)
    page.save()
    article = read_one(tmp_path / "columns.pdf", buffer.getvalue())
    text = " ".join([article.headline, article.body]).replace("\n\n", " ")
    assert "complicated reconstruction of the pier" in text
    assert "the Franco-German consortium" in text
    assert text.index("The council met") < text.index("Fishermen said")


def test_join_lines_mends_broken_words_only():
    assert join_lines(["an extraordinarily compli-", "cated matter"]) == "an extraordinarily complicated matter"
    assert join_lines(["the Franco-", "German treaty"]) == "the Franco-German treaty"
    assert join_lines(["ten ", " green", "bottles"]) == "ten green bottles"
    assert join_lines(["soft\u00ad", "hyphen"]) == "softhyphen"


def test_an_encrypted_pdf_is_one_clean_line(tmp_path: Path):
    path = tmp_path / "sealed.pdf"
    path.write_bytes(pdf_bytes(press_release_blocks(), encrypt="secret"))
    result = read_file(path, max_bytes=MB)
    assert not result.articles and len(result.errors) == 1
    assert isinstance(result.errors[0], UnreadableFile)
    assert result.errors[0].message == f"{path}: cannot read this file (an encrypted PDF: it needs a password to open)"


def test_a_broken_pdf_and_a_broken_docx_are_one_clean_line_each(tmp_path: Path):
    whole = docx_bytes(title="t", author="a", created=datetime(2024, 3, 5), paragraphs=[("text", "Some text.")])
    for name, data, words in (
        ("cut.pdf", pdf_bytes(press_release_blocks())[:900], "not a PDF that can be read"),
        ("cut.docx", whole[: len(whole) // 2], "a broken DOCX file: not a whole ZIP archive"),
        ("renamed.docx", b"PK\x05\x06" + bytes(18), "not a DOCX file"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        result = read_file(path, max_bytes=MB)
        assert not result.articles and len(result.errors) == 1, name
        assert result.errors[0].message.startswith(f"{path}: cannot read this file ("), result.errors[0].message
        assert words in result.errors[0].message and "\n" not in result.errors[0].message


def test_word_opendocument_and_rtf_keep_headings_paragraphs_and_metadata(tmp_path: Path):
    paragraphs = [
        ("title", "Council approves harbour budget"),
        ("text", "By Anna Berg"),
        ("text", "OSLO, March 5 (Reuters) - The council approved the harbour budget on Friday by a large majority."),
        ("heading", "What it costs"),
        ("text", "The breakwater repairs will cost four million crowns, to be paid over three years."),
        ("text", "Fishermen said the new pier would let larger boats land their catch in winter."),
    ]
    story = [
        "The council approved the harbour budget on Friday by a large majority.",
        "What it costs",
        *(text for _, text in paragraphs[4:]),
    ]
    made = {
        "memo.docx": docx_bytes(title="Harbour memo", author="Anna Berg", created=datetime(2024, 3, 5, 9, 30),
                                paragraphs=[*paragraphs, ("table", "Item | Cost")]),
        "memo.odt": odt_bytes(title="Harbour memo", author="Anna Berg", created="2024-03-05T09:30:00",
                              paragraphs=paragraphs),
    }  # fmt: skip
    for name, data in made.items():
        article = read_one(tmp_path / name, data)
        assert article.headline == "Council approves harbour budget", name
        assert article.authors == ("Anna Berg",) and article.dateline.place == "Oslo", name
        body = article.body.removesuffix("\n\nItem | Cost")
        assert similarity(body, "\n\n".join(story)) >= 0.98, (name, body)
        assert article.subheads == ("What it costs",), name
        assert article.metadata["title"] == "Harbour memo" and article.metadata["author"] == "Anna Berg", name
        assert article.metadata["created"].startswith("2024-03-05T09:30"), name
        assert article.published.startswith("2024-03-05"), name  # the text gives no year: the document's date
    assert read_one(tmp_path / "m.docx", made["memo.docx"]).body.endswith("Item | Cost")  # tables are text too

    letter = ["Bridge to close for repairs", "", *story[2:], "Café owners on the quay objected."]
    rtf = rtf_bytes(title="Bridge letter", author="Lena Müller", paragraphs=letter)
    article = read_one(tmp_path / "letter.rtf", rtf)
    assert article.headline == "Bridge to close for repairs"
    assert similarity(article.body, "\n\n".join([*story[2:], "Café owners on the quay objected."])) >= 0.98
    assert article.metadata == {"title": "Bridge letter", "author": "Lena Müller", "created": "2024-03-06T08:15:00"}


def test_markdown_is_read_as_text_with_its_front_matter(tmp_path: Path):
    text = (
        "---\ntitle: Council notes\nauthor: Anna Berg\ndate: 2024-03-07\n---\n\n"
        "# Council approves harbour budget\n\nOSLO, March 7 (Reuters) - The council **approved** the "
        "[harbour](https://x.example) budget\non Thursday.\n\n## Reactions\n\n- Fishermen welcomed it.\n"
    )
    article = read_one(tmp_path / "note.md", text.encode())
    assert article.headline == "Council approves harbour budget" and article.dateline.place == "Oslo"
    assert article.body == "The council approved the harbour budget on Thursday.\n\nReactions\n\nFishermen welcomed it."
    assert article.subheads == ("Reactions",) and article.authors == ("Anna Berg",)
    assert article.metadata == {"title": "Council notes", "author": "Anna Berg", "created": "2024-03-07"}


def test_legacy_word_files_say_how_to_convert_them(tmp_path: Path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    result = read_file(path, max_bytes=MB)
    assert [type(e) for e in result.errors] == [UnsupportedFormat]
    assert "convert it to .docx" in result.errors[0].message and result.errors[0].skipped


def test_a_clean_scan_is_read_by_ocr(tmp_path: Path):
    need_tesseract()
    image = scan_image()
    want = " ".join(line for line in SCAN_LINES if line)
    for name, data in (("scan.png", png_bytes(image)), ("scan.pdf", scanned_pdf_bytes([image]))):
        article = read_one(tmp_path / name, data)
        got = f"{article.headline} {article.body}"
        assert character_accuracy(got, want) >= 0.97, (name, got)
        assert article.headline == SCAN_LINES[0], name
        assert article.ocr and 0.8 <= article.ocr_confidence <= 1, (name, article.ocr_confidence)


def test_without_tesseract_each_scan_gets_one_line_saying_what_to_install(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_TESSERACT", str(tmp_path / "no-tesseract-here"))
    image = scan_image(["A few words on a page"])
    (tmp_path / "scan.png").write_bytes(png_bytes(image))
    result = read_file(tmp_path / "scan.png", max_bytes=MB)
    assert not result.articles and [type(e) for e in result.errors] == [OcrUnavailable]
    assert "apt-get install tesseract-ocr tesseract-ocr-eng" in result.errors[0].message
    # A PDF with text pages and a scanned one: the text is indexed, the line names the scanned pages.
    text_pdf = pdf_bytes(press_release_blocks(), page_numbers=False)
    mixed = _concatenate_pdfs(text_pdf, scanned_pdf_bytes([image]))
    (tmp_path / "mixed.pdf").write_bytes(mixed)
    result = read_file(tmp_path / "mixed.pdf", max_bytes=MB)
    assert len(result.articles) == 1 and len(result.errors) == 1
    assert "pages 2 are scans and were not read" in result.errors[0].message
    assert result.articles[0].body.startswith(STORY[0])


def _concatenate_pdfs(*documents: bytes) -> bytes:
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    for data in documents:
        out.import_pages(pdfium.PdfDocument(data))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\0" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(100_000, 100_000), (12_000, 9_000)])
def test_decompression_bombs_and_broken_images_fail_cleanly(tmp_path: Path, size: tuple[int, int]):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_only(*size))
    result = read_file(path, max_bytes=MB)
    assert not result.articles and len(result.errors) == 1
    assert "decompression bomb" in result.errors[0].message and not result.errors[0].skipped
    path.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    assert "not an image that can be read" in read_file(path, max_bytes=MB).errors[0].message
