"""Matches marked in `<mark>`: snippets for a page of hits, and whole article bodies.

What is marked is what matched: each word asked for, in any of its forms; a phrase (quotes,
`"a b"~5`) only where its words stand as the phrase, in the forms typed; nothing under NOT.
Snippets read the words' character positions from the postings (the body field keeps them), so
only the page's documents are touched; an article page analyses its one body the same way.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from whoosh import highlight, query
from whoosh.analysis import Token
from whoosh.index import Index

from archive.errors import BadQuery
from archive.search.matchset import TypedPhrase, phrase_matches
from archive.search.query import MARKED_WORDS, QUERY_ERRORS, parse_query, wanted_leaves
from archive.store import TEXT_ANALYZER, snapshot

SNIPPET_CHARS = 240
SNIPPET_FRAGMENTS = 2
MARKED_FIELDS = ("body", "headline")  # what the body's words are: a headline's stems are the body's stems

Places = dict[str, list[tuple[int, int, int]]]  # stem -> (position, startchar, endchar) of each occurrence


@dataclass(frozen=True)
class Pattern:
    """Words to mark: one word (any form), or a phrase: stems, the forms typed (None: any), how near (0: in a row)."""

    words: tuple[str, ...]
    forms: tuple[str | None, ...]
    near: int = 0


def patterns(reader: Any, q: query.Query) -> list[Pattern]:
    """What the query asks to see marked (wildcards expanded), leaving out what is under NOT."""
    out = []
    try:
        for leaf in wanted_leaves(q):
            if getattr(leaf, "fieldname", None) not in MARKED_FIELDS:
                continue
            if isinstance(leaf, TypedPhrase):
                out.append(Pattern(tuple(leaf.words), leaf.exact, leaf.near))
            elif isinstance(leaf, query.Phrase):
                out.append(Pattern(tuple(leaf.words), (None,) * len(leaf.words), 0 if leaf.slop <= 1 else leaf.slop))
            else:
                for n, (_, text) in enumerate(leaf.expanded_terms(reader)):
                    if n >= MARKED_WORDS:
                        break
                    out.append(Pattern((text if isinstance(text, str) else text.decode("utf-8"),), (None,)))
    except QUERY_ERRORS:
        return []
    return list(dict.fromkeys(out))


def marked_spans(text: str, places: Places, wanted: list[Pattern]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence to mark in `text`, in order."""
    spans: set[tuple[int, int]] = set()
    for pattern in wanted:
        found = []
        for word, form in zip(pattern.words, pattern.forms, strict=True):
            found.append({p: (s, e) for p, s, e in places.get(word, ()) if form is None or _form(text[s:e]) == form})
        for match in phrase_matches([sorted(f) for f in found], pattern.near) if len(found) > 1 else [tuple(found[0])]:
            spans |= {f[p] for p in match for f in found if p in f}
    return sorted(spans)


def _form(word: str) -> str:
    """A word of the text as the query's typed forms are kept: lower case, accents folded, not stemmed."""
    return next((t.text for t in TEXT_ANALYZER(word, no_morph=True, removestops=False)), "")


def snippets(reader: Any, q: Any, bodies: dict[int, str]) -> dict[int, tuple[str, int]]:
    """docnum -> (HTML snippet, where in the body it starts): the body's best passages with the query's
    matches marked, or its opening (the start tells a paged document's snippet its page)."""
    wanted = patterns(reader, q)
    places: dict[int, Places] = {docnum: defaultdict(list) for docnum in bodies}
    for word in sorted({w for p in wanted for w in p.words}):
        if ("body", word) not in reader:
            continue
        matcher = reader.postings("body", word)
        for docnum in sorted(bodies):
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                places[docnum][word] = list(matcher.value_as("characters"))
    fragmenter = highlight.PinpointFragmenter(maxchars=SNIPPET_CHARS, surround=60, autotrim=True)
    formatter = highlight.HtmlFormatter(tagname="mark", classname="match", between=" … ")
    out = {}
    for docnum, body in bodies.items():
        found = [
            Token(text=body[s:e], pos=n, startchar=s, endchar=e, matched=True)
            for n, (s, e) in enumerate(marked_spans(body, places[docnum], wanted))
        ]
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
    """The body's paragraphs as escaped HTML with the query's matches in `<mark>`, however long the article.

    Words are matched the way the index matches them (stemmed, accents folded, phrases by position),
    wildcards expanded.
    """
    wanted: list[Pattern] = []
    if text_query and text_query != "*":
        try:
            wanted = patterns(snapshot(ix).reader, parse_query(ix, text_query))
        except BadQuery:
            wanted = []
    if not wanted:
        return [html.escape(paragraph) for paragraph in body.split("\n\n")]
    places: Places = defaultdict(list)
    for token in TEXT_ANALYZER(body, positions=True, chars=True):  # as the index read it: same positions
        places[token.text].append((token.pos, token.startchar, token.endchar))
    spans = marked_spans(body, places, wanted)
    out, start, pending = [], 0, list(spans)
    for paragraph in body.split("\n\n"):
        end = start + len(paragraph)
        mine = [(s - start, e - start) for s, e in pending if start <= s and e <= end]
        out.append(_mark(paragraph, mine))
        start = end + 2
    return out


def _mark(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [html.escape(text[last:start]), '<mark class="match">', html.escape(text[start:end]), "</mark>"]
        last = end
    return "".join([*out, html.escape(text[last:])])
