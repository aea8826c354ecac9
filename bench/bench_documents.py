"""Pages per second for PDFs with a text layer and for scans read by OCR (Tesseract), through `read_file`.

    PYTHONPATH=. .venv/bin/python bench/bench_documents.py [--repeat 200] [--scan-pages 3]

The documents are made here (reportlab for text, Pillow for scans at 300 dpi, tests/makers.py), so the figures
measure the readers alone: layout, paragraphs, furniture, and for scans rendering plus Tesseract.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from archive.ingest.readers.formats import read_file
from tests.makers import SCAN_LINES, pdf_bytes, press_release_blocks, scan_image, scanned_pdf_bytes


def rate(path: Path, pages: int, rounds: int) -> float:
    """Pages per second over `rounds` reads (the best round: the machine is shared)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        result = read_file(path, max_bytes=1 << 30)
        best = min(best, time.perf_counter() - started)
        assert result.articles and not result.errors, [e.message for e in result.errors]
    return pages / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="rounds of a press release (four make a page)")
    parser.add_argument("--scan-pages", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        text_pdf = Path(folder) / "text.pdf"
        text_pdf.write_bytes(pdf_bytes(press_release_blocks(repeat=args.repeat), running_header="Press release"))
        import pypdfium2 as pdfium

        pages = len(pdfium.PdfDocument(text_pdf.read_bytes()))
        print(f"text layer: {rate(text_pdf, pages, 3):,.1f} pages/s ({pages} pages, pypdfium2)")
        if shutil.which("tesseract") is None:
            print("OCR: skipped, Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng)")
            sys.exit(0)
        page = scan_image([*SCAN_LINES, *(SCAN_LINES[2:] * 12)])  # a page of text, 300 dpi
        scan_pdf = Path(folder) / "scan.pdf"
        scan_pdf.write_bytes(scanned_pdf_bytes([page] * args.scan_pages))
        print(f"OCR: {rate(scan_pdf, args.scan_pages, 1):,.2f} pages/s ({args.scan_pages} pages at 300 dpi, "
              f"{page.size[0]}x{page.size[1]} px, Tesseract, one thread)")  # fmt: skip


if __name__ == "__main__":
    main()
