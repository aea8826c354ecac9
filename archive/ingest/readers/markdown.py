"""Markdown (`.md`, `.markdown`): read as text, its structure kept.

markdown-it-py (CommonMark) splits the file into blocks: `#` headings are the headline (the first
`# ` heading) and subheads, paragraphs, list items and quotes are paragraphs, code blocks keep their
text; inline markup (`**bold**`, `[links](…)`, images' alt text) becomes plain words. A front-matter
block (`---` then `title:`, `author:`, `date:` lines) gives the document's metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from archive.article import Article
from archive.ingest.readers.documents import Block, document_article, metadata_date

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FIELD = re.compile(r"^(?P<key>title|author|authors|date|subject|keywords|tags)\s*:\s*(?P<value>.+?)\s*$", re.I | re.M)
_KEYS = {"authors": "author", "date": "created", "tags": "keywords"}


def read_markdown(text: str, path: str) -> list[Article]:
    """One Markdown file as one article."""
    from markdown_it import MarkdownIt

    metadata: dict[str, str] = {}
    if match := _FRONT_MATTER.match(text):
        for field in _FIELD.finditer(match["body"]):
            key = _KEYS.get(field["key"].lower(), field["key"].lower())
            value = field["value"].strip("\"'[] ")
            metadata.setdefault(key, (metadata_date(value) or "") if key == "created" else value)
        text = text[match.end() :]
    tokens = MarkdownIt("commonmark").disable(["html_block", "html_inline"]).parse(text)
    return [document_article(path, list(_blocks(tokens)), metadata=metadata)]


def _blocks(tokens: list[Any]) -> Iterator[Block]:
    heading = False
    for token in tokens:
        if token.type == "heading_open":
            heading = True
        elif token.type == "heading_close":
            heading = False
        elif token.type == "inline":
            yield Block(_inline_text(token.children or []), heading=heading)
        elif token.type in ("fence", "code_block"):
            yield from (Block(line) for line in token.content.split("\n\n"))


def _inline_text(children: list[Any]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)
