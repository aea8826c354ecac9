"""Read one news web page into an `Article`.

Metadata comes from what the page declares about itself, most deliberate
first: JSON-LD (schema.org NewsArticle), then OpenGraph and <meta>, then
microdata and the visible page. The body comes from the DOM (see
`html_body`), checked against the JSON-LD `articleBody` when the page has one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Tag

from archive.article import Article
from archive.errors import NoArticleText
from archive.ingest.readers.bylines import author_names
from archive.ingest.readers.dates import is_date_line, iso_date
from archive.ingest.readers.html_body import COMMENTS_RE, article_blocks

_ARTICLE_TYPES = frozenset(
    [
        "NewsArticle",
        "Article",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
        "SocialMediaPosting",
    ]
)
_SPACE_RE = re.compile(r"\s+")
# Old pages wrap script text in comments or CDATA markers, which JSON does not allow.
_LD_WRAPPER_RE = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_TITLE_SEPARATORS_RE = re.compile(r"\s+(?:\||-|–|—|::|·|•|»)\s+")
_BY_LINE_RE = re.compile(r"^\s*By\s+[A-Z]")
_DATE_META_RE = re.compile(r"(?:publish|pub|post|creat|release)\w*[-_.:]?(?:date|time)|^p?date$")
_DATE_META_NAMES = (
    "article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "displaydate",
    "originalpublicationdate",
    "cxenseparse:recs:publishtime",
)


def parse_html(markup: str, source: str, *, url: str | None = None) -> Article:
    """The article in one decoded HTML page; raises `archive.errors.NoArticleText` if it has no body text."""
    soup = BeautifulSoup(markup, "lxml")
    marked = _Marked.of(soup)
    ld = _json_ld_article(marked)
    meta = _meta(marked)
    canonical = _canonical_url(marked, meta, url)
    site_names = _site_names(ld, meta)
    headline = _headline(marked, ld, meta, site_names)
    byline = _visible_byline(soup, marked)
    host = urlsplit(canonical or "").hostname or ""
    authors = _authors(marked, ld, meta, byline, site_names | {re.sub(r"\W", "", host)})
    published = _published(marked, ld, meta)
    language = _language(soup, ld, meta)
    body, subheads = _body(soup, ld, headline, byline)
    if not body:
        raise NoArticleText(subject=source)
    return Article(
        source=source,
        body=body,
        headline=headline,
        url=canonical,
        byline=byline,
        authors=authors,
        published=published,
        subheads=subheads,
        language=language,
    )


@dataclass
class _Marked:
    """The elements metadata is read from, found in one walk over the page (a find_all per field costs more)."""

    ld_scripts: list[Tag] = field(default_factory=list)
    metas: list[Tag] = field(default_factory=list)
    times: list[Tag] = field(default_factory=list)
    h1s: list[Tag] = field(default_factory=list)
    title: Tag | None = None
    canonical: Tag | None = None
    byline_class: list[Tag] = field(default_factory=list)
    author_class: list[Tag] = field(default_factory=list)
    author_itemprop: list[Tag] = field(default_factory=list)
    author_rel: list[Tag] = field(default_factory=list)
    date_itemprop: list[Tag] = field(default_factory=list)

    @classmethod
    def of(cls, soup: BeautifulSoup) -> _Marked:
        marked = cls()
        for tag in soup.descendants:
            if not isinstance(tag, Tag):
                continue
            name = tag.name
            if name == "meta":
                marked.metas.append(tag)
            elif name == "script":
                if "ld+json" in str(tag.get("type") or "").lower():
                    marked.ld_scripts.append(tag)
                continue
            elif name == "time":
                marked.times.append(tag)
            elif name == "h1":
                marked.h1s.append(tag)
            elif name == "title" and marked.title is None:
                marked.title = tag
            elif name == "link" and marked.canonical is None and "canonical" in (tag.get("rel") or ()):
                marked.canonical = tag
            if not tag.attrs:
                continue
            classes = " ".join(tag.get("class") or ()).lower()
            if "byline" in classes:
                marked.byline_class.append(tag)
            elif "author" in classes:
                marked.author_class.append(tag)
            itemprop = str(tag.get("itemprop") or "")
            if "author" in itemprop:
                marked.author_itemprop.append(tag)
            if "datePublished" in itemprop:
                marked.date_itemprop.append(tag)
            if "author" in (tag.get("rel") or ()):
                marked.author_rel.append(tag)
        return marked


def _text(node: Tag | str | None) -> str:
    """Visible text with whitespace collapsed; words split across inline tags stay whole."""
    if node is None:
        return ""
    if isinstance(node, str):
        return _SPACE_RE.sub(" ", unescape(node)).strip()
    parts: list[str] = []
    for string in node.find_all(string=True):
        if isinstance(string, Comment) or (string.parent is not None and string.parent.name in ("script", "style")):
            continue
        piece = str(string)
        # Separate pieces of text in different elements, unless a word is merely split by markup.
        if parts and piece and piece[0] not in ",.;:!?)" and not (parts[-1][-1:].isalnum() and piece[0].islower()):
            parts.append(" ")
        parts.append(piece)
    return _SPACE_RE.sub(" ", "".join(parts)).strip()


# --- structured data ------------------------------------------------------


def _walk_ld(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object, flattening lists and @graph."""
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in data:
                yield from _walk_ld(data[key])


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", ())
    return {kind} if isinstance(kind, str) else {k for k in kind if isinstance(k, str)}


def _json_ld_article(marked: _Marked) -> dict[str, Any]:
    """The page's schema.org article object (the one with the longest body if several)."""
    found: list[dict[str, Any]] = []
    for script in marked.ld_scripts:
        raw = _LD_WRAPPER_RE.sub("", script.get_text()).strip().rstrip(";")
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        found.extend(obj for obj in _walk_ld(data) if _types(obj) & _ARTICLE_TYPES)
    if not found:
        return {}
    return max(found, key=lambda obj: (bool(obj.get("headline")), len(str(obj.get("articleBody") or ""))))


def _meta(marked: _Marked) -> dict[str, list[str]]:
    """<meta> values by lower-cased name/property/itemprop (each of several), in page order."""
    values: dict[str, list[str]] = {}
    for tag in marked.metas:
        content = tag.get("content")
        if not content or not isinstance(content, str):
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            keys = tag.get(attr)
            for key in keys.split() if isinstance(keys, str) else ():
                values.setdefault(key.lower(), []).append(unescape(content).strip())
    return values


def _first(meta: dict[str, list[str]], *names: str) -> str:
    for name in names:
        for value in meta.get(name, ()):
            if value:
                return value
    return ""


def _ld_name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else ""
    if isinstance(value, list) and value:
        return _ld_name(value[0])
    return ""


def _site_names(ld: dict[str, Any], meta: dict[str, list[str]]) -> set[str]:
    """Names the site goes by, to strip from titles and to reject as authors."""
    names = {
        _ld_name(ld.get("publisher")),
        _first(meta, "og:site_name"),
        _first(meta, "application-name"),
        _first(meta, "twitter:site").lstrip("@"),
    }
    return {n.strip().lower() for n in names if n and n.strip()}


# --- headline -------------------------------------------------------------


def _segments(title: str) -> list[str]:
    return [part.strip() for part in _TITLE_SEPARATORS_RE.split(title)]


def _strip_site(title: str, site_names: set[str], always: bool) -> str:
    """Drop " | Site name" (or "Site name | ") from a title; with `always`, keep only its longest section.

    <title> is decorated with sections and site names nobody declared, so
    for it (`always`) the longest section is taken as the headline.
    """
    spans = [(0, 0), *((m.start(), m.end()) for m in _TITLE_SEPARATORS_RE.finditer(title)), (len(title), len(title))]
    sections = [(spans[i][1], spans[i + 1][0]) for i in range(len(spans) - 1)]
    if len(sections) < 2:
        return title.strip()
    if always:
        start, end = max(sections, key=lambda span: span[1] - span[0])
        return title[start:end].strip()
    while len(sections) > 1 and title[slice(*sections[-1])].strip().lower() in site_names:
        sections.pop()
    while len(sections) > 1 and title[slice(*sections[0])].strip().lower() in site_names:
        sections.pop(0)
    return title[sections[0][0] : sections[-1][1]].strip()


def _headline(marked: _Marked, ld: dict[str, Any], meta: dict[str, list[str]], site_names: set[str]) -> str:
    """The story's own headline: declared titles lose site suffixes, and an <h1> they merely decorate wins."""
    h1_texts = [text for text in map(_text, marked.h1s) if text and text.lower() not in site_names]
    # A site logo may be the first <h1>; a headline has a few words.
    h1_text = next((text for text in h1_texts if len(text.split()) >= 3), h1_texts[0] if h1_texts else "")
    declared = ld.get("headline")
    candidates = [
        declared if isinstance(declared, str) else "",
        _first(meta, "og:title"),
        _first(meta, "twitter:title"),
        _first(meta, "title"),
    ]
    for candidate in candidates:
        candidate = _strip_site(_text(candidate), site_names, always=False)
        if not candidate or candidate.lower() in site_names:
            continue
        # "Opinion | Headline", "Headline - Site we were not told about": the <h1> is the headline itself.
        segments = _segments(candidate)
        longest = max(segments, key=len)
        return longest if len(segments) > 1 and longest in h1_texts else candidate
    return h1_text or _strip_site(_text(marked.title), site_names, always=True)


# --- people ---------------------------------------------------------------


def _visible_byline(soup: BeautifulSoup, marked: _Marked) -> str | None:
    """The byline as printed on the page: an element marked as the byline, or else as the author."""
    for tags in (marked.byline_class, marked.author_itemprop, marked.author_class, marked.author_rel):
        for tag in tags:
            if tag.find_parent(["form", "footer", "nav"]) or tag.find_parent(attrs={"class": COMMENTS_RE}):
                continue
            text = _text(tag)
            if 3 <= len(text) <= 120 and any(c.isalpha() for c in text):
                return text
    for string in soup.find_all(string=_BY_LINE_RE):  # not find_all(tag, string=): that recurses on deep pages
        text = _text(string.parent)
        if string.parent is not None and string.parent.name in ("p", "div", "span") and len(text) <= 120:
            return text
    return None


def _ld_authors(ld: dict[str, Any]) -> list[str]:
    value = ld.get("author") or ld.get("creator") or []
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            if _types(item) & {"Organization", "NewsMediaOrganization"}:
                continue
            name = item.get("name")
            names.extend(name if isinstance(name, list) else [name])
        else:
            names.append(item)
    return [n for n in names if isinstance(n, str)]


def _authors(
    marked: _Marked, ld: dict[str, Any], meta: dict[str, list[str]], byline: str | None, site_names: set[str]
) -> tuple[str, ...]:
    """Person names from the first source that has any, most deliberate first.

    The visible byline wins when it names everyone the first source did and more:
    structured data often lists only the lead author.
    """
    sources: list[list[str]] = [
        _ld_authors(ld),
        meta.get("author", []) + meta.get("dc.creator", []) + meta.get("sailthru.author", []),
        [v for v in meta.get("article:author", []) if not v.startswith(("http", "/"))],
        [_text(a) for a in marked.author_rel if a.name == "a"],
        [_text(t.find(attrs={"itemprop": "name"}) or t) for t in marked.author_itemprop],
    ]
    from_byline = author_names(byline, site_names) if byline else ()
    for raw_names in sources:
        names = _names(name for raw in raw_names for name in author_names(raw, site_names))
        if names:
            # Structured data may list only the lead author, or an outlet beside the author.
            nested = set(names) < set(from_byline) or set(from_byline) < set(names)
            return from_byline if from_byline and nested else names
    return from_byline


def _names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


# --- dates, language, url -------------------------------------------------


def _published(marked: _Marked, ld: dict[str, Any], meta: dict[str, list[str]]) -> str | None:
    """The first readable publication date, declared ones before visible ones."""
    candidates = [ld.get("datePublished"), ld.get("dateCreated")]
    candidates += [v for name in _DATE_META_NAMES for v in meta.get(name, ())]
    candidates += [v for name, values in meta.items() if _DATE_META_RE.search(name) for v in values]
    for tag in marked.date_itemprop:
        candidates.append(tag.get("content") or tag.get("datetime") or _text(tag))
    times = marked.times
    candidates += [t.get("datetime") for t in times if t.has_attr("pubdate")]
    candidates += [t.get("datetime") for t in times]
    for value in candidates:
        if isinstance(value, str) and (iso := iso_date(value)):
            return iso
    return None


def _language(soup: BeautifulSoup, ld: dict[str, Any], meta: dict[str, list[str]]) -> str | None:
    html = soup.find("html")
    values = [html.get("lang") or html.get("xml:lang") if isinstance(html, Tag) else None]
    values += [_first(meta, "og:locale"), _first(meta, "content-language", "language", "dc.language")]
    values.append(ld.get("inLanguage"))
    for value in values:
        if isinstance(value, str):
            code = value.strip()[:2].lower()
            if len(code) == 2 and code.isalpha():
                return code
    return None


def _canonical_url(marked: _Marked, meta: dict[str, list[str]], url: str | None) -> str | None:
    href = marked.canonical.get("href") if marked.canonical is not None else None
    for value in (href, _first(meta, "og:url")):
        if isinstance(value, str) and value.strip():
            return urljoin(url or "", value.strip())
    return url


# --- body -----------------------------------------------------------------


def _body(soup: BeautifulSoup, ld: dict[str, Any], headline: str, byline: str | None) -> tuple[str, tuple[str, ...]]:
    """Paragraphs joined by blank lines, and the subheads (h2/h3) among them.

    A heading with no text after it heads nothing ("More on this"): it is dropped.
    The JSON-LD articleBody replaces the DOM text only when that is missing or
    much shorter, i.e. plainly incomplete (pages that render their text with
    scripts); it has no subheads to offer.
    """
    blocks = [b for b in article_blocks(soup) if b.text != headline and not _is_credit(b.text, byline)]
    while blocks and blocks[-1].heading:
        blocks.pop()
    body = "\n\n".join(b.text for b in blocks)
    first_text = next((i for i, b in enumerate(blocks) if not b.heading), len(blocks))
    subheads = tuple(b.text for b in blocks[first_text:] if b.kind in ("h2", "h3"))
    ld_body = _paragraphs(ld.get("articleBody"))
    if len(ld_body) > max(200, 1.5 * len(body)) or (ld_body and not body):
        return ld_body, ()
    return body, subheads


def _is_credit(text: str, byline: str | None) -> bool:
    """The byline again, alone or with the date ("LinkNaija October 06, 2018")."""
    if not byline or not text.startswith(byline):
        return False
    rest = text[len(byline) :].strip(" ,|-–—·")
    return not rest or is_date_line(rest)


def _paragraphs(text: Any) -> str:
    """JSON-LD text as paragraphs: its line breaks (or HTML paragraphs) are its paragraph breaks."""
    if not isinstance(text, str):
        return ""
    if "<" in text and re.search(r"</?(p|br|div)\b", text, re.IGNORECASE):
        text = BeautifulSoup(text, "lxml").get_text("\n")
    else:
        text = unescape(text)
    lines = (_SPACE_RE.sub(" ", line).strip() for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)
