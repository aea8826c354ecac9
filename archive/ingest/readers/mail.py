"""E-mail: `.eml` messages, `.mbox` mailboxes (and Outlook `.msg`, through archive.ingest.readers.msg).

Each message is an article: subject -> headline, sender -> author (the display name, else the address),
Date -> published, the plain-text body (else the HTML one, through the page reader's block walk) ->
body, read like wire copy so a press release's byline, dateline and credits are found. Quoted replies
(`> …` lines and the `On … wrote:` before them, Outlook's `-----Original Message-----` and what follows,
Gmail's quote blocks) and signatures (after `-- `, "Sent from my …") are dropped; a forwarded message's
text is kept. The headers (from, to, cc, message id, in reply to) go to `metadata`.

The source is `path#<Message-ID>` (an .eml without one is just `path`; in an mbox, a message without
one, or repeating one, is `path#<position>`). Attachments of readable types (PDF, Word, a scan, an
attached message…) become articles of their own, `source` `<message source>/<file name>`, each with
`attachment_of` naming the message's id and listed in the message's `attachments`. Attachments of other
types, and those with no text, are passed over in silence; a broken one gets its line.

An mbox that stops inside a message (a cut download: no closing boundary, headers without an end, no
final newline) gives the messages before it and one error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from archive.article import Article, article_id
from archive.errors import ArchiveError, BinaryFile, NoArticleText, UnreadableFile, UnsupportedFormat
from archive.ingest.readers.bylines import author_names
from archive.ingest.readers.decode import decode
from archive.ingest.readers.wire import article_from_paragraphs, split_paragraphs

# Reads an attachment's bytes, given its file name and the source to name it by (formats.read_data).
ReadAttachment = Callable[[bytes, str, str], list[Article | ArchiveError]]

_ATTRIBUTION = re.compile(
    r"^(?:On\b.{4,200}\bwrote|Am\b.{4,200}\bschrieb|Le\b.{4,200}\ba écrit|El\b.{4,200}\bescribió)\s*:\s*$", re.S
)
_REPLY_HEADER = re.compile(r"^(?:-{3,}\s*Original Message\s*-{3,}|_{20,}|From:\s.+\n(?:Sent|Date):\s)", re.I | re.M)
_FORWARD_MARK = re.compile(r"^-{3,}\s*(?:Forwarded message|Begin forwarded message|Weitergeleitete Nachricht).*$", re.I)
_FORWARD_HEADER = re.compile(r"^(?:From|To|Cc|Date|Sent|Subject|Reply-To)\s*:\s.*$", re.I)
_SIGNATURE = re.compile(r"^(?:-- ?|Sent from my \w.*|Get Outlook for \w.*)$", re.M)
_QUOTE_CLASSES = ("gmail_quote", "gmail_signature", "moz-cite-prefix", "moz-signature", "yahoo_quoted")
_TRUNCATION = frozenset(
    {"CloseBoundaryNotFoundDefect", "StartBoundaryNotFoundDefect", "MissingHeaderBodySeparatorDefect"}
)
_MBOX_FROM = re.compile(rb"(?:\A|\n)From [^\n]*\n")
MAX_MESSAGES = 100_000


@dataclass
class Mail:
    """One message as the readers find it, whatever its container: what becomes its article and attachments."""

    subject: str = ""
    sender_name: str = ""
    sender_address: str = ""
    date: str | None = None
    message_id: str = ""
    plain: str = ""
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def read_eml(data: bytes, path: str, read_attachment: ReadAttachment) -> list[Article | ArchiveError]:
    """One `.eml` message, then its attachments."""
    message = BytesParser(policy=policy.default).parsebytes(data)
    if not message.keys() or not any(k.lower() in ("from", "subject", "date", "message-id") for k in message):
        raise UnreadableFile("not an e-mail message: no From, Subject, Date or Message-ID header", subject=path)
    mail = mail_of(message, path)
    source = f"{path}#{mail.message_id}" if mail.message_id else path
    return mail_articles(mail, source, read_attachment)


def read_mbox(data: bytes, path: str, read_attachment: ReadAttachment) -> list[Article | ArchiveError]:
    """Every message of a mailbox with its attachments; a message cut short ends the reading with one error."""
    if not data.strip():
        raise NoArticleText("an empty mailbox", subject=path)
    if not data.startswith(b"From "):
        raise UnreadableFile("not an mbox mailbox: it does not start with a 'From ' line", subject=path)
    marks = list(_MBOX_FROM.finditer(data))
    if len(marks) > MAX_MESSAGES:
        raise UnreadableFile(f"{len(marks):,} messages, limit {MAX_MESSAGES:,}", subject=path)
    items: list[Article | ArchiveError] = []
    seen: set[str] = set()
    for position, mark in enumerate(marks, start=1):
        end = marks[position].start() if position < len(marks) else len(data)
        raw = re.sub(rb"(?m)^>(>*From )", rb"\1", data[mark.end() : end])  # mboxrd's escaped From lines
        message = BytesParser(policy=policy.default).parsebytes(raw)
        if position == len(marks) and (not data.endswith(b"\n") or _defects(message) & _TRUNCATION):
            detail = f"truncated: message {position} ends early; the {position - 1} before it are read"
            items.append(UnreadableFile(detail, subject=path))
            break
        mail = mail_of(message, f"{path}#{position}")
        source = f"{path}#{mail.message_id}" if mail.message_id else f"{path}#{position}"
        if source in seen:
            source = f"{path}#{position}"
        seen.add(source)
        try:
            items += mail_articles(mail, source, read_attachment)
        except ArchiveError as exc:  # one message without text: the others are read
            items.append(exc)
    return items


def _defects(message: Message) -> set[str]:
    return {type(defect).__name__ for part in message.walk() for defect in part.defects}


def mail_of(message: Message, source: str) -> Mail:
    """What a parsed message holds (stdlib `email`, default policy)."""
    assert isinstance(message, EmailMessage)
    name, address = (getaddresses([str(message.get("From", ""))]) or [("", "")])[0]
    headers = {
        key.lower(): " ".join(str(message.get(key, "")).split())
        for key in ("From", "To", "Cc", "Message-ID", "In-Reply-To")
        if message.get(key)
    }
    body_plain = message.get_body(preferencelist=("plain",))
    body_html = message.get_body(preferencelist=("html",))
    mail = Mail(
        subject=" ".join(str(message.get("Subject", "")).split()),
        sender_name=name.strip(" \"'"),
        sender_address=address,
        date=mail_date(str(message.get("Date", ""))),
        message_id=str(message.get("Message-ID", "")).strip().strip("<>").strip(),
        plain=_text_of(body_plain, source) if body_plain is not None else "",
        html=_text_of(body_html, source) if body_html is not None else "",
        headers=headers,
    )
    bodies = {id(body_plain), id(body_html)}
    mail.attachments = list(_attachments(message, bodies))
    return mail


def mail_date(value: str) -> str | None:
    """An RFC 5322 date (`Tue, 5 Mar 2024 09:30:00 +0100`) as ISO 8601; None when it is not one."""
    try:
        return parsedate_to_datetime(value).isoformat() if value else None
    except (TypeError, ValueError, IndexError):
        return None


def _text_of(part: Message, source: str) -> str:
    """A text part decoded: its declared charset, else the archive's decoding (detection, mojibake repair)."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    try:
        return decode(payload, source, markup=part.get_content_subtype() == "html", charset=part.get_content_charset())
    except BinaryFile:
        return ""


def _attachments(message: Message, bodies: set[int]) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each attachment: parts with a file name or marked as attachments, and attached
    messages; images shown inside an HTML body (inline, with a Content-ID) are not attachments."""
    found: list[tuple[str, bytes]] = []
    for part in message.iter_parts() if message.is_multipart() else []:
        if id(part) in bodies:
            continue
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message):
                name = part.get_filename() or f"{' '.join(str(inner.get('Subject', 'message')).split())[:80]}.eml"
                found.append((name if name.lower().endswith(".eml") else f"{name}.eml", inner.as_bytes()))
            continue
        if part.is_multipart():
            found += _attachments(part, bodies)
            continue
        filename = part.get_filename()
        inline_image = part.get_content_disposition() != "attachment" and part.get("Content-ID")
        if filename and not inline_image and isinstance(data := part.get_payload(decode=True), bytes):
            found.append((filename, data))
    return found


def mail_articles(mail: Mail, source: str, read_attachment: ReadAttachment) -> list[Article | ArchiveError]:
    """The message's article, then its attachments' articles, linked both ways; errors of broken attachments."""
    children: list[Article] = []
    problems: list[ArchiveError] = []
    used: set[str] = set()
    for position, (filename, data) in enumerate(mail.attachments, start=1):
        name = _safe_name(filename) or f"attachment-{position}"
        name = f"{position}-{name}" if name in used else name
        used.add(name)
        for item in read_attachment(data, name, f"{source}/{name}"):
            if isinstance(item, NoArticleText | UnsupportedFormat):
                continue  # a photo, a spreadsheet: not an article, and nothing wrong with it
            if isinstance(item, ArchiveError):
                problems.append(item)
            elif isinstance(item, Article):  # not what an attached export carried besides its articles
                children.append(item)
    parent_id = article_id(source)
    children = [replace(child, attachment_of=parent_id) for child in children]
    names = [name for name, _ in mail.attachments]
    article = _message_article(mail, source, names)
    article = replace(article, attachments=tuple(child.id for child in children))
    return [article, *children, *problems]


def _safe_name(filename: str) -> str:
    """An attachment's file name as one path segment (no folders, no control characters)."""
    name = re.sub(r"[\x00-\x1f\x7f/\\#]", "_", filename.strip()).strip(". ")
    return name[:200]


def _message_article(mail: Mail, source: str, attachment_names: list[str]) -> Article:
    paragraphs = body_paragraphs(mail.plain) if mail.plain.strip() else html_paragraphs(mail.html)
    if not paragraphs and attachment_names:
        paragraphs = [f"Attached: {', '.join(attachment_names)}"]  # "see attached": the message is its attachments
    if not paragraphs:
        raise NoArticleText("the message has no text", subject=source)
    article = article_from_paragraphs(source, paragraphs, headline=mail.subject or None, published=mail.date)
    authors = author_names(mail.sender_name) if mail.sender_name else ()
    if not authors and (mail.sender_address or mail.sender_name):
        authors = (mail.sender_name or mail.sender_address,)
    metadata = {**mail.headers, **({"subject": mail.subject} if mail.subject else {})}
    return replace(article, authors=article.authors or authors, metadata=metadata)


def body_paragraphs(text: str) -> list[str]:
    """A plain-text body's own paragraphs: quoted replies and the signature dropped, a forward's text kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if match := _REPLY_HEADER.search(text):
        text = text[: match.start()]
    if match := _SIGNATURE.search(text):
        text = text[: match.start()]
    kept: list[str] = []
    forwarded_headers = False
    for line in text.split("\n"):
        if line.lstrip().startswith(">"):
            continue
        if _FORWARD_MARK.match(line.strip()):
            forwarded_headers = True
            continue
        if forwarded_headers:
            if _FORWARD_HEADER.match(line.strip()) or not line.strip():
                continue
            forwarded_headers = False
        kept.append(line)
    paragraphs = split_paragraphs("\n".join(kept))
    while paragraphs and _ATTRIBUTION.match(paragraphs[-1]):
        paragraphs.pop()
    return paragraphs


def html_paragraphs(markup: str) -> list[str]:
    """An HTML body's paragraphs, without the quoted reply and signature blocks mail programs mark."""
    if not markup.strip():
        return []
    from bs4 import BeautifulSoup

    from archive.ingest.readers.feeds import text_paragraphs

    soup = BeautifulSoup(markup, "lxml")
    for tag in soup.select("blockquote[type=cite], " + ", ".join(f".{c}" for c in _QUOTE_CLASSES)):
        tag.decompose()
    if reply := soup.select_one("#divRplyFwdMsg, #appendonsend"):  # Outlook: the quoted message follows
        for later in list(reply.find_all_next()):
            later.decompose()
        reply.decompose()
    return body_paragraphs("\n\n".join(text_paragraphs(str(soup), "text/html")))
