"""PDF documents: the text layer in reading order, by pages; pages without one read by OCR.

pypdfium2 (PDFium, as Chrome uses it; Apache-2.0/BSD) gives each page's text lines with their boxes and
font sizes. From them:

- reading order: the page is cut recursively at its widest empty gap, across or down (an XY cut), so
  columns are read one after the other and a headline over them first;
- paragraphs: lines join until a larger gap, an indented first line, a change of type size or a short
  line that ends a sentence; a word broken by a hyphen at a line's end is joined again; a paragraph
  that runs over a page break continues;
- headings: short paragraphs set larger than the body text (the largest first on page 1 is the headline);
- running headers and footers (a line in the top or bottom margin that recurs, digits aside, on half the
  pages) and page numbers (`3`, `Page 3 of 9`, `- 3 -`) are dropped.

Each paragraph keeps the page it starts on, so the article knows where its pages start. The document
info (Title, Author, CreationDate, ModDate, Subject, Keywords, Producer) goes to `metadata`. A page with
(almost) no text but an image is a scan: it is rendered at 300 dpi and read by Tesseract (archive.ingest.
readers.ocr). An encrypted PDF that needs a password, or a file PDFium cannot open, is one clear error.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from archive.article import Article
from archive.errors import ArchiveError, FileTooLarge, NoArticleText, OcrUnavailable, UnreadableFile
from archive.ingest.readers.documents import (
    SOFT_HYPHENS,
    Block,
    document_article,
    join_lines,
    mend_hyphens,
    metadata_date,
)
from archive.ingest.readers.ocr import MAX_OCR_PAGES, OCR_DPI, OcrText, ocr_page

MAX_PAGES = 5000  # pages of one PDF read for text
SCAN_MAX_CHARS = 20  # a page with fewer characters of text than this, and an image, is a scan
MARGIN = 0.1  # the top and bottom tenth of a page: where running headers, footers and page numbers sit
RUNNING_SHARE = 0.5  # a margin line on at least this share of the pages (two at least) is furniture
PARAGRAPH_GAP = 1.3  # baselines this much further apart than the lines' own spacing: a new paragraph
HEADING_RATIO = 1.15  # type this much larger than the body's is a heading
MAX_HEADING_CHARS = 200
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–—(\[]?\s*\d{1,4}\s*[-–—)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_SENTENCE_END = re.compile(r"[.!?:][\"'”’)]?$")
_INFO_KEYS = {"Title": "title", "Author": "author", "Subject": "subject", "Keywords": "keywords",
              "Creator": "creator", "Producer": "producer"}  # fmt: skip
_PLACEHOLDER = frozenset({"", "(unspecified)", "unknown", "untitled", "anonymous"})


@dataclass(frozen=True)
class Line:
    """One line of text on a page, in points from the page's top-left corner."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    size: float  # font size
    baseline: float  # where the first character sits: the line-to-line distance without the glyphs' heights

    @property
    def height(self) -> float:
        return self.bottom - self.top


def read_pdf(data: bytes, path: str) -> list[Article | ArchiveError]:
    """The PDF as one article (then an error, when some scanned pages could not be read), or the error alone."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableFile("an encrypted PDF: it needs a password to open", subject=path) from exc
        raise UnreadableFile(f"not a PDF that can be read ({exc})", subject=path) from exc
    try:
        pages = len(pdf)
        if pages > MAX_PAGES:
            raise FileTooLarge(f"{pages:,} pages, limit {MAX_PAGES:,}", subject=path)
        metadata = _metadata(pdf)
        lines, scans = _text_lines(pdf)
        blocks = _blocks(lines)
        problem: ArchiveError | None = None
        confidence = None
        if scans:
            try:
                ocr = _ocr(pdf, scans, path)
            except (OcrUnavailable, UnreadableFile) as exc:
                if not blocks:
                    raise
                problem = exc
                exc.detail = f"pages {_ranges(scans)} are scans and were not read: {exc.detail}"
            else:
                blocks = sorted(blocks + ocr.blocks, key=lambda b: b.page or 0)  # stable: each page keeps its order
                confidence = ocr.confidence if ocr.confidences else None
    finally:
        pdf.close()
    if not blocks:
        raise NoArticleText("no text on any page", subject=path)
    article = document_article(path, blocks, metadata=metadata, page_count=pages, ocr_confidence=confidence)
    return [article, problem] if problem else [article]


def _metadata(pdf: object) -> dict[str, str]:
    info = pdf.get_metadata_dict(skip_empty=True)  # type: ignore[attr-defined]
    out = {key: " ".join(str(info[name]).split()) for name, key in _INFO_KEYS.items() if name in info}
    out = {k: v for k, v in out.items() if v.lower() not in _PLACEHOLDER}
    for name, key in (("CreationDate", "created"), ("ModDate", "modified")):
        if found := metadata_date(info.get(name)):
            out[key] = found
    out["pages"] = str(len(pdf))  # type: ignore[arg-type]
    return out


def _text_lines(pdf: object) -> tuple[list[list[Line]], list[int]]:
    """Each page's lines (running headers and page numbers not yet dropped), and the pages that are scans."""
    import pypdfium2.raw as raw

    pages: list[list[Line]] = []
    scans: list[int] = []
    for number in range(len(pdf)):  # type: ignore[arg-type]
        page = pdf[number]  # type: ignore[index]
        try:
            textpage = page.get_textpage()
            height = page.get_height()
            text = textpage.get_text_range()
            lines = []
            if len(text) == textpage.count_chars():  # char indices are text indices (no expanded ligatures)
                lines = list(_lines(textpage, text, height, raw))
            elif text.strip():
                lines = [
                    Line(t, 0, i * 12.0, 500, i * 12.0 + 10, 10, i * 12.0 + 10) for i, t in enumerate(text.splitlines())
                ]
            if sum(len(line.text) for line in lines) < SCAN_MAX_CHARS and _has_image(page, raw):
                scans.append(number + 1)
                lines = []
            pages.append(lines)
            textpage.close()
        finally:
            page.close()
    return pages, scans


def _lines(textpage: object, text: str, height: float, raw: object) -> list[Line]:
    """The page's text lines as PDFium breaks them (at `\\r\\n`), each with its box and font size."""
    out = []
    start = 0
    for piece in text.split("\r\n"):
        end = start + len(piece)
        stripped = piece.strip()
        if stripped:
            first = start + len(piece) - len(piece.lstrip())
            last = start + len(piece.rstrip()) - 1
            left, _, _, top = textpage.get_charbox(first)  # type: ignore[attr-defined]
            right, bottom, _, _ = textpage.get_charbox(last)  # type: ignore[attr-defined]
            boxes = [textpage.get_charbox(i) for i in (first, (first + last) // 2, last)]  # type: ignore[attr-defined]
            top = max(b[3] for b in boxes)
            bottom = min(b[1] for b in boxes)
            right = max(b[2] for b in boxes)
            size = raw.FPDFText_GetFontSize(textpage.raw, (first + last) // 2)  # type: ignore[attr-defined]
            x, y = ctypes.c_double(), ctypes.c_double()
            if not raw.FPDFText_GetCharOrigin(textpage.raw, first, ctypes.byref(x), ctypes.byref(y)):  # type: ignore[attr-defined]
                y.value = bottom
            text_line = mend_hyphens(" ".join(stripped.split()))
            out.append(Line(text_line, left, height - top, right, height - bottom, size or 10.0, height - y.value))
        start = end + 2
    return out


def _has_image(page: object, raw: object) -> bool:
    return any(obj.type == raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))  # type: ignore[attr-defined]


def _ocr(pdf: object, scans: list[int], path: str) -> OcrText:
    if len(scans) > MAX_OCR_PAGES:
        raise UnreadableFile(f"{len(scans)} scanned pages, OCR limit {MAX_OCR_PAGES}", subject=path)
    text = OcrText()
    for number in scans:
        page = pdf[number - 1]  # type: ignore[index]
        try:
            image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
        finally:
            page.close()
        text.add(ocr_page(image, path, number))
    return text


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> `1-3, 7`."""
    out: list[str] = []
    for number in numbers:
        if out and out[-1].split("-")[-1] == str(number - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{number}"
        else:
            out.append(str(number))
    return ", ".join(out)


def _blocks(pages: list[list[Line]]) -> list[Block]:
    """Paragraphs and headings of every page, in reading order, without running headers, footers, page numbers."""
    heights = [max((line.bottom for line in lines), default=0.0) for lines in pages]
    furniture = _running_lines(pages, heights)
    ordered = [[line for line in _reading_order(lines) if _key(line) not in furniture] for lines in pages]
    sizes = Counter(round(line.size) for lines in ordered for line in lines for _ in line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    blocks: list[Block] = []
    for number, lines in enumerate(ordered, start=1):
        lines = [line for line in lines if not _is_page_number(line, lines)]
        for paragraph, heading in _paragraphs(lines, body_size):
            text = join_lines([line.text for line in paragraph])
            previous = blocks[-1] if blocks else None
            if (
                previous
                and not heading
                and not previous.heading
                and paragraph is not None
                and _continues(previous.text, text, first_on_page=paragraph[0] is lines[0])
            ):
                blocks[-1] = Block(join_lines([previous.text, text]), page=previous.page)
                continue
            blocks.append(Block(text, heading=heading, page=number))
    return blocks


def _continues(before: str, text: str, *, first_on_page: bool) -> bool:
    """True when a page's first paragraph goes on with the sentence the last page ended in."""
    return first_on_page and not _SENTENCE_END.search(before) and (text[:1].islower() or before[-1:] in SOFT_HYPHENS)


def _key(line: Line) -> str:
    return re.sub(r"\d+", "#", line.text.lower())


def _in_margin(line: Line, height: float) -> bool:
    return line.top < MARGIN * height or line.bottom > (1 - MARGIN) * height


def _running_lines(pages: list[list[Line]], heights: list[float]) -> set[str]:
    """Lines in the margins that recur (digits aside) on at least half of the pages, and on two or more."""
    if len(pages) < 2:
        return set()
    page_height = max(heights) or 792.0
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({_key(line) for line in lines if _in_margin(line, page_height)})
    needed = max(2, RUNNING_SHARE * len(pages))
    return {key for key, count in seen.items() if count >= needed}


def _is_page_number(line: Line, lines: list[Line]) -> bool:
    """A page number alone on a line above or below all the page's text."""
    if not _PAGE_NUMBER.match(line.text):
        return False
    return line.top <= min(x.top for x in lines) or line.bottom >= max(x.bottom for x in lines)


def _reading_order(lines: list[Line]) -> list[Line]:
    """The lines in reading order: the block is cut at its widest empty gap, across (a row) or down (a column
    gutter), and each part read in turn, top before bottom and left before right."""
    if len(lines) < 2:
        return lines
    across = _widest_gap([(line.top, line.bottom) for line in lines])
    down = _widest_gap([(line.left, line.right) for line in lines])
    size = statistics.median(line.size for line in lines)
    if down and down[1] >= max(size, 8.0) and (not across or down[1] >= across[1]):
        cut = down[0]
        parts = [[x for x in lines if x.right <= cut], [x for x in lines if x.right > cut]]
    elif across:
        cut = across[0]
        parts = [[x for x in lines if x.bottom <= cut], [x for x in lines if x.bottom > cut]]
    else:
        return sorted(lines, key=lambda x: (round(x.top), x.left))
    return [line for part in parts for line in _reading_order(part)]


def _widest_gap(spans: list[tuple[float, float]]) -> tuple[float, float] | None:
    """(where, how wide) of the widest stretch that no span covers, between the first span and the last."""
    best = None
    spans = sorted(spans)
    reach = spans[0][1]
    for start, end in spans[1:]:
        if start > reach and (best is None or start - reach > best[1]):
            best = (start, start - reach)
        reach = max(reach, end)
    return best


def _paragraphs(lines: list[Line], body_size: float) -> list[tuple[list[Line], bool]]:
    """The lines (in reading order) grouped into paragraphs, each marked when it is a heading."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and not _starts_paragraph(groups[-1], line, body_size):
            groups[-1].append(line)
        else:
            groups.append([line])
    out = []
    for group in groups:
        size = statistics.median(line.size for line in group)
        chars = sum(len(line.text) for line in group)
        out.append((group, size >= HEADING_RATIO * body_size and chars <= MAX_HEADING_CHARS and len(group) <= 3))
    return out


def _starts_paragraph(group: list[Line], line: Line, body_size: float) -> bool:
    previous = group[-1]
    pitch = statistics.median([b.baseline - a.baseline for a, b in itertools.pairwise(group)] or [previous.size * 1.2])
    gap = line.baseline - previous.baseline
    left = min(x.left for x in group)
    right = max(x.right for x in group)
    if gap < 0 or gap > PARAGRAPH_GAP * max(pitch, previous.size) or line.left < left - previous.size * 3:
        return True  # a new column, or white space between
    if abs(line.size - previous.size) > 0.15 * max(line.size, previous.size, body_size * 0.5):
        return True  # a heading begins or ends
    if line.left > left + previous.size * 1.2 and len(group) > 1:
        return True  # an indented first line
    short = previous.right < left + 0.75 * (right - left) and len(group) > 1
    return short and bool(_SENTENCE_END.search(previous.text))
