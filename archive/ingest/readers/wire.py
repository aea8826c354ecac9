"""Wire-copy conventions: byline, dateline, credit line, subheads, sign-off, derived headline.

Agencies write plain-text copy with the same furniture around the story. These
functions take it apart so the body holds only the story: its paragraphs and, in
reading order, its subheads (listed in `subheads` so they render as headings and
are not read as sentences). The
HTML and SGML readers reuse them for whatever wire furniture their bodies carry.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from archive.article import Article, Dateline
from archive.errors import NoArticleText
from archive.ingest.readers.bylines import author_names, parse_byline
from archive.ingest.readers.dates import MONTH_PREFIX
from archive.ingest.readers.sentences import sentence_ends

_DASH = r"[-–—]+"
_MONTH = rf"(?i:{MONTH_PREFIX})[a-z]*\.?"  # "March", "MAR": the case-blind part is the first three letters
_CAPS_PLACE = r"[A-Z][A-Z.'’]*(?:[ /-][A-Z][A-Z.'’]*)*"
_TITLE_PLACE = r"[A-Z][a-z.'’]+(?:[ /-][A-Z][a-z.'’]+)*"
_DATELINE = re.compile(
    rf"""^(?:
        (?P<caps>{_CAPS_PLACE})(?:,\s*(?P<region>[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?))??
        |(?P<title>{_TITLE_PLACE})(?=,?\s*(?:{_MONTH}\s+\d|\())
      )
      (?:,\s*(?P<date>{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?))?
      \s*(?:\((?P<agency>[A-Z][\w .&'-]{{1,40}})\))?
      \s*{_DASH}\s+""",
    re.X,
)
_ROLE_SEGMENT = re.compile(r"^(?P<role>[A-Za-z][A-Za-z ]{1,40}?)\s+by\s+(?P<names>.+)$", re.I)
_CREDIT_TAIL = re.compile(r"\s*\((?P<credits>(?:[A-Z][A-Za-z ]{1,40} )?by [^()]{3,400})\)\s*$")
_SIGN_OFF = re.compile(r"\s*\bReuters?\s*$")  # the agency's name closing the copy
_LOWER_PARTICLES = {"de", "del", "da", "do", "dos", "la", "le", "of", "on", "upon", "du", "van", "von", "al", "el"}
MAX_DERIVED_HEADLINE = 100


def parse_wire_text(text: str, source: str) -> Article:
    """An article from plain-text wire copy such as the seed: headline?, byline?, dateline, story."""
    return article_from_paragraphs(source, split_paragraphs(text))


def article_from_paragraphs(
    source: str, paragraphs: list[str], *, headline: str | None = None, **fields: Any
) -> Article:
    """The furniture at the top of any plain document (headline?, byline?, dateline), then `build_article`.

    A `headline` the format marked (a document's title) is taken as it is; otherwise a short first
    paragraph before the story is one. `fields` go to `build_article`.
    """
    paragraphs = list(paragraphs)
    byline = None
    authors: tuple[str, ...] = ()
    if headline is None and paragraphs and _looks_like_headline(paragraphs):
        headline = paragraphs.pop(0)
    if paragraphs and (parsed := parse_byline(paragraphs[0])):
        byline, authors = parsed
        paragraphs.pop(0)
    if headline is None and len(paragraphs) > 1 and _looks_like_headline(paragraphs):
        headline = paragraphs.pop(0)
    return build_article(source, paragraphs, headline=headline, byline=byline, authors=authors, **fields)


def build_article(
    source: str,
    paragraphs: list[str],
    *,
    headline: str | None = None,
    byline: str | None = None,
    authors: tuple[str, ...] = (),
    agency: str | None = None,
    dateline: Dateline | None = None,
    published: str | None = None,
    url: str | None = None,
    headings: Collection[str] = (),
) -> Article:
    """Strip dateline, credits and sign-off from story paragraphs, find subheads, assemble the article.

    `headings` are paragraphs the format marked as headings (a document's heading styles): subheads too.
    """
    paragraphs = [p for p in paragraphs if p.strip()]
    credits: dict[str, tuple[str, ...]] = {}
    while paragraphs and (found := parse_credits(paragraphs[-1])) is not None:
        credits = {**found, **credits}
        paragraphs.pop()
    if paragraphs:
        last = strip_sign_off(paragraphs[-1]) if agency or paragraphs[-1].endswith("Reuter") else paragraphs[-1]
        if (match := _CREDIT_TAIL.search(last)) and (found := parse_credits(f"({match['credits']})")):
            credits = {**found, **credits}
            last = last[: match.start()].rstrip()
        paragraphs[-1] = last
        paragraphs = [p for p in paragraphs if p.strip()]
    if not paragraphs:
        raise NoArticleText(subject=source)
    if dateline is None:
        dateline, paragraphs[0] = split_dateline(paragraphs[0])
    if agency and not dateline.agency:
        dateline = Dateline(place=dateline.place, agency=agency, date=dateline.date)
    subheads = tuple(p for p in paragraphs if p in headings or is_subhead(p))
    if all(p in subheads for p in paragraphs):
        raise NoArticleText(subject=source)
    body = "\n\n".join(paragraphs)
    derived = not headline
    return Article(
        source=source,
        body=body,
        headline=headline or derive_headline(body),
        headline_derived=derived,
        url=url,
        byline=byline,
        authors=authors,
        dateline=dateline,
        published=published,
        subheads=subheads,
        credits=credits,
    )


def strip_sign_off(paragraph: str) -> str:
    """The last paragraph without the agency's sign-off (`... said. Reuter`); "" when that was all of it."""
    return _SIGN_OFF.sub("", paragraph)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs from plain text: blank lines or indentation separate them; wrapped lines join."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    lines = text.split("\n")
    long_lines = sum(len(line) > 100 for line in lines)
    one_per_line = "" not in (line.strip() for line in lines) and long_lines * 3 >= len([x for x in lines if x.strip()])
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        starts_new = not line.strip() or one_per_line or (line[:1] in " \t" and current)
        if starts_new and current:
            paragraphs.append(" ".join(current))
            current = []
        if line.strip():
            current.append(" ".join(line.split()))
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def parse_credits(paragraph: str) -> dict[str, tuple[str, ...]] | None:
    """`(Reporting by X; Editing by Y and Z)` -> {"reporting": (X,), "editing": (Y, Z)}; else None."""
    text = paragraph.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    elif not re.match(r"^(?:additional )?(?:reporting|writing|editing|compiled|written)\b[^;]*\bby\b", text, re.I):
        return None
    credits: dict[str, tuple[str, ...]] = {}
    for segment in re.split(r"\s*;\s*", text.strip().rstrip(".")):
        match = _ROLE_SEGMENT.match(segment)
        if not match:
            return None
        role = " ".join(match["role"].lower().split())
        names = author_names(match["names"])
        if names:
            credits[role] = credits.get(role, ()) + names
    return credits or None


def split_dateline(paragraph: str) -> tuple[Dateline, str]:
    """(`ANKARA (Reuters) – ` -> place Ankara, agency Reuters; the rest of the paragraph)."""
    match = _DATELINE.match(paragraph)
    if not match:
        return Dateline(), paragraph
    place = match["caps"] or match["title"]
    caps_only = match["caps"] is not None
    # A bare capitalised word followed by a dash is often a heading, not a dateline: require caps
    # to be at least two letters, and a title-case place to come with a date or an agency.
    if caps_only and len(re.sub(r"[^A-Z]", "", place)) < 2:
        return Dateline(), paragraph
    rest = paragraph[match.end() :]
    if not rest or not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "“\"'‘"):
        return Dateline(), paragraph
    place = normalise_place(place.split("/")[0])
    if match["region"]:  # "SAN MATEO, Calif." keeps its state: it tells which San Mateo
        place = f"{place}, {match['region']}"
    return Dateline(place=place, agency=match["agency"], date=match["date"]), rest


def normalise_place(place: str) -> str:
    """`NEW YORK` -> `New York`, `RIO DE JANEIRO` -> `Rio de Janeiro`; title case is kept (names too)."""
    if not place.isupper():
        return place.strip()
    words = []
    for i, word in enumerate(place.strip().split()):
        lower = word.lower()
        if i and lower in _LOWER_PARTICLES:
            words.append(lower)
        elif re.fullmatch(r"(?:[A-Z]\.)+", word):
            words.append(word)
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


def is_subhead(paragraph: str) -> bool:
    """An all-caps line of a few words with no closing punctuation: a section heading."""
    letters = re.sub(r"[^A-Za-z]", "", paragraph)
    words = paragraph.split()
    return (
        len(letters) >= 4
        and letters.isupper()
        and 1 <= len(words) <= 10
        and not paragraph.rstrip().endswith((".", ",", ";", ":"))
    )


def derive_headline(body: str) -> str:
    """A headline from the lead's first sentence, cut at a word boundary when long."""
    lead = body.split("\n\n", 1)[0]
    sentence = lead[: next(sentence_ends(lead), len(lead))].strip()
    if len(sentence) <= MAX_DERIVED_HEADLINE:
        return sentence.rstrip(".")
    cut = sentence[:MAX_DERIVED_HEADLINE].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _looks_like_headline(paragraphs: list[str]) -> bool:
    """A short first paragraph with no full stop, before the story proper (all caps counts too)."""
    first = paragraphs[0]
    return (
        len(paragraphs) > 1
        and len(first) <= 200
        and not first.rstrip().endswith((".", ",", ";", ":"))
        and parse_byline(first) is None
        and _DATELINE.match(first) is None
        and parse_credits(first) is None
    )
