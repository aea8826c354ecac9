"""Reuters-21578 SGML: one file, a thousand stories, each with its own date, title and dateline.

The collection's category fields (PLACES, TOPICS, ...) are kept on `ReutersStory`
so benchmarks can score the archive against them; articles never see them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from archive.article import Article, Dateline
from archive.errors import NoArticleText
from archive.ingest.readers.bylines import parse_byline
from archive.ingest.readers.dates import MONTH_WORD
from archive.ingest.readers.wire import build_article, normalise_place, split_paragraphs, strip_sign_off

_STORY = re.compile(r"<REUTERS\b(?P<attrs>[^>]*)>(?P<inner>.*?)</REUTERS>", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REUTERS_DATELINE = re.compile(
    r"^(?P<place>[^,]+?)\s*,\s*(?:(?P<region>[^,]+?)\s*,\s*)?"
    rf"(?P<date>{MONTH_WORD}\s*\d{{1,2}})\b.*$",
    re.I,
)


@dataclass(frozen=True)
class ReutersStory:
    """One `<REUTERS>` element, fields as the collection gives them."""

    newid: str
    text_type: str
    date: str | None
    title: str
    dateline: str
    author: str
    body: str
    places: tuple[str, ...]
    topics: tuple[str, ...]
    people: tuple[str, ...]
    orgs: tuple[str, ...]


def iter_stories(sgml: str) -> Iterator[ReutersStory]:
    """Every story in one Reuters-21578 file, in order."""
    for match in _STORY.finditer(sgml):
        inner = match["inner"]
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', match["attrs"]))
        text_type = re.search(r'<TEXT(?:\s+TYPE="(\w+)")?', inner)
        yield ReutersStory(
            newid=attrs.get("NEWID", ""),
            text_type=(text_type.group(1) if text_type and text_type.group(1) else "NORM"),
            date=_element(inner, "DATE") or None,
            title=" ".join(_element(inner, "TITLE").split()),
            dateline=_element(inner, "DATELINE"),
            author=_element(inner, "AUTHOR"),
            body=_element(inner, "BODY") if "<BODY>" in inner else _unproc_text(inner),
            places=_categories(inner, "PLACES"),
            topics=_categories(inner, "TOPICS"),
            people=_categories(inner, "PEOPLE"),
            orgs=_categories(inner, "ORGS"),
        )


def read_reuters(sgml: str, path: str) -> Iterator[Article | NoArticleText]:
    """Articles from one file; a story with no text yields its error so the run can report it."""
    for story in iter_stories(sgml):
        source = f"{path}#{story.newid}"
        try:
            yield story_to_article(story, source)
        except NoArticleText as exc:
            yield exc


def story_to_article(story: ReutersStory, source: str) -> Article:
    """The archive's article for one story: byline, dateline and sign-off taken apart."""
    byline, authors = parse_byline(story.author) or (None, ())
    if byline:
        byline = re.sub(r",\s*Reuters?$", "", byline)
    paragraphs = split_paragraphs(story.body)
    if [p.strip("* ") for p in paragraphs] == ["Blah blah blah."]:  # the filler of title-only flashes
        paragraphs = []
    if not paragraphs and story.title:
        paragraphs = [story.title]  # a BRIEF: the title is the whole story
    if paragraphs:  # before the credits are looked for: the sign-off closes the copy after them
        paragraphs[-1] = strip_sign_off(paragraphs[-1])
    dateline = parse_dateline(story.dateline)
    return build_article(
        source,
        paragraphs,
        headline=story.title or None,
        byline=byline,
        authors=authors,
        agency="Reuters",
        dateline=dateline,
        published=parse_date(story.date),
    )


def parse_dateline(text: str) -> Dateline:
    """The DATELINE element (`    SAN MATEO, Calif., March 3 - `): the collection's own, so read leniently.

    Its case is erratic (`NEW YORK, MARCH 11`, `Bogota, march 4`, `FEb 26`) and a story without one
    has no dateline: nothing is looked for in the body.
    """
    match = _REUTERS_DATELINE.match(text.strip())
    if not match:
        return Dateline(agency="Reuters")
    place = re.sub(r"^[a-z]\s+", "", match["place"].strip())  # a stray keying letter: `c    CHICAGO`
    place = normalise_place(place) if place.isupper() else " ".join(w[:1].upper() + w[1:] for w in place.split())
    if match["region"]:
        place = f"{place}, {match['region'].strip()}"
    return Dateline(place=place, agency="Reuters", date=" ".join(match["date"].split()).capitalize())


def parse_date(value: str | None) -> str | None:
    """`26-FEB-1987 15:01:01.79` -> `1987-02-26T15:01:01`; the day alone when the time is garbled."""
    if not value:
        return None
    value = value.strip()
    for fmt, text in (("%d-%b-%Y %H:%M:%S", value.split(".")[0]), ("%d-%b-%Y", value.split()[0])):
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.isoformat() if fmt.endswith("%S") else parsed.date().isoformat()
    return None


def _element(inner: str, tag: str) -> str:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", inner, re.S)
    return _clean(match.group(1)) if match else ""


def _categories(inner: str, tag: str) -> tuple[str, ...]:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", inner, re.S)
    return tuple(re.findall(r"<D>(.*?)</D>", match.group(1))) if match else ()


def _unproc_text(inner: str) -> str:
    match = re.search(r"<TEXT[^>]*>(.*?)</TEXT>", inner, re.S)
    if not match:
        return ""
    return _clean(re.sub(r"<(TITLE|DATELINE|AUTHOR)>.*?</\1>", "", match.group(1), flags=re.S))


def _clean(text: str) -> str:
    return _CONTROL.sub("", html.unescape(text))
