"""Bytes to text: BOM, declared charset, then detection — so Windows-1252 reads right."""

from __future__ import annotations

import codecs
import gzip
import re
import zlib
from pathlib import Path

from charset_normalizer import from_bytes

from archive.errors import BinaryFile, FileTooLarge, UnreadableFile

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, gunzipped if it ends in `.gz`, refusing what exceeds `max_bytes`."""
    try:
        if path.stat().st_size > max_bytes:
            raise FileTooLarge(f"{path.stat().st_size:,} bytes, limit {max_bytes:,}", subject=str(path))
        if path.suffix.lower() != ".gz":
            return path.read_bytes()
        with gzip.open(path, "rb") as stream:
            data = stream.read(max_bytes + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise UnreadableFile(f"broken gzip: {exc}", subject=str(path)) from exc
    except OSError as exc:
        raise UnreadableFile(exc.strerror or str(exc), subject=str(path)) from exc
    if len(data) > max_bytes:
        raise FileTooLarge(f"more than {max_bytes:,} bytes unpacked", subject=str(path))
    return data


def decode(data: bytes, source: str, *, markup: bool = False) -> str:
    """Text from bytes: a BOM wins, then (for markup) a declared charset, then UTF-8, then detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if looks_binary(data):
        raise BinaryFile(subject=source)
    if markup and (match := _DECLARED.search(data[:4096])):
        declared = (match.group(1) or match.group(2)).decode("ascii").lower()
        try:
            codecs.lookup(declared)
        except LookupError:
            pass
        else:
            # Pages that declare Latin-1 are in practice Windows-1252 (as browsers read them).
            declared = "cp1252" if declared in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"} else declared
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                pass  # a wrong declaration: fall through to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding in {"utf_8", "ascii"}:
        encoding = "cp1252"  # not valid UTF-8 (we tried), so an 8-bit Western page is the likeliest
    return data.decode(encoding, errors="replace")


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or mostly control characters: images, archives, executables."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.05
