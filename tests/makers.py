"""Documents the tests make, as a newsroom keeps them: PDFs (with a text layer, scanned, encrypted), Word,
OpenDocument, RTF, scans, e-mails, mailboxes and Outlook .msg files. Each is made by a real writer
(reportlab, python-docx, odfpy, Pillow, the stdlib's email package) or, for .msg, by the small compound-file
writer below, so the readers meet real files. Shared by the tests and bench/bench_documents.py.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

PRESS_RELEASE = [
    "By Jane Doe and Omar Haddad",
    "LONDON, March 3 (Reuters) - The Brackenholt harbour will reopen on Tuesday after engineers finished "
    "repairs to the breakwater that a winter storm had broken in two places, the port authority said.",
    "Ferries to the outer islands will resume their summer timetable on Wednesday, and the fishing fleet, "
    "which has landed its catch at Duskvale since January, is expected back within the week.",
    "The repairs cost four million pounds, a third less than the council had feared when it asked the "
    "government for emergency funds in February, a spokeswoman for the authority said.",
    "Shipping companies welcomed the news but warned that insurance premiums for the port would stay high "
    "until an independent survey of the new sea wall was published later this year.",
]
SCAN_LINES = [
    "Council approves ferry budget",
    "",
    "The council voted on Monday to keep the island ferry",
    "running through the winter, after fishermen and",
    "shopkeepers signed a petition with four thousand names.",
]
TESSERACT_MISSING = "needs Tesseract OCR (Debian: apt-get install tesseract-ocr tesseract-ocr-eng; `make test` does it)"


def need_tesseract() -> None:
    """Skip, saying why, where Tesseract is not installed (CI has it: the Makefile installs it)."""
    if shutil.which("tesseract") is None:
        pytest.skip(TESSERACT_MISSING)


def pdf_bytes(
    blocks: Sequence[tuple[str, str]],
    *,
    title: str = "",
    author: str = "",
    running_header: str = "",
    page_numbers: bool = True,
    columns: int = 1,
    encrypt: str | None = None,
) -> bytes:
    """A PDF with a text layer: `blocks` are (reportlab style name, text): Title, Heading2, BodyText…"""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    width, height = A4

    def furniture(canvas: object, doc: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont("Helvetica", 8)  # type: ignore[attr-defined]
        if running_header:
            canvas.drawString(72, height - 40, running_header)  # type: ignore[attr-defined]
        if page_numbers:
            canvas.drawCentredString(width / 2, 30, f"Page {doc.page}")  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    gutter = 18
    frame_width = (width - 144 - gutter * (columns - 1)) / columns
    frames = [Frame(72 + i * (frame_width + gutter), 72, frame_width, height - 144) for i in range(columns)]
    doc = BaseDocTemplate(buffer, pagesize=A4, title=title, author=author, encrypt=encrypt)
    doc.addPageTemplates([PageTemplate(frames=frames, onPage=furniture)])
    doc.build([Paragraph(text, styles[style]) for style, text in blocks])
    return buffer.getvalue()


def press_release_blocks(repeat: int = 1) -> list[tuple[str, str]]:
    """A press release: headline, byline, dateline and story (the story `repeat` times, with subheads)."""
    blocks = [("Title", "Brackenholt harbour to reopen after storm repairs"), ("BodyText", PRESS_RELEASE[0])]
    for round_ in range(repeat):
        if round_:
            blocks.append(("Heading2", f"Update {round_}"))
        blocks += [("BodyText", text) for text in PRESS_RELEASE[1:]]
    return blocks


def scan_image(lines: Sequence[str] = SCAN_LINES, *, dpi: int = 300) -> object:
    """A clean scan: black text on white at `dpi`, as a Pillow image (12-point type at 300 dpi)."""
    from PIL import Image, ImageDraw, ImageFont

    size = round(12 * dpi / 72)
    font = ImageFont.load_default(size=size)
    image = Image.new("L", (round(7.5 * dpi), round(size * 1.6 * (len(lines) + 4))), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((dpi // 2, round(size * (2 + 1.6 * i))), line, fill=0, font=font)
    return image


def png_bytes(image: object, dpi: int = 300) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))  # type: ignore[attr-defined]
    return buffer.getvalue()


def scanned_pdf_bytes(images: Sequence[object], dpi: int = 300) -> bytes:
    """A PDF of page images and no text layer, as a scanner writes it."""
    buffer = io.BytesIO()
    first, *rest = [image.convert("RGB") for image in images]  # type: ignore[attr-defined]
    first.save(buffer, format="PDF", resolution=dpi, save_all=True, append_images=rest)
    return buffer.getvalue()


def docx_bytes(*, title: str, author: str, created: datetime, paragraphs: Sequence[tuple[str, str]]) -> bytes:
    """A Word file: `paragraphs` are (kind, text), kind `title`, `heading`, `text` or `table` (cells by `|`)."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = author
    document.core_properties.created = created
    for kind, text in paragraphs:
        if kind == "title":
            document.add_heading(text, level=0)
        elif kind == "heading":
            document.add_heading(text, level=1)
        elif kind == "table":
            cells = text.split("|")
            table = document.add_table(rows=1, cols=len(cells))
            for cell, value in zip(table.rows[0].cells, cells, strict=True):
                cell.text = value.strip()
        else:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes(*, title: str, author: str, created: str, paragraphs: Sequence[tuple[str, str]]) -> bytes:
    """An OpenDocument text: (kind, text) as for `docx_bytes` (title, heading, text)."""
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.style import Style
    from odf.text import H, P

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=title))
    document.meta.addElement(dc.Creator(text=author))
    document.meta.addElement(meta.CreationDate(text=created))
    title_style = Style(name="Title", family="paragraph")
    document.styles.addElement(title_style)
    for kind, text in paragraphs:
        if kind == "title":
            document.text.addElement(P(stylename=title_style, text=text))
        elif kind == "heading":
            document.text.addElement(H(outlinelevel=2, text=text))
        else:
            document.text.addElement(P(text=text))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def rtf_bytes(*, title: str, author: str, paragraphs: Sequence[str]) -> bytes:
    """An RTF document as word processors write it: an info group, a font table, a `\\par` per paragraph."""

    def escape(text: str) -> str:
        return "".join(c if ord(c) < 128 else f"\\'{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c)}?" for c in text)

    body = "\\par\n".join(escape(p) for p in paragraphs)
    info = (
        f"{{\\info{{\\title {escape(title)}}}{{\\author {escape(author)}}}{{\\creatim\\yr2024\\mo3\\dy6\\hr8\\min15}}}}"
    )
    head = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}"
    return f"{head}{info}\n\\f0\\fs24 {body}\\par\n}}".encode("ascii")


def email_bytes(
    *,
    subject: str,
    sender: str,
    date: datetime,
    message_id: str,
    text: str = "",
    html: str = "",
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> bytes:
    """An e-mail as a mail program sends it: text and/or HTML body, attachments (name, MIME type, bytes)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "newsdesk@gazette.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = f"<{message_id}>"
    message.set_content(text or "This message has an HTML body.")
    if html:
        message.add_alternative(html, subtype="html")
    for name, mime, data in attachments:
        maintype, subtype = mime.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def mbox_bytes(messages: Sequence[bytes]) -> bytes:
    """Messages in one mbox (mboxrd: body lines starting `From ` escaped)."""
    out = b""
    for message in messages:
        body = b"\n".join(
            b">" + line if line.lstrip(b">").startswith(b"From ") else line for line in message.split(b"\n")
        )
        out += (
            b"From newsdesk@gazette.example Tue Mar  5 09:30:00 2024\n"
            + body.replace(b"\r\n", b"\n").rstrip(b"\n")
            + b"\n\n"
        )
    return out


# A small writer of OLE compound files (MS-CFB version 3), enough for Outlook .msg files: no writer of
# them is packaged under a permissive licence.
_SECTOR, _MINI, _CUTOFF = 512, 64, 4096
_END, _FREE, _FATSECT, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams` (paths `storage/stream`), small ones in the mini stream."""
    nodes: list[dict] = [{"name": "Root Entry", "type": 5, "children": [], "data": b""}]
    index: dict[tuple[str, ...], int] = {(): 0}
    for path, data in streams.items():
        parts = tuple(path.split("/"))
        for depth in range(1, len(parts) + 1):
            key = parts[:depth]
            if key not in index:
                index[key] = len(nodes)
                leaf = depth == len(parts)
                nodes.append(
                    {"name": parts[depth - 1], "type": 2 if leaf else 1, "children": [], "data": data if leaf else b""}
                )
                nodes[index[key[:-1]]]["children"].append(index[key])
    mini, minifat = bytearray(), []
    fat: list[int] = []
    sectors = bytearray()

    def allocate(data: bytes) -> int:
        count = -(-len(data) // _SECTOR)
        if not count:
            return _END
        start = len(fat)
        fat.extend([start + i + 1 for i in range(count - 1)] + [_END])
        sectors.extend(data.ljust(count * _SECTOR, b"\0"))
        return start

    for node in nodes[1:]:
        data = node["data"]
        if node["type"] != 2 or not data:
            node["start"] = _END
        elif len(data) < _CUTOFF:
            count = -(-len(data) // _MINI)
            node["start"] = len(minifat)
            minifat.extend([len(minifat) + i + 1 for i in range(count - 1)] + [_END])
            mini.extend(data.ljust(count * _MINI, b"\0"))
        else:
            node["start"] = allocate(data)
    nodes[0]["start"], nodes[0]["data"] = allocate(bytes(mini)), bytes(mini)
    minifat_data = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_data += b"\xff" * (-len(minifat_data) % _SECTOR)
    minifat_start = allocate(minifat_data) if minifat else _END
    entries = b"".join(_entry(node, nodes) for node in nodes)
    entries += b"".join(_entry(None, nodes) for _ in range(-len(nodes) % 4))
    directory_start = allocate(entries)
    fat_sectors = 1
    while len(fat) + fat_sectors > fat_sectors * (_SECTOR // 4):
        fat_sectors += 1
    fat_start = len(fat)
    fat.extend([_FATSECT] * fat_sectors)
    fat.extend([_FREE] * (fat_sectors * (_SECTOR // 4) - len(fat)))
    sectors.extend(struct.pack(f"<{len(fat)}I", *fat))
    difat = [fat_start + i for i in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, fat_sectors, directory_start, 0,
                          _CUTOFF, minifat_start, len(minifat_data) // _SECTOR if minifat else 0, _END, 0)  # fmt: skip
    header += struct.pack("<109I", *difat)
    return header + bytes(sectors)


def _entry(node: dict | None, nodes: list[dict]) -> bytes:
    if node is None:
        return (
            bytes(64)
            + struct.pack("<HBBIII", 0, 0, 0, _NONE, _NONE, _NONE)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", 0, 0)
        )
    name = node["name"].encode("utf-16-le") + b"\0\0"
    me = nodes.index(node)
    parent = next((n for n in nodes if me in n["children"]), None)
    right = _NONE
    if parent is not None:
        kids = parent["children"]
        position = kids.index(me)
        right = kids[position + 1] if position + 1 < len(kids) else _NONE
    child = node["children"][0] if node["children"] else _NONE  # siblings chained to the right: a valid tree
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(name), node["type"], 1, _NONE, right, child)
        + bytes(16 + 4 + 16)
        + struct.pack("<IQ", node["start"], len(node["data"]))
    )


def msg_bytes(
    *, subject: str, sender_name: str, sender_address: str, date: datetime, message_id: str, body: str,
    attachments: Sequence[tuple[str, bytes]] = (),
) -> bytes:  # fmt: skip
    """An Outlook .msg file (MS-OXMSG): subject, sender, body, transport headers, attachments."""

    def text(prop: int, value: str) -> tuple[str, bytes]:
        return f"__substg1.0_{prop:04X}001F", value.encode("utf-16-le")

    headers = (
        f"Message-ID: <{message_id}>\r\nDate: {format_datetime(date)}\r\nFrom: {sender_name} <{sender_address}>\r\n"
    )
    streams = dict([
        text(0x0037, subject), text(0x0C1A, sender_name), text(0x5D01, sender_address), text(0x1000, body),
        text(0x007D, headers), text(0x0E04, "Newsdesk"),
    ])  # fmt: skip
    streams["__properties_version1.0"] = bytes(32)
    for number, (name, data) in enumerate(attachments):
        storage = f"__attach_version1.0_#{number:08X}"
        streams[f"{storage}/__substg1.0_37010102"] = data
        streams[f"{storage}/__substg1.0_3707001F"] = name.encode("utf-16-le")
        streams[f"{storage}/__properties_version1.0"] = bytes(8)
    return cfb_bytes(streams)


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0 to 1 (difflib's ratio over their words' characters, spacing ignored)."""
    import difflib

    return difflib.SequenceMatcher(None, " ".join(a.split()), " ".join(b.split()), autojunk=False).ratio()


def character_accuracy(got: str, want: str) -> float:
    """1 - (edit distance / length of the truth): the usual OCR character accuracy, spacing normalised."""
    got, want = " ".join(got.split()), " ".join(want.split())
    previous = list(range(len(got) + 1))
    for i, w in enumerate(want, start=1):
        current = [i]
        for j, g in enumerate(got, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (w != g)))
        previous = current
    return 1 - previous[-1] / max(1, len(want))


# Stories whose names the archive must join into entities (tests/test_curation*.py): each record carries its
# entities, as an export does, so indexing them runs no NER; the bodies define abbreviations as wire copy does.
NAMED_STORIES = (
    ("Oil ministers meet in Vienna", "Ministers of the Organization of Petroleum Exporting Countries (OPEC) met in "
     "Vienna on Monday to discuss output.", {"organizations": ["Organization of Petroleum Exporting Countries", "OPEC"],
                                             "places": ["Vienna"]}, "1987-03-02"),
    ("OPEC holds output", "OPEC kept its output ceiling unchanged, delegates said in Vienna.",
     {"organizations": ["OPEC"], "places": ["Vienna"]}, "1987-03-03"),
    ("Cartel output steady", "The Organisation of Petroleum Exporting Countries kept output steady.",
     {"organizations": ["Organisation of Petroleum Exporting Countries"]}, "1987-03-04"),
    ("Reagan speaks", "Reagan told reporters the budget would pass.", {"people": ["Reagan"]}, "1987-03-05"),
    ("White House budget", "President Ronald Reagan sent his budget to Congress.", {"people": ["Ronald Reagan"]},
     "1987-03-06"),
    ("Kyiv talks", "Volodymyr Zelenskiy met envoys in Kyiv.", {"people": ["Volodymyr Zelenskiy"], "places": ["Kyiv"]},
     "2023-03-01"),
    ("Kyiv talks again", "Volodymyr Zelensky met envoys in Kiev.", {"people": ["Volodymyr Zelensky"],
                                                                   "places": ["Kiev"]}, "2023-03-02"),
    ("Ankara visit", "Tayyip Erdoğan visited Ankara.", {"people": ["Tayyip Erdoğan"], "places": ["Ankara"]},
     "2023-03-03"),
    ("Ankara visit two", "Tayyip Erdogan visited Ankara again.", {"people": ["Tayyip Erdogan"], "places": ["Ankara"]},
     "2023-03-04"),
    ("Smiths meet", "John Smith and Jane Smith met. Smith spoke.", {"people": ["John Smith", "Jane Smith", "Smith"]},
     "2023-03-05"),
    ("Bank statement", "The Bank of England said rates would hold.", {"people": ["Bank of England"]}, "2023-03-06"),
)  # fmt: skip


def named_stories_jsonl() -> str:
    """NAMED_STORIES as JSON Lines in the archive's own shape (`entities` given, so no NER runs)."""
    filler = " The talks went on into the evening, with officials from several delegations present."
    lines = []
    for n, (headline, body, entities, published) in enumerate(NAMED_STORIES):
        record = {"id": f"named-{n}", "headline": headline, "body": body + filler * (n % 3 + 1),
                  "entities": entities, "published": published}  # fmt: skip
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"
