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
from archive.errors import ArchiveError, NoArticleText, UnreadableFile, UnsupportedFormat
from archive.ingest.readers.bylines import parse_byline
from archive.ingest.readers.dates import MONTH_WORD
from archive.ingest.readers.wire import build_article, normalise_place, split_paragraphs, strip_sign_off

# Stories are cut at their tags by a linear scan, not one lazy regex: a file of unclosed `<REUTERS>`
# (a truncated copy, garbage) made `<REUTERS ...>(.*?)</REUTERS>` rescan the rest from every opening.
_STORY_TAG = re.compile(r"<REUTERS\b(?P<attrs>[^>]*)>|</REUTERS>")
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


def _story_parts(sgml: str) -> Iterator[tuple[str, str, bool]]:
    """(attributes, inner text, closed) of each `<REUTERS>` element in order; one not closed before the
    next opening (or the end) is cut there and comes with `closed` False."""
    opened: re.Match[str] | None = None
    for tag in _STORY_TAG.finditer(sgml):
        if tag.group(0) == "</REUTERS>":
            if opened is not None:
                yield opened["attrs"], sgml[opened.end() : tag.start()], True
            opened = None
            continue
        if opened is not None:
            yield opened["attrs"], sgml[opened.end() : tag.start()], False
        opened = tag
    if opened is not None:
        yield opened["attrs"], sgml[opened.end() :], False


def iter_stories(sgml: str, *, unclosed: list[str] | None = None) -> Iterator[ReutersStory]:
    """Every story in one Reuters-21578 file, in order; the NEWIDs of stories never closed go to `unclosed`
    (when given) instead."""
    for attr_text, inner, closed in _story_parts(sgml):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', attr_text))
        if not closed:
            if unclosed is not None:
                unclosed.append(attrs.get("NEWID", "?"))
            continue
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


def read_reuters(sgml: str, path: str) -> Iterator[Article | ArchiveError]:
    """Articles from one file; a story with no text yields its error so the run can report it, and a file
    with no story, or with stories never closed (cut short), yields one error that says so."""
    unclosed: list[str] = []
    stories = 0
    for story in iter_stories(sgml, unclosed=unclosed):
        stories += 1
        source = f"{path}#{story.newid}"
        try:
            yield story_to_article(story, source)
        except NoArticleText as exc:
            yield exc
    if unclosed:
        shown = ", ".join(unclosed[:3]) + (f" and {len(unclosed) - 3} more" if len(unclosed) > 3 else "")
        yield UnreadableFile(f"{len(unclosed)} <REUTERS> not closed (NEWID {shown}): cut short?", subject=path)
    elif not stories and not sgml.strip():
        yield NoArticleText("empty file", subject=path)
    elif not stories:
        yield UnsupportedFormat("SGML with no <REUTERS> story: not Reuters-21578", subject=path)


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


# Element look-ups by str.find, linear however many openings lack a closing (a lazy regex tries each).
def _spans(text: str, tag: str, start: int = 0) -> Iterator[tuple[int, int, int, int]]:
    """(open start, content start, content end, close end) of each `<tag>...</tag>` from `start`, in order."""
    opening, closing = f"<{tag}>", f"</{tag}>"
    while (begin := text.find(opening, start)) >= 0:
        end = text.find(closing, begin + len(opening))
        if end < 0:
            return
        yield begin, begin + len(opening), end, end + len(closing)
        start = end + len(closing)


def _raw_element(inner: str, tag: str) -> str | None:
    span = next(_spans(inner, tag), None)
    return inner[span[1] : span[2]] if span else None


def _element(inner: str, tag: str) -> str:
    raw = _raw_element(inner, tag)
    return _clean(raw) if raw is not None else ""


def _categories(inner: str, tag: str) -> tuple[str, ...]:
    raw = _raw_element(inner, tag)
    return tuple(raw[a:b] for _, a, b, _ in _spans(raw, "D")) if raw is not None else ()


def _unproc_text(inner: str) -> str:
    opening = re.search(r"<TEXT[^>]*>", inner)
    if not opening:
        return ""
    end = inner.find("</TEXT>", opening.end())
    if end < 0:
        return ""
    text = inner[opening.end() : end]
    for tag in ("TITLE", "DATELINE", "AUTHOR"):
        kept, done = [], 0
        for begin, _, _, close_end in _spans(text, tag):
            kept.append(text[done:begin])
            done = close_end
        text = "".join(kept) + text[done:]
    return _clean(text)


def _clean(text: str) -> str:
    return _CONTROL.sub("", html.unescape(text))
