"""A saved search's new stories as an Atom feed (RFC 4287), for any feed reader; written with ElementTree.

The feed holds the stories that arrived after the search was saved, newest published first; reading it
does not count as opening the search (the "new" count on /saved is the reader's own, not the feed's).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from archive.display import topic_label
from archive.facets import parse_published
from archive.search.export import lead

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
# XML 1.0 has no place for most control characters; a story's text may hold them (a bad OCR page, a binary file).
_NOT_XML = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def atom_feed(
    entry: dict[str, Any],
    stories: list[dict[str, Any]],
    *,
    title: str,
    self_url: str,
    search_url: str,
    article_link: Callable[[str], str],
    author: str,
) -> bytes:
    """The feed document: `entry` is the saved search, `stories` are articles as `new_since` gives them."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    _text(feed, "subtitle", f"Stories that arrived after this search was saved ({entry['created'][:10]})")
    _text(feed, "id", f"urn:news-archive:saved-search:{entry['id']}")
    updated = max([entry["created"], *(s.get("indexed") or "" for s in stories)])
    _text(feed, "updated", _rfc3339(updated))
    _link(feed, self_url, "self", "application/atom+xml")
    _link(feed, search_url, "alternate", "text/html")
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", author)
    _text(feed, "generator", "news-archive")
    for story in stories:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(item, "title", story["headline"] or "(untitled)")
        _text(item, "id", f"urn:news-archive:article:{story['id']}")
        _link(item, article_link(story["id"]), "alternate", "text/html")
        if story.get("url"):
            _link(item, story["url"], "related", "text/html")
        _text(item, "updated", _rfc3339(story.get("indexed") or entry["created"]))
        published = parse_published(story.get("published"))
        if published:
            _text(item, "published", published.isoformat(timespec="seconds") + "Z")
        for name in story.get("authors") or []:
            _text(ET.SubElement(item, f"{{{ATOM}}}author"), "name", name)
        for topic in story.get("topics") or []:
            ET.SubElement(item, f"{{{ATOM}}}category", term=topic, label=topic_label(topic))
        _text(item, "summary", lead(story))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text.translate(_NOT_XML)
    return element


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", href=href.translate(_NOT_XML), rel=rel, type=kind)


def _rfc3339(naive_utc: str) -> str:
    """`2024-03-05T08:15:00.123456` (naive UTC, as the index and saved searches keep times) -> `…T08:15:00Z`."""
    return datetime.fromisoformat(naive_utc).replace(microsecond=0).isoformat() + "Z"
