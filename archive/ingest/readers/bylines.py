"""Bylines and author names: the one cleaner every format's authors go through.

Wire copy, web pages, feeds, JSON Lines exports and Reuters SGML all credit people in
the same loose way ("By A, B and C, Staff Writer", "By A in Ankara", "By A | The Gazette",
"A, Reuters"), so one set of rules turns a credit into person names: agencies, job titles,
outlets, dates, e-mail addresses and places are not people.
"""

from __future__ import annotations

import re
from collections.abc import Set
from html import unescape

from archive.ingest.readers.dates import MONTH_WORD, WEEKDAY_NAMES

_BYLINE = re.compile(r"^by\s+(?P<names>[^\n]{2,150})$", re.I)
_BY = re.compile(r"^\s*(?:written\s+|posted\s+)?by[:\s]+", re.I)
# "and" in any case (wire bylines are often in capitals); the other languages' "and" in lower case only,
# so an initial ("John E Smith") is no conjunction.
_NAME_SPLIT = re.compile(r"\s*(?:[,;&|]|\s(?:(?i:and)|und|y|et|e|og|och|en)\s)\s*")
_NAME_PARTICLES = frozenset(["de", "van", "von", "der", "den", "da", "di", "du", "la", "le", "bin", "al", "el", "dos"])
_OUTLET_TAIL = re.compile(r"\s+(?:[|/]|-{1,2}|–|—)\s+|@")  # "By A | The Gazette", "A - Staff": the rest is no name
_PLACE_TAIL = re.compile(r"\s+(?:in|from|at)\s+[A-Z].*$")  # "Orhan Coskun in Ankara"
_DATE_TAIL = re.compile(
    rf"\b(?:updated|published|posted|on|{'|'.join(WEEKDAY_NAMES)})\b.*$|\b{MONTH_WORD}\s+\d.*$|\d.*$", re.I
)
_LABEL = re.compile(r"^\s*[^\W\d_]+:\s+")  # "Text: Name", "Autor: Name"
_EMAIL = re.compile(r"\S+@\S+")
# News agencies are credited like authors but are not people; acronyms only in capitals ("Ani" is a name).
_AGENCY = re.compile(
    r"\b(?:(?i:(?:the\s+)?associated\s+press|reuters?|agence\s+france[-\s]presse|xinhua|bloomberg(?:\s+news)?"
    r"|kyodo|yonhap|tass)|AP|AFP|UPI|PTI|IANS|ANI|EFE|ANSA|DPA|dpa)\b"
)
_JOB_WORDS = frozenset({
    "staff", "writer", "reporter", "correspondent", "editor", "contributor", "contributing", "columnist",
    "senior", "chief", "associate", "assistant", "managing", "deputy", "editorial", "team", "desk", "news",
    "wire", "wires", "service", "press", "agency", "correspondents", "writers", "reporters", "editors",
    "producer", "photographer", "author", "admin", "administrator", "guest", "special",
})  # fmt: skip
MAX_NAME_WORDS = 4


def parse_byline(line: str) -> tuple[str, tuple[str, ...]] | None:
    """`By A`, `By A and B`, `By A, B and C` -> (the line as written, authors); None when it is no byline."""
    match = _BYLINE.match(line.strip())
    if not match or (match["names"].rstrip().endswith((".", "?", "!")) and len(match["names"].split()) > 8):
        return None
    authors = author_names(match["names"])
    if not authors:
        return None
    return line.strip(), authors


def author_names(raw: str, site_names: Set[str] = frozenset()) -> tuple[str, ...]:
    """Person names in a credit: "By A, B and C, Staff Writer" -> (A, B, C), in order, each once.

    `site_names` are names a web page's site goes by, lower-cased, and its host without dots:
    a name found in either is the site posing as an author.
    """
    raw = _EMAIL.sub(" ", " ".join(unescape(raw).split()))
    raw = _LABEL.sub("", raw)
    raw = _OUTLET_TAIL.split(raw)[0]
    raw = _DATE_TAIL.sub("", raw)
    raw, agencies = _AGENCY.subn(",", raw)
    raw = re.sub(r"(?<=[a-z]{2})\.\s+(?=[A-Z])", ", ", raw)  # "Name. Outlet", not "E. Name"
    names: list[str] = []
    single: list[str] = []
    for part in _NAME_SPLIT.split(_BY.sub("", raw)):
        part = _PLACE_TAIL.sub("", _BY.sub("", part)).strip(" .:,")
        words = part.split()
        if not words or len(words) > MAX_NAME_WORDS or any(ch.isdigit() for ch in part):
            continue
        if "." in part.replace(". ", " ")[:-1]:  # "U.S.", "news.example": not a name ("E. Name" is)
            continue
        lowered = [w.lower().strip(".") for w in words]
        compact = "".join(lowered)
        if set(lowered) & _JOB_WORDS or lowered[0] == "the" or part.lower() in site_names:
            continue
        if len(compact) > 3 and any(compact in name for name in site_names):
            continue
        if not all(w[0].isupper() or w in _NAME_PARTICLES for w in words):
            continue
        if part.isupper() and len(part) > 3:
            part = _from_capitals(words)
        (names if len(words) > 1 else single).append(part)
    # A lone word beside full names or an agency is an outlet or a place ("Reuters, Washington").
    return tuple(dict.fromkeys(names or ([] if agencies else single)))


def _from_capitals(words: list[str]) -> str:
    """`STEPHEN JUKES` -> `Stephen Jukes`, `JUAN DE LA CRUZ` -> `Juan de la Cruz`, `O'BRIEN` -> `O'Brien`."""
    return " ".join(
        word.lower() if i and word.lower() in _NAME_PARTICLES else word.title() for i, word in enumerate(words)
    )
