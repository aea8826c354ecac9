"""File names as the archive stores and shows them.

Linux file names are bytes. Python gives the ones that are not UTF-8 (`caf\\xe9.txt` written in
Latin-1) as text with lone surrogates, which no UTF-8 encoder takes: not Whoosh's terms, not the
article id's hash, not a terminal. `stored_name` maps each such byte to a character of Unicode's last
private-use block (U+10FF80 + the byte's low 7 bits), which every encoder takes and `path_of` maps
back, so a stored `file` or `source` reopens the same file. `printable` is how any such text is
shown: those bytes as `\\xe9`, and control characters (a newline in a name) escaped, so a message
stays one line.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

_ESCAPED_BYTES = 0x10FF80  # U+10FF80..U+10FFFF stand for the bytes 0x80..0xFF of a name that is not UTF-8
_SURROGATE = re.compile("[\udc80-\udcff]")
_STAND_IN = re.compile("[\U0010ff80-\U0010ffff]")
_UNPRINTABLE = re.compile("[\udc80-\udcff\U0010ff80-\U0010ffff]|[^\\S ]|\\W")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def stored_name(path: Path | str) -> str:
    """The path as text any encoder takes: the name's undecodable bytes as their stand-in characters."""
    return _SURROGATE.sub(lambda m: chr(ord(m.group()) - 0xDC80 + _ESCAPED_BYTES), os.fspath(path))


def path_of(name: str) -> Path:
    """The file a stored name stands for (the inverse of `stored_name`)."""
    return Path(_STAND_IN.sub(lambda m: chr(ord(m.group()) - _ESCAPED_BYTES + 0xDC80), name))


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if code >= _ESCAPED_BYTES:
        return f"\\x{code - _ESCAPED_BYTES + 0x80:02x}"
    if char in _NAMED:
        return _NAMED[char]
    if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char


def printable(text: str) -> str:
    """`text` as one line a terminal shows faithfully: bytes of names that are not UTF-8 as `\\xe9`,
    control and format characters (newline, escape, bidi overrides) escaped."""
    return _UNPRINTABLE.sub(lambda m: _escape(m.group()), text)


def resolved(path: Path) -> Path:
    """The path with its links resolved, or made absolute as it stands where that fails (a loop of links)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
