"""Bytes to text: BOM, UTF-8, declared charset, Western 8-bit, then detection — and mojibake repaired.

Valid UTF-8 wins over a declared charset: Western 8-bit text with accents is
almost never valid UTF-8, and UTF-8 pages that declare Latin-1 are the commonest
source of mojibake. Undeclared 8-bit text is read as Windows-1252 when it looks
Western (detection guesses mac_roman or cp1250 on short Latin-1 text), and
detection decides only for the rest (Cyrillic, Greek, Central European, ...).
Text that was already mojibake when it was written ("cafÃ©", "itâ€™s") is
repaired by ftfy, line by line and only where a mojibake pattern appears, so
clean text costs one quick regex scan (none at all when it is ASCII).
"""

from __future__ import annotations

import codecs
import errno
import gzip
import io
import re
import stat
import zlib
from pathlib import Path

from charset_normalizer import from_bytes

from archive.errors import BinaryFile, FileTooLarge, NotRegularFile, UnreadableFile

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
# Declared as Latin-1 or ASCII, such text is in practice Windows-1252 (as browsers read it).
_WESTERN_ALIASES = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"})
# A UTF-8 continuation byte (0x80-0xBF) as Windows-1252 or Latin-1 shows it.
_CONT = "[\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]"
# A UTF-8 lead byte so shown, then a continuation byte: the quick test ("café’s" passes it too), 8x faster
# than the exact one that follows it: a lead then as many continuation bytes as it calls for ("Ã©", "â€™").
_MOJIBAKE_HINT = re.compile(f"[\u00c2-\u00f4]{_CONT}")
_MOJIBAKE = re.compile(f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|â€|[\u00f0-\u00f4]{_CONT}{{3}}")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# Polish and other cp1250 letters read as Windows-1252 become symbols inside words: "Za¿ó³æ", "jaŸñ".
_CP1250_MISREAD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][¹³¿¥¼¾Ÿ]|[¹³¿¥¼¾Ÿ][a-zà-öø-ÿ]")
MAX_NON_ASCII_SHARE = 0.3  # of letters; Western text stays far below, Cyrillic or Greek read as cp1252 far above


def read_bytes(path: Path, max_bytes: int, *, gunzip: bool = True) -> bytes:
    """The file's bytes, gunzipped if it ends in `.gz` (unless `gunzip` is off), refusing what exceeds `max_bytes`."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO named x.txt would block the read forever
            raise NotRegularFile(subject=str(path))
        if info.st_size > max_bytes:
            raise FileTooLarge(f"{info.st_size:,} bytes, limit {max_bytes:,}", subject=str(path))
        data = path.read_bytes()
    except OSError as exc:
        detail = "a loop of symbolic links" if exc.errno == errno.ELOOP else exc.strerror or str(exc)
        raise UnreadableFile(detail, subject=str(path)) from exc
    return unpack_gzip(data, max_bytes, str(path)) if gunzip and path.suffix.lower() == ".gz" else data


def unpack_gzip(data: bytes, max_bytes: int, subject: str) -> bytes:
    """Gzipped bytes unpacked, refusing more than `max_bytes` (a gzip bomb stops there, unread)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            unpacked = stream.read(max_bytes + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise UnreadableFile(f"broken gzip: {exc}", subject=subject) from exc
    if len(unpacked) > max_bytes:
        raise FileTooLarge(f"more than {max_bytes:,} bytes unpacked", subject=subject)
    return unpacked


def decode(data: bytes, source: str, *, markup: bool = False, charset: str | None = None) -> str:
    """Text from bytes, mojibake repaired; `charset` is what the transport declared (an HTTP header)."""
    return fix_mojibake(_decode(data, source, markup=markup, charset=charset))


def _decode(data: bytes, source: str, *, markup: bool, charset: str | None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if looks_binary(data):
        raise BinaryFile(subject=source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = [charset] if charset else []
    if markup and (match := _DECLARED.search(data[:4096])):
        declared.append((match.group(1) or match.group(2)).decode("ascii"))
    for name in declared:
        name = "cp1252" if name.lower() in _WESTERN_ALIASES else name
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue  # unknown or wrong: the next clue decides
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        pass  # a byte Windows-1252 leaves undefined: not Western
    else:
        if _looks_western(text):
            return text
    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding in {"utf_8", "ascii"}:
        encoding = "cp1252"  # not valid UTF-8 (we tried), so an 8-bit Western text is the likeliest
    return data.decode(encoding, errors="replace")


def _looks_western(text: str) -> bool:
    """True when Windows-1252 reads `text` as a Western language: few accented letters, no cp1250 misreads."""
    sample = text[:200_000]
    non_ascii = len(_NON_ASCII_LETTER.findall(sample))
    letters = len(_ASCII_LETTER.findall(sample)) + non_ascii
    return non_ascii <= MAX_NON_ASCII_SHARE * letters and not _CP1250_MISREAD.search(sample)


def fix_mojibake(text: str) -> str:
    """`text` with UTF-8-read-as-cp1252 sequences repaired, touching only the lines that show them."""
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return text
    import ftfy  # only loaded when some text needs it

    pieces: list[str] = []
    done = 0
    for match in _MOJIBAKE.finditer(text):
        if match.start() < done:
            continue  # on a line already repaired
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        pieces += [text[done:start], ftfy.fix_encoding(text[start:end])]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or mostly control characters: images, archives, executables."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.05
