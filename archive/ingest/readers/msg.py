"""Outlook `.msg` messages, read with olefile (BSD) as MS-OXMSG lays them out, then as any e-mail (mail.py).

A .msg file is an OLE compound file: each property of the message is a stream named
`__substg1.0_<id><type>` (strings in UTF-16, or 8-bit in the message's code page; binaries as they are),
fixed-size ones (dates) sit in `__properties_version1.0`, and each attachment is a storage
`__attach_version1.0_#N` with its data and file name. The transport headers, when the message came by
SMTP, give Message-ID and Date as sent. extract-msg, the usual reader, is GPL-licensed; this is the part
of the format a news archive needs. Attached messages (embedded .msg storages) and RTF-only bodies are
not read.
"""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import Parser
from email.utils import getaddresses

from archive.article import Article
from archive.errors import ArchiveError, UnreadableFile
from archive.ingest.readers.decode import decode
from archive.ingest.readers.mail import Mail, ReadAttachment, mail_articles, mail_date

SUBJECT, SENDER_NAME, SENDER_EMAIL, SENDER_SMTP = 0x0037, 0x0C1A, 0x0C1F, 0x5D01
BODY, HTML, MESSAGE_ID, HEADERS, DISPLAY_TO, DISPLAY_CC = 0x1000, 0x1013, 0x1035, 0x007D, 0x0E04, 0x0E03
SUBMIT_TIME, DELIVERY_TIME, CODEPAGE = 0x0039, 0x0E06, 0x3FFD
ATTACH_DATA, ATTACH_LONG_NAME, ATTACH_NAME = 0x3701, 0x3707, 0x3704
UNICODE, STRING8, BINARY, SYSTIME, LONG = 0x001F, 0x001E, 0x0102, 0x0040, 0x0003
MAX_ATTACHMENTS = 1000


def read_msg(data: bytes, path: str, read_attachment: ReadAttachment) -> list[Article | ArchiveError]:
    """One Outlook message, then its attachments."""
    import olefile

    if not olefile.isOleFile(io.BytesIO(data)):
        raise UnreadableFile("not an Outlook .msg file (not an OLE compound file)", subject=path)
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, struct.error) as exc:
        raise UnreadableFile(f"a broken Outlook .msg file: {exc}", subject=path) from exc
    try:
        reader = _Storage(ole, [], path)
        if not ole.exists(f"__substg1.0_{SUBJECT:04X}{UNICODE:04X}") and not ole.exists("__properties_version1.0"):
            raise UnreadableFile("not an Outlook message: no message properties", subject=path)
        mail = reader.mail()
    except (OSError, ValueError, struct.error, UnicodeDecodeError) as exc:
        raise UnreadableFile(f"a broken Outlook .msg file: {exc}", subject=path) from exc
    finally:
        ole.close()
    source = f"{path}#{mail.message_id}" if mail.message_id else path
    return mail_articles(mail, source, read_attachment)


class _Storage:
    """The properties of one storage in the file (the message, or one attachment)."""

    def __init__(self, ole: object, prefix: list[str], source: str) -> None:
        self.ole = ole
        self.prefix = prefix
        self.source = source
        self.codepage = "cp1252"
        if (page := self._fixed(CODEPAGE, header=32)) and isinstance(page, int):
            self.codepage = f"cp{page}" if page not in (65001, 20127) else "utf-8"

    def _stream(self, name: str) -> bytes | None:
        path = [*self.prefix, name]
        if not self.ole.exists("/".join(path)):  # type: ignore[attr-defined]
            return None
        return self.ole.openstream(path).read()  # type: ignore[attr-defined]

    def string(self, prop: int) -> str:
        if (raw := self._stream(f"__substg1.0_{prop:04X}{UNICODE:04X}")) is not None:
            return raw.decode("utf-16-le", errors="replace").rstrip("\x00")
        if (raw := self._stream(f"__substg1.0_{prop:04X}{STRING8:04X}")) is not None:
            try:
                return raw.decode(self.codepage, errors="replace").rstrip("\x00")
            except LookupError:
                return raw.decode("cp1252", errors="replace").rstrip("\x00")
        return ""

    def binary(self, prop: int) -> bytes | None:
        return self._stream(f"__substg1.0_{prop:04X}{BINARY:04X}")

    def _fixed(self, prop: int, *, header: int) -> int | datetime | None:
        """A fixed-size property from `__properties_version1.0` (16-byte entries after a header)."""
        raw = self._stream("__properties_version1.0")
        if not raw:
            return None
        for offset in range(header, len(raw) - 15, 16):
            kind, ident = struct.unpack_from("<HH", raw, offset)
            if ident != prop:
                continue
            if kind == SYSTIME:
                (ticks,) = struct.unpack_from("<Q", raw, offset + 8)
                try:
                    return datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=ticks // 10)
                except OverflowError:
                    return None
            if kind == LONG:
                return struct.unpack_from("<i", raw, offset + 8)[0]
        return None

    def mail(self) -> Mail:
        headers_text = self.string(HEADERS)
        headers = Parser(policy=policy.default).parsestr(headers_text, headersonly=True) if headers_text else None
        message_id = self.string(MESSAGE_ID) or (str(headers.get("Message-ID", "")) if headers else "")
        date = None
        if headers is not None and headers.get("Date"):
            date = mail_date(str(headers["Date"]))
        if date is None:
            stamp = self._fixed(SUBMIT_TIME, header=32) or self._fixed(DELIVERY_TIME, header=32)
            date = stamp.isoformat() if isinstance(stamp, datetime) else None
        name = self.string(SENDER_NAME)
        address = self.string(SENDER_SMTP) or self.string(SENDER_EMAIL)
        if "@" not in address and headers is not None and headers.get("From"):
            address = (getaddresses([str(headers["From"])]) or [("", "")])[0][1] or address
        html = self.binary(HTML)
        html_text = decode(html, self.source, markup=True) if html else self.string(HTML)
        meta = {"from": f"{name} <{address}>".strip() if address else name, "to": self.string(DISPLAY_TO),
                "cc": self.string(DISPLAY_CC), "message-id": message_id}  # fmt: skip
        return Mail(
            subject=" ".join(self.string(SUBJECT).split()),
            sender_name=name,
            sender_address=address,
            date=date,
            message_id=message_id.strip().strip("<>").strip(),
            plain=self.string(BODY),
            html=html_text,
            headers={k: v for k, v in meta.items() if v},
            attachments=self._attachments(),
        )

    def _attachments(self) -> list[tuple[str, bytes]]:
        found = []
        for entry in sorted(self.ole.listdir(streams=False, storages=True)):  # type: ignore[attr-defined]
            if len(entry) != 1 or not entry[0].startswith("__attach_version1.0_#"):
                continue
            attachment = _Storage(self.ole, entry, self.source)
            data = attachment.binary(ATTACH_DATA)
            name = attachment.string(ATTACH_LONG_NAME) or attachment.string(ATTACH_NAME)
            if data is not None and name:
                found.append((name, data))
            if len(found) >= MAX_ATTACHMENTS:
                break
        return found
