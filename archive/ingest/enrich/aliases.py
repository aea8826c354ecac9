"""Abbreviations a text defines: "the Organization of Petroleum Exporting Countries (OPEC)".

Three ways of writing a definition are read: `Long Name (SHORT)`, `SHORT (Long Name)` and the wire's
`Long Name, SHORT,`. A pair counts only when the short form spells the long one (a variant of the
Schwartz-Hearst test: its letters, in order, start with the first word's initial, and every word of
the name but the small ones (`of`, `and`, `the`...) gives one of them), and the long form reads as a
name (its words capitalised), so "prices rose (CPI)" or "a list (OK)" define nothing. No model runs:
`archive retag` finds them in articles indexed before this existed.
"""

from __future__ import annotations

import re

SHORT = r"[A-Z][A-Za-z0-9&]{0,9}"
# `Long Name (SHORT)`, `SHORT (Long Name)`, `Long Name, SHORT,` (or the sentence's end after SHORT).
PARENTHESISED = re.compile(rf"\(\s*({SHORT})\s*\)")
EXPANDED = re.compile(rf"\b({SHORT})\s+\(\s*([A-Z][^()]{{3,120}}?)\s*\)")
APPOSED = re.compile(rf",\s+({SHORT})(?=\s*[,.;])")
WORD = re.compile(r"[A-Za-z0-9][\w'&.-]*")
SMALL = frozenset({
    "of", "and", "the", "for", "on", "in", "to", "at", "de", "du", "des", "la", "le", "les", "et", "van", "von",
    "der", "di", "da", "del", "y", "e", "und", "fur", "für", "&", "a", "an",
})  # fmt: skip
SUFFIXES = frozenset({"corp", "co", "inc", "ltd", "plc", "ag", "sa", "nv", "llc", "gmbh", "spa", "bv"})
STOP = re.compile(r"[.;:!?()\[\]\"“”]|,\s")  # where a long form cannot reach back across


def defined_aliases(text: str) -> tuple[tuple[str, str], ...]:
    """(short, long) for every abbreviation the text defines, in order of first definition, each once."""
    found: dict[tuple[str, str], int] = {}
    for match in PARENTHESISED.finditer(text):
        long = _long_before(text, match.start(), match.group(1))
        if long:
            found.setdefault((match.group(1), long), match.start())
    for match in APPOSED.finditer(text):
        long = _long_before(text, match.start(), match.group(1), strict=True)
        if long:
            found.setdefault((match.group(1), long), match.start())
    for match in EXPANDED.finditer(text):
        short, long = match.group(1), " ".join(match.group(2).split())
        if _is_short(short) and _spells(short, WORD.findall(long), strict=False) and _is_name(WORD.findall(long)):
            found.setdefault((short, long), match.start())
    return tuple(sorted(found, key=found.__getitem__))


def _is_short(short: str) -> bool:
    """Two capitals at least (OPEC, GmbH-like AmEx), not a number, not a word in capitals only by chance."""
    return sum(ch.isupper() for ch in short) >= 2 and not short.isdigit()


def _long_before(text: str, end: int, short: str, *, strict: bool = False) -> str | None:
    """The shortest run of words just before `end` that the short form spells, or None."""
    if not _is_short(short):
        return None
    window = text[max(0, end - 200) : end]
    stops = list(STOP.finditer(window))
    if stops:
        window = window[stops[-1].end() :]
    words = [w.rstrip("'.-") for w in WORD.findall(window)][-(len(short) + 6) :]
    found = []
    for start in range(len(words) - 1, -1, -1):
        candidate = words[start:]
        if candidate[0][0].lower() != short[0].lower() or not candidate[0][0].isupper():
            continue
        # A company's legal suffix may give no letter and stays in the name: "Nippon Telegraph and
        # Telephone Corp (NTT)".
        core = candidate[:-1] if len(candidate) > 2 and candidate[-1].lower() in SUFFIXES else candidate
        spelled = _spells(short, candidate, strict=strict) or (
            core is not candidate and _spells(short, core, strict=strict)
        )
        if spelled and _is_name(candidate):
            found.append(candidate)
    # The shortest that spells it, unless a longer one spells it by initials alone: "Edison Electric
    # Institute (EEI)", not "Electric Institute", which spells EEI only through the e inside "Electric".
    initials = [c for c in found if sum(w.lower() not in SMALL for w in c) == sum(ch.isalnum() for ch in short)]
    return " ".join((initials or found)[0]) if found else None


def _is_name(words: list[str]) -> bool:
    """Capitalised words (small words between them aside), two at least: a name, not a phrase."""
    big = [w for w in words if w.lower() not in SMALL]
    return len(big) >= 2 and all(w[0].isupper() or w[0].isdigit() for w in big) and words[-1].lower() not in SMALL


def _spells(short: str, words: list[str], *, strict: bool) -> bool:
    """Whether the short form's letters run through the words in order, each big word giving one or more
    (its initial first), small words giving their initial or nothing; `strict`: initials only."""
    letters = [ch.lower() for ch in short if ch.isalnum()]
    return _match(letters, 0, [w.lower() for w in words], 0, strict)


def _match(letters: list[str], at: int, words: list[str], word: int, strict: bool) -> bool:
    if word == len(words):
        return at == len(letters)
    current = words[word]
    small = current in SMALL
    if small and _match(letters, at, words, word + 1, strict):  # a small word may give no letter
        return True
    if at == len(letters) or letters[at] != current[0]:
        return False
    if _match(letters, at + 1, words, word + 1, strict):
        return True
    if strict or small:
        return False
    # More letters from inside the same word (LIBOR: London InterBank Offered Rates), in order.
    rest, taken = current[1:], at + 1
    for ch in rest:
        if taken < len(letters) and ch == letters[taken]:
            taken += 1
            if _match(letters, taken, words, word + 1, strict):
                return True
    return False
