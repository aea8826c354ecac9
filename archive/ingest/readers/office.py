"""Word (`.docx`), OpenDocument text (`.odt`) and RTF: paragraphs and headings, and the document's own metadata.

- `.docx` through python-docx: body paragraphs and tables in document order (running headers and
  footers are not body); the `Title` style is the headline, `Heading N` styles are subheads; core
  properties give title, author, created, modified, subject, keywords.
- `.odt` through odfpy: `text:h` are headings, `text:p` paragraphs (in lists, tables and sections too);
  a paragraph in the `Title` style is the headline; meta.xml gives title, creator, dates, subject.
- `.rtf` through striprtf: one paragraph per `\\par`; the `{\\info}` group gives title, author, dates.
- `.doc` (Word 97-2003): no maintained permissive reader exists, so each gets one line saying how to convert it.

Office files are ZIP archives: one whose parts would unpack past MAX_UNPACKED (a zip bomb), or that is
not a whole ZIP (truncated, damaged), fails with one line, as does a ZIP that is not the format its name says.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from archive.article import Article
from archive.errors import FileTooLarge, UnreadableFile, UnsupportedFormat
from archive.ingest.readers.documents import Block, document_article, metadata_date

MAX_UNPACKED = 512 * 2**20  # what an office file's parts may unpack to: far above any real one
CONVERT_DOC = "legacy Word .doc: convert it to .docx first (e.g. `soffice --headless --convert-to docx FILE`)"
_HEADING_STYLE = re.compile(r"^(?:heading\s*\d|title|subtitle)$", re.I)


def _zip(data: bytes, path: str, kind: str, part: str) -> None:
    """Refuse what is not a whole ZIP holding `part`, or would unpack too far."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise UnreadableFile(f"a broken {kind} file: not a whole ZIP archive ({exc})", subject=path) from exc
    if part not in names:
        raise UnreadableFile(f"not a {kind} file: a ZIP archive without {part}", subject=path)
    if unpacked > MAX_UNPACKED:
        raise FileTooLarge(
            f"its parts unpack to {unpacked:,} bytes, limit {MAX_UNPACKED:,} (a zip bomb?)", subject=path
        )


def read_docx(data: bytes, path: str) -> list[Article]:
    """A Word document as one article."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _zip(data, path, "DOCX", "word/document.xml")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnreadableFile(f"a broken DOCX file: {exc}", subject=path) from exc
    blocks = list(_docx_blocks(document))
    props = document.core_properties
    metadata = {
        "title": props.title or "",
        "author": props.author or "",
        "subject": props.subject or "",
        "keywords": props.keywords or "",
        "created": metadata_date(props.created) or "",
        "modified": metadata_date(props.modified) or "",
    }
    return [document_article(path, blocks, metadata=metadata)]


def _docx_blocks(document: Any) -> Iterator[Block]:
    from docx.table import Table

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))  # merged cells repeat
                if text := " | ".join(c for c in cells if c):
                    yield Block(text)
            continue
        style = item.style.name if item.style is not None else ""
        for piece in item.text.split("\n"):  # a line break within a paragraph (`<w:br/>`)
            yield Block(piece, heading=bool(_HEADING_STYLE.match(style or "")))


def read_odt(data: bytes, path: str) -> list[Article]:
    """An OpenDocument text as one article."""
    from odf.opendocument import load

    _zip(data, path, "ODT", "content.xml")
    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises whatever its XML parser or zipfile raised
        raise UnreadableFile(f"a broken ODT file: {type(exc).__name__}: {exc}"[:300], subject=path) from exc
    titles = _odt_title_styles(document)
    blocks = list(_odt_blocks(document.text, titles))
    return [document_article(path, blocks, metadata=_odt_metadata(document))]


def _odt_title_styles(document: Any) -> set[str]:
    """The paragraph styles that are the Title style or an automatic style made from it."""
    from odf.namespaces import STYLENS

    names = {"Title"}
    for style in document.automaticstyles.childNodes:
        is_style = getattr(style, "qname", None) == (STYLENS, "style")
        if is_style and style.attributes.get((STYLENS, "parent-style-name")) in names:
            names.add(style.attributes.get((STYLENS, "name")))
    return names


def _odt_blocks(node: Any, titles: set[str]) -> Iterator[Block]:
    from odf import teletype
    from odf.namespaces import OFFICENS, TEXTNS

    for child in node.childNodes:
        qname = getattr(child, "qname", None)
        if qname in ((TEXTNS, "h"), (TEXTNS, "p")):
            for annotation in [c for c in child.childNodes if getattr(c, "qname", None) == (OFFICENS, "annotation")]:
                child.removeChild(annotation)  # comments are not the text
            heading = qname == (TEXTNS, "h") or child.attributes.get((TEXTNS, "style-name")) in titles
            for piece in teletype.extractText(child).split("\n"):
                yield Block(piece, heading=heading)
        elif qname not in ((TEXTNS, "tracked-changes"), (OFFICENS, "annotation")) and child.nodeType == 1:
            yield from _odt_blocks(child, titles)


def _odt_metadata(document: Any) -> dict[str, str]:
    from odf import teletype
    from odf.namespaces import DCNS, METANS

    found: dict[str, str] = {}
    keys = {
        (DCNS, "title"): "title", (DCNS, "creator"): "author", (METANS, "initial-creator"): "author",
        (DCNS, "subject"): "subject", (METANS, "keyword"): "keywords",
        (METANS, "creation-date"): "created", (DCNS, "date"): "modified",
    }  # fmt: skip
    for node in document.meta.childNodes:
        key = keys.get(getattr(node, "qname", None))
        if key and key not in found and (text := teletype.extractText(node).strip()):
            found[key] = (metadata_date(text) or "") if key in ("created", "modified") else text
    return found


_RTF_INFO = re.compile(r"\{\\(title|author|subject|keywords)\s+((?:[^{}\\]|\\.)*)\}")
_RTF_TIME = re.compile(r"\{\\(creatim|revtim)\\yr(\d{4})\\mo(\d\d?)\\dy(\d\d?)(?:\\hr(\d\d?))?(?:\\min(\d\d?))?")


def read_rtf(data: bytes, path: str) -> list[Article]:
    """An RTF document as one article: a paragraph per `\\par`."""
    from striprtf.striprtf import rtf_to_text

    raw = data.decode("cp1252", errors="replace")  # RTF is 7-bit; 8-bit bytes are the ANSI code page's
    if not raw.lstrip().startswith("{\\rtf"):
        raise UnreadableFile("not an RTF document (no {\\rtf header)", subject=path)
    try:
        text = rtf_to_text(raw, errors="replace")
    except (ValueError, LookupError, IndexError) as exc:
        raise UnreadableFile(f"a broken RTF document: {exc}", subject=path) from exc
    metadata: dict[str, str] = {}
    for key, value in _RTF_INFO.findall(raw):
        metadata.setdefault(key, rtf_to_text("{\\rtf1 " + value + "}").strip())
    for key, *parts in _RTF_TIME.findall(raw):
        year, month, day, hour, minute = parts
        stamp = f"{year}-{int(month):02d}-{int(day):02d}" + (
            f"T{int(hour):02d}:{int(minute or 0):02d}:00" if hour else ""
        )
        metadata.setdefault("created" if key == "creatim" else "modified", metadata_date(stamp) or "")
    blocks = [Block(line) for line in text.split("\n")]
    return [document_article(path, blocks, metadata=metadata)]


def read_doc(data: bytes, path: str) -> list[Article]:
    """Word 97-2003 `.doc`: not read; one line says how to convert it."""
    raise UnsupportedFormat(CONVERT_DOC, subject=path)
