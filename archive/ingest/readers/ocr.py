"""Scans to text with Tesseract: images (`.png .jpg .jpeg .tif .tiff`) and the PDF pages that have no text layer.

Tesseract (Debian's `tesseract-ocr` with `tesseract-ocr-eng`) runs as a program, one page at a time,
with a time limit, one thread, and the page sent on stdin as PNG; its TSV output gives the words with
their confidence and the block, paragraph and line each belongs to, so paragraphs come back whole and
the article can say how sure the OCR was (the mean word confidence). `ARCHIVE_TESSERACT` names another
binary. Without it, each file that needs OCR gets one line saying what to install, and the run goes on.

Images are opened by Pillow with a pixel limit checked before any pixel is decoded, so a small file that
unpacks to gigapixels (a decompression bomb) fails cleanly; a TIFF's frames are its pages, up to
MAX_OCR_PAGES.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import warnings
from dataclasses import dataclass, field
from typing import Any

from archive.article import Article
from archive.errors import FileTooLarge, NoArticleText, OcrUnavailable, UnreadableFile
from archive.ingest.readers.documents import Block, document_article, join_lines

OCR_DPI = 300  # what Tesseract reads best; PDF pages are rendered at it
TESSERACT_TIMEOUT = 120.0  # seconds for one page: a clean A4 page at 300 dpi takes a few
MAX_OCR_PAGES = 200  # pages of one file: a scanned book is read up to here, the rest is said to be left out
MAX_IMAGE_PIXELS = 90_000_000  # an A3 page at 600 dpi is 70 Mpx; beyond that an image is refused unread
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-eng"


@dataclass
class OcrText:
    """What OCR read from one file's pages: its paragraphs (with pages) and every word's confidence (0-100)."""

    blocks: list[Block] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)

    def add(self, other: OcrText) -> None:
        self.blocks += other.blocks
        self.confidences += other.confidences

    @property
    def confidence(self) -> float:
        """The mean word confidence, 0 to 1."""
        return sum(self.confidences) / len(self.confidences) / 100 if self.confidences else 0.0


def tesseract(source: str) -> str:
    """The Tesseract binary to run, or OcrUnavailable (naming `source`) saying what to install."""
    wanted = os.environ.get("ARCHIVE_TESSERACT") or "tesseract"
    found = shutil.which(wanted)
    if found is None:
        raise OcrUnavailable(f"{wanted} not found; install it: {INSTALL}", subject=source)
    return found


def ocr_page(image: Any, source: str, page: int) -> OcrText:
    """One page image (a Pillow image) read by Tesseract: its paragraphs, tagged with `page`."""
    binary = tesseract(source)
    png = io.BytesIO()
    image.convert("L").save(png, format="PNG", dpi=(OCR_DPI, OCR_DPI))
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core: the machine has other work, and it is no slower
    try:
        done = subprocess.run(
            [binary, "stdin", "stdout", "-l", "eng", "--psm", "3", "tsv"],
            input=png.getvalue(),
            capture_output=True,
            timeout=TESSERACT_TIMEOUT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise UnreadableFile(
            f"OCR of page {page} took over {TESSERACT_TIMEOUT:.0f} s: left out", subject=source
        ) from exc
    except OSError as exc:
        raise OcrUnavailable(f"{binary} could not run ({exc.strerror or exc}); {INSTALL}", subject=source) from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        if any("language" in line.lower() for line in message):
            raise OcrUnavailable(f"Tesseract has no English data; install it: {INSTALL}", subject=source)
        raise UnreadableFile(f"Tesseract failed on page {page}: {message[-1][:200]}", subject=source)
    return _read_tsv(done.stdout.decode("utf-8", "replace"), page)


def _read_tsv(tsv: str, page: int) -> OcrText:
    """Tesseract's TSV (one row per word, with its block, paragraph and line) as paragraphs and confidences."""
    paragraphs: dict[tuple[str, str], dict[str, list[str]]] = {}
    confidences = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        lines = paragraphs.setdefault((row["block_num"], row["par_num"]), {})
        lines.setdefault(row["line_num"], []).append(row["text"].strip())
        try:
            confidences.append(max(0.0, float(row["conf"])))
        except (TypeError, ValueError):
            continue
    blocks = [
        Block(join_lines([" ".join(words) for words in lines.values()]), page=page) for lines in paragraphs.values()
    ]
    return OcrText(blocks, confidences)


def open_image(data: bytes, source: str) -> Any:
    """A Pillow image of `data`, its size checked before its pixels are decoded."""
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnreadableFile(
                f"an image too large to decode (a decompression bomb?): {exc}", subject=source
            ) from exc
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise UnreadableFile("not an image that can be read", subject=source) from exc
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise UnreadableFile(
            f"an image of {width:,} x {height:,} pixels, over the {MAX_IMAGE_PIXELS:,} limit (a decompression bomb?)",
            subject=source,
        )
    return image


def read_image(data: bytes, path: str) -> list[Article]:
    """A scanned page (or a multi-page TIFF) as one article read by OCR."""
    image = open_image(data, path)
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_OCR_PAGES:
        raise FileTooLarge(f"{frames} pages, OCR limit {MAX_OCR_PAGES}", subject=path)
    text = OcrText()
    for page in range(frames):
        try:
            image.seek(page)
            image.load()
        except (OSError, ValueError, EOFError) as exc:
            raise UnreadableFile(f"image data broken on page {page + 1}: {exc}", subject=path) from exc
        text.add(ocr_page(image, path, page + 1))
    if not text.blocks:
        raise NoArticleText("OCR found no text in this image", subject=path)
    article = document_article(
        path,
        text.blocks,
        metadata={},
        page_count=frames if frames > 1 else 0,
        ocr_confidence=text.confidence,
    )
    return [article]
