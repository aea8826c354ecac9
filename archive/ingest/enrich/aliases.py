"""Aliases: the short names a text defines for its long ones, "Long Name (ACRONYM)".

Wire copy introduces an organisation once in full and uses its acronym after that ("the
Organization of Petroleum Exporting Countries (OPEC)"); knowing the pair lets one entry stand
for both. A pair counts only when the acronym's letters are the long name's initials, in order.
"""

from __future__ import annotations

import re

# Capitalised words (small joining words allowed inside), an optional closing `>` of Reuters
# markup, then the acronym in brackets: "Nippon Telegraph and Telephone Corp> (NTT)".
_DEFINITION = re.compile(
    r"(?P<long>[A-Z][\w&'’.-]*(?:[ \t]+(?:(?:of|and|for|the|on|in|de|du|des|la|le|&)[ \t]+)*[A-Z][\w&'’.-]*)*)"
    r">?[ \t]*\((?P<short>[A-Z][A-Za-z0-9&.-]{1,11})\)"
)
# Words a name may end with that its acronym leaves out.
_SUFFIXES = frozenset({"corp", "corp.", "co", "co.", "inc", "inc.", "ltd", "ltd.", "plc", "ag", "sa", "nv", "n.v."})


def find_aliases(text: str) -> tuple[tuple[str, str], ...]:
    """Every (short, long) pair `text` defines, once each, in order."""
    pairs: list[tuple[str, str]] = []
    for match in _DEFINITION.finditer(text):
        short = match.group("short")
        letters = "".join(ch for ch in short if ch.isupper())
        if len(letters) < 2 or sum(ch.islower() for ch in short) > len(letters):
            continue  # "(Pacific)", "(Dec": words, not acronyms
        long = _long_name(match.group("long").split(), letters)
        if long and long != short and (short, long) not in pairs:
            pairs.append((short, long))
    return tuple(pairs)


def _long_name(words: list[str], letters: str) -> str | None:
    """The longest tail of `words` whose capitalised words' initials spell `letters` (a company
    suffix may be left out of the letters but stays in the name; capitals inside a word count too)."""
    for start in range(len(words)):
        tail = core = words[start:]
        if tail[0][0] != letters[0]:
            continue
        while len(core) > 1 and core[-1].lower() in _SUFFIXES and not _spells(core, letters):
            core = core[:-1]
        if _spells(core, letters):
            return " ".join(tail)
    return None


def _spells(words: list[str], letters: str) -> bool:
    """Whether the words' initials are the letters: of the capitalised words, of all words ("Bank of
    England" BOE), or the capitals of the words when their first letters open it ("PetroChina")."""
    initials = "".join(w[0] for w in words if w[0].isupper())
    if letters in (initials, "".join(w[0].upper() for w in words)):
        return True
    capitals = "".join(ch for w in words for ch in w if ch.isupper())
    return initials[0] == letters[0] and capitals == letters
