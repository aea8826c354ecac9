"""Documents (PDF, Word, OpenDocument, RTF, Markdown, scans) to an article, with the news reading on top.

Each document reader gives its text as blocks (a paragraph or a heading, and the page it starts on)
and what the file says about itself (title, author, dates). This module makes the article the way
wire copy is read: a title or first heading is the headline, a `By …` line the byline, a dateline
(`LONDON, March 3 (Reuters) -`) the place and agency, a credit line the credits; the other headings are
subheads. The file's own metadata is kept apart (`metadata`), and is used only where the text says
nothing: a headline, an author, a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from archive.article import Article
from archive.ingest.readers.bylines import author_names
from archive.ingest.readers.dates import iso_date
from archive.ingest.readers.wire import article_from_paragraphs

SOFT_HYPHENS = "\u00ad\x02"  # what PDFs and OCR leave where a word was broken at a line's end
_BROKEN_WORD = re.compile(r"[^\W\d_]-$")
_MARKED_BREAK = re.compile(r"\ufffe(?=(.?))")  # PDFium's mark where a line ended in a hyphen it took off
# Titles that tools write for the user: a file name, "Untitled", "Microsoft Word - memo.doc".
_TOOL_TITLE = re.compile(
    r"^(?:untitled|document\d*|microsoft (?:word|powerpoint) - .*|.*\.(?:docx?|odt|rtf|pdf|txt|tiff?|png|jpe?g))$",
    re.I,
)
MAX_TITLE = 200
LOOK_AHEAD = 50  # blocks a body paragraph is looked for in (only the headline and byline are dropped)


@dataclass(frozen=True)
class Block:
    """A paragraph or a heading of a document, and the page (from 1) it starts on when the document has pages."""

    text: str
    heading: bool = False
    page: int | None = None


def join_lines(lines: list[str]) -> str:
    """The lines of one paragraph as one line: a word broken across lines by a hyphen is whole again.

    A soft hyphen always joins; a hard one joins a lower-case continuation (`recon-` `struction`) and
    stays before a capital (`Franco-` `German` is `Franco-German`).
    """
    out = ""
    for line in (" ".join(line.split()) for line in lines):
        if not line:
            continue
        if not out:
            out = line
        elif out[-1] in SOFT_HYPHENS or (_BROKEN_WORD.search(out) and line[0].islower()):
            out = out[:-1] + line
        elif _BROKEN_WORD.search(out):
            out += line
        else:
            out = f"{out} {line}"
    return mend_hyphens(out)


def mend_hyphens(text: str) -> str:
    """Text with the hyphens PDFium and OCR mark at a broken word (U+FFFE, soft hyphens) mended as `join_lines` does."""
    text = _MARKED_BREAK.sub(lambda m: "" if m.group(1)[:1].islower() else "-", text)
    return text.replace("\u00ad", "").replace("\x02", "")


def useful_title(title: str | None) -> str | None:
    """A document's metadata title when it names the document, not the tool or the file."""
    title = " ".join((title or "").split())
    if not title or len(title) > MAX_TITLE or _TOOL_TITLE.match(title) or not re.search(r"[^\W\d_]", title):
        return None
    return title


def metadata_date(value: object) -> str | None:
    """A metadata date (a datetime, ISO 8601, or PDF's `D:20240305120000+01'00'`) as ISO 8601."""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value or "").strip()
    if match := re.match(r"^D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?(Z|[+-]\d\d'?\d\d'?)?", text):
        year, month, day, hour, minute, second, zone = match.groups()
        text = f"{year}-{month or '01'}-{day or '01'}"
        if hour:
            text += f"T{hour}:{minute or '00'}:{second or '00'}"
            if zone:
                text += "+00:00" if zone == "Z" else f"{zone[:3]}:{zone.replace(chr(39), '')[3:5] or '00'}"
    return iso_date(text) if text else None


def document_article(
    source: str,
    blocks: list[Block],
    *,
    metadata: dict[str, str],
    page_count: int = 0,
    ocr_confidence: float | None = None,
) -> Article:
    """The article a document's blocks make (see the module's docstring); NoArticleText when they hold none.

    `page_count` > 0 records where each page starts in the body; `ocr_confidence` marks OCR'd text.
    """
    blocks = [b for b in (replace(b, text=" ".join(b.text.split())) for b in blocks) if b.text]
    headline = None
    if blocks and blocks[0].heading and len(blocks) > 1:
        headline = blocks.pop(0).text
    headings = frozenset(b.text for b in blocks if b.heading)
    metadata = {k: v for k, v in metadata.items() if v}
    article = article_from_paragraphs(
        source, [b.text for b in blocks], headline=headline, headings=headings, published=metadata.get("created")
    )
    if article.headline_derived and (title := useful_title(metadata.get("title"))):
        article = replace(article, headline=title, headline_derived=False)
    if not article.authors and not article.byline and (names := author_names(metadata.get("author") or "")):
        article = replace(article, authors=names)
    return replace(
        article,
        metadata=metadata,
        page_starts=_page_starts(article.body, blocks, page_count) if page_count else (),
        ocr=ocr_confidence is not None,
        ocr_confidence=None if ocr_confidence is None else round(ocr_confidence, 3),
    )


def _page_starts(body: str, blocks: list[Block], page_count: int) -> tuple[int, ...]:
    """Where each page starts in the body: the offset of its first paragraph (or the next page's, when a page
    gives none). The body's paragraphs are the blocks' in order, the first and last perhaps trimmed of a
    dateline or a credit line, some dropped (the headline, the byline): each is found in the block it came from."""
    starts = [0]
    j = 0
    offset = 0
    for paragraph in body.split("\n\n"):
        k = next((k for k in range(j, min(j + LOOK_AHEAD, len(blocks))) if paragraph in blocks[k].text), j)
        j = k
        page = min(page_count, (blocks[j].page or 1) if blocks else 1)
        starts += [offset] * (page - len(starts))  # this page, and those before it that gave no text
        offset += len(paragraph) + 2
    starts += [len(body)] * (page_count - len(starts))
    return tuple(starts)
