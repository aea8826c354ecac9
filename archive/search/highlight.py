"""Matches marked in `<mark>`: snippets for a page of hits, and whole article bodies.

Snippets read the matched words' character positions from the postings (the body field keeps
them), so only the page's documents are touched and no text is analysed again.
"""

from __future__ import annotations

import html
from typing import Any

from whoosh import highlight
from whoosh.analysis import Token
from whoosh.index import Index

from archive.errors import BadQuery
from archive.search.query import parse_query, wanted_terms
from archive.store import TEXT_ANALYZER, snapshot

SNIPPET_CHARS = 240
SNIPPET_FRAGMENTS = 2


def snippets(reader: Any, q: Any, bodies: dict[int, str]) -> dict[int, tuple[str, int]]:
    """docnum -> (HTML snippet, where in the body it starts): the body's best passages with the query's words
    marked, or its opening (the start tells a paged document's snippet its page)."""
    words = sorted(wanted_terms(reader, q, ("body",)))
    tokens: dict[int, list[Token]] = {docnum: [] for docnum in bodies}
    for word in words:
        if ("body", word) not in reader:
            continue
        matcher = reader.postings("body", word)
        for docnum in sorted(bodies):
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                for pos, start, end in matcher.value_as("characters"):
                    tokens[docnum].append(Token(text=word, pos=pos, startchar=start, endchar=end, matched=True))
    fragmenter = highlight.PinpointFragmenter(maxchars=SNIPPET_CHARS, surround=60, autotrim=True)
    formatter = highlight.HtmlFormatter(tagname="mark", classname="match", between=" … ")
    out = {}
    for docnum, body in bodies.items():
        found = sorted(tokens[docnum], key=lambda t: t.startchar)
        snippet, start = "", 0
        if found:
            fragments = fragmenter.fragment_matches(body, found)
            best = highlight.top_fragments(
                fragments, SNIPPET_FRAGMENTS, highlight.BasicFragmentScorer(), highlight.FIRST
            )
            snippet = formatter(body, best).replace("\n\n", " ")
            start = min((fragment.startchar for fragment in best), default=0)
        out[docnum] = (snippet, start) if snippet else (opening(body), 0)
    return out


def opening(body: str) -> str:
    """The first SNIPPET_CHARS of a body, cut at a word, escaped."""
    cut = body[:SNIPPET_CHARS].rsplit(" ", 1)[0] + ("…" if len(body) > SNIPPET_CHARS else "")
    return html.escape(cut)


def marked_body(ix: Index, text_query: str, body: str) -> list[str]:
    """The body's paragraphs as escaped HTML with the query's words in `<mark>`, however long the article.

    Words are matched the way the index matches them (stemmed, accents folded), wildcards expanded.
    """
    terms: set[str] = set()
    if text_query and text_query != "*":
        try:
            terms = wanted_terms(snapshot(ix).reader, parse_query(ix, text_query), ("body", "headline"))
        except BadQuery:
            terms = set()
    return [_mark(paragraph, terms) for paragraph in body.split("\n\n")]


def _mark(text: str, terms: set[str]) -> str:
    if not terms:
        return html.escape(text)
    out, last = [], 0
    for token in TEXT_ANALYZER(text, chars=True, removestops=False):
        if token.text in terms:
            out += [html.escape(text[last : token.startchar]), '<mark class="match">']
            out += [html.escape(text[token.startchar : token.endchar]), "</mark>"]
            last = token.endchar
    return "".join([*out, html.escape(text[last:])])
