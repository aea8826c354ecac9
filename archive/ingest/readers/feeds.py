"""RSS and Atom feeds: each entry becomes an article.

headline = the entry's title; body = its full content (content:encoded, Atom
content), else its summary, HTML turned into paragraphs by the page reader's own
block walk; url = its http(s) link (feedparser falls back to ids such as `tag:`);
authors from author/authors/dc:creator, agencies left out; published from
published, else updated, as ISO 8601. The source is `path#<entry id>` (guid,
Atom id), else `path#<link>`, else `path#<position>`, so re-reading a feed
updates its entries in place.

A `.xml` file that is no feed is skipped as an unsupported format. A feed cut
short gives the entries read before the cut (the last may be partial) and an
UnreadableFile error.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from xml.sax import SAXParseException

import feedparser
from bs4 import BeautifulSoup

from archive.article import Article
from archive.errors import ArchiveError, NoArticleText, UnreadableFile, UnsupportedFormat
from archive.ingest.readers.bylines import author_names, parse_byline
from archive.ingest.readers.dates import iso_date, plausible_year
from archive.ingest.readers.decode import fix_mojibake
from archive.ingest.readers.html_body import DROP_TAGS, blocks_of
from archive.ingest.readers.wire import build_article, split_paragraphs

BLOCK_MARKUP = re.compile(r"<(?:p|br|div|h[1-6]|li|blockquote|pre|tr|section|article|figure)\b", re.I)
_LANGUAGE = re.compile(r"^[a-z]{2,3}\b", re.I)
_EMAIL = re.compile(r"\S+@\S+")
# What expat says when the document stops early; other XML errors (a stray "&") do not lose entries.
_TRUNCATION_MESSAGES = frozenset({"no element found", "unclosed token"})


def read_feed(data: bytes, path: str) -> list[Article | ArchiveError]:
    """The entries of one RSS or Atom file; UnsupportedFormat for `.xml` that is no feed."""
    if not data.strip():  # feedparser's result for no bytes at all lacks even `version`
        raise NoArticleText("empty file", subject=path)
    # A stream, not bytes: feedparser would try bytes as a file name first.
    feed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    if not feed.get("version"):
        if path.lower().removesuffix(".gz").endswith(".xml"):
            raise UnsupportedFormat("XML that is no RSS or Atom feed", subject=path)
        detail = str(feed.get("bozo_exception") or "no <rss>, <feed> or <rdf:RDF>")
        raise UnreadableFile(f"not an RSS or Atom feed: {detail}", subject=path)
    error = feed.get("bozo_exception")
    if isinstance(error, SAXParseException) and "amplification" in error.getMessage():
        # expat refused entities that expand without bound; feedparser's loose fallback would read the
        # feed with the entities left as text: refuse it instead
        raise UnreadableFile("XML entities that expand without bound (a 'billion laughs'): refused", subject=path)
    damage = UnreadableFile(f"the feed ends early: {feed.bozo_exception}", subject=path) if _cut_short(feed) else None
    if not feed.entries:
        raise damage or NoArticleText("the feed has no entries", subject=path)
    language = _LANGUAGE.match(feed.feed.get("language") or "")
    items: list[Article | ArchiveError] = []
    seen: set[str] = set()
    for position, entry in enumerate(feed.entries, start=1):
        key = entry.get("id") or entry.get("link") or str(position)
        source = f"{path}#{key}"
        if source in seen:  # a feed that repeats a guid: the later entry is told apart by its position
            source = f"{path}#{position}"
        seen.add(source)
        try:
            article = entry_to_article(entry, source)
        except ArchiveError as exc:
            items.append(exc)
            continue
        items.append(replace(article, language=language.group(0).lower()) if language else article)
    if damage and items and isinstance(items[-1], NoArticleText):
        items.pop()  # the entry the cut went through: the damage says it, once
    return [*items, damage] if damage else items


def _cut_short(feed: Any) -> bool:
    """True for XML that stops mid-element (a truncated download); feedparser still gives the entries before it."""
    error = feed.get("bozo_exception")
    return isinstance(error, SAXParseException) and error.getMessage() in _TRUNCATION_MESSAGES


def entry_to_article(entry: Any, source: str) -> Article:
    """One feed entry (a feedparser dict) as an article; NoArticleText when it has neither content nor summary."""
    body = _longest(entry.get("content") or []) or entry.get("summary_detail") or {}
    paragraphs = [fix_mojibake(p) for p in text_paragraphs(body.get("value") or "", body.get("type") or "")]
    title = entry.get("title_detail") or {}
    headline = " ".join(text_paragraphs(title.get("value") or "", title.get("type") or ""))
    byline, authors = _authors(entry)
    return build_article(
        source,
        paragraphs,
        headline=fix_mojibake(headline) or None,
        byline=byline,
        authors=authors,
        published=_published(entry),
        url=link if (link := entry.get("link") or "").startswith(("http://", "https://")) else None,
    )


def text_paragraphs(value: str, content_type: str = "text/html") -> list[str]:
    """Paragraphs of feed or export text: HTML by its block elements, plain text by its line breaks."""
    if "html" in content_type and BLOCK_MARKUP.search(value):
        soup = BeautifulSoup(value, "lxml")
        for tag in soup.find_all(list(DROP_TAGS)):  # scripts, embeds, forms: never text (exports are not sanitised)
            tag.decompose()
        return [block.text for block in blocks_of(soup.body or soup)]
    if "html" in content_type:
        value = BeautifulSoup(value, "lxml").get_text()  # inline markup and entities only: its line breaks stand
    return split_paragraphs(value)


def _longest(contents: list[Any]) -> Any:
    """The fullest of an entry's content versions (a feed may give text and HTML)."""
    return max(contents, key=lambda c: len(c.get("value") or ""), default=None)


def _authors(entry: Any) -> tuple[str | None, tuple[str, ...]]:
    """The byline as written when it reads `By ...`, and the people named, agencies left out."""
    raw = [a.get("name") or "" for a in entry.get("authors") or []]
    if not raw or "@" in (entry.get("author") or ""):
        raw = [entry.get("author") or ""]  # feedparser cuts RSS's "desk@post.example (Anna Berg)" wrongly
    names: list[str] = []
    byline = None
    for text in (_EMAIL.sub("", r).strip(" ()<>") for r in raw):
        if not text:
            continue
        if parsed := parse_byline(text):
            byline = byline or parsed[0]
            names += parsed[1]
        else:
            names += author_names(text)
    return byline, tuple(dict.fromkeys(names))


def _published(entry: Any) -> str | None:
    """ISO 8601 as the feed wrote it (with its offset), else feedparser's UTC reading of it."""
    for key in ("published", "updated"):
        if entry.get(key) and (found := iso_date(entry[key])):
            return found
        if (parsed := entry.get(f"{key}_parsed")) and plausible_year(parsed[0]):
            return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    return None
