"""One article and what surrounds it: its versions, similar stories, entity pages, exports, news since."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from whoosh import query
from whoosh.index import Index

from archive.facets import BY_NAME, COMPANY
from archive.search.counts import histogram, top_values
from archive.search.entities import entity_map, reading
from archive.search.query import parse_query
from archive.search.ranking import by_date
from archive.search.request import SearchRequest
from archive.search.selection import select, word_matches
from archive.search.stored import read_article, with_safe_url
from archive.store import Snapshot, article_from_stored, snapshot

SIMILAR = 5
ENTITY_LATEST = 10
ENTITY_COMPANY_LIMIT = 10
BRIEF_KEYS = ("id", "headline", "published", "dateline", "countries", "topics")


def get_article(ix: Index, article_id: str) -> dict[str, Any] | None:
    """The stored article JSON for an id, or None.

    An exact copy is its own metadata (source, URL, date) over its original's text and entities,
    with `copy_of` naming the original. Its `url` is None unless it is an http(s) URL (`url_text` keeps the rest).
    Entities and authors are named as the archive's entities are (joined, corrected, hidden ones left out).
    """
    snap = snapshot(ix)
    searcher = snap.searcher
    stored = searcher.document(id=article_id)
    if not stored:
        return None
    article = article_from_stored(stored)
    original = searcher.document(id=stored["copy_of"]) if stored.get("copy_of") else None
    if original:
        article = {**article_from_stored(original), **article, "copy_of": stored["copy_of"]}
    return with_safe_url(entity_map(snap).article(article))


def source_file(ix: Index, article_id: str) -> str | None:
    """The file (as stored) an article was read from, or None when there is no such article."""
    stored = snapshot(ix).searcher.document(id=article_id)
    return stored.get("file") if stored else None


def linked(ix: Index, article_ids: list[str]) -> list[dict[str, Any]]:
    """Brief records (id, headline, published, source) of these articles, in order; ids no longer indexed left out."""
    searcher = snapshot(ix).searcher
    found = []
    for article_id in article_ids:
        if stored := searcher.document(id=article_id):
            article = read_article(stored)
            found.append({key: article.get(key) for key in ("id", "headline", "published", "source")})
    return found


def versions(ix: Index, article_id: str) -> list[dict[str, Any]]:
    """The other versions of this article's story, oldest first; exact copies say so."""
    searcher = snapshot(ix).searcher
    stored = searcher.document(id=article_id)
    if not stored or not stored.get("group"):
        return []
    found = [read_article(s) | {"copy": bool(s.get("copy_of"))} for s in searcher.documents(group=stored["group"])]
    keys = ("id", "headline", "published", "dateline", "source", "url", "copy")
    rows = [{k: a.get(k) for k in keys} for a in found if a["id"] != article_id]
    return sorted(rows, key=lambda a: (a["published"] is None, a["published"] or ""))


def _brief(snap: Snapshot, docnum: int) -> dict[str, Any]:
    article = read_article(snap.searcher.stored_fields(docnum))
    return {key: article[key] for key in BRIEF_KEYS}


def similar(ix: Index, article_id: str, top: int = SIMILAR) -> list[dict[str, Any]]:
    """'More like this': other stories sharing the most telling body words with this one (one hit a story)."""
    snap = snapshot(ix)
    searcher = snap.searcher
    docnum = searcher.document_number(id=article_id)
    original = searcher.stored_fields(docnum).get("copy_of") if docnum is not None else None
    if original:  # an exact copy has no text of its own to compare: its original's is the same
        docnum = searcher.document_number(id=original)
    if docnum is None:
        return []
    story = snap.columns.story
    seen, out = {int(story[docnum])}, []
    for hit in searcher.more_like(docnum, "body", top=top * 4):
        if int(story[hit.docnum]) not in seen:
            seen.add(int(story[hit.docnum]))
            out.append(_brief(snap, hit.docnum))
    return out[:top]


def entity(ix: Index, facet: str, value: str, *, latest: int = ENTITY_LATEST) -> dict[str, Any]:
    """One person, organisation, country, topic…: its story count, coverage over time, company and latest.

    `facet` and `value` are the entity's as shown (a name it gathers, or its name before a rename, gives
    the entity it is now); `names` are the found names it gathers, with their stories and why each was
    joined; a hidden entity has no stories (`hidden`); `problem` says why entities.toml was not applied.
    """
    snap = snapshot(ix)
    read = reading(snap)
    columns = read.columns
    found = read.entities.entity(facet, value)
    names: list[dict[str, Any]] = []
    if found is not None:
        facet, value = found.facet, found.name
        names = [{"name": m.name, "stories": m.stories, "why": m.why} for m in found.members if m.stories]
    docs = columns.eligible & columns.with_values(facet, columns.terms.lookup(facet, [value]))
    company = {}
    for other in COMPANY:
        counts = top_values(columns, BY_NAME[other], docs, None)
        if other == facet:
            counts.pop(value, None)
        company[other] = dict(list(counts.items())[:ENTITY_COMPANY_LIMIT])
    return {
        "facet": facet,
        "value": value,
        "total": columns.count_stories(docs),
        "histogram": histogram(columns, docs),
        "cooccurring": company,
        "latest": [_brief(snap, d) for d, _ in by_date(snap, docs, newest=True, stories=latest)],
        "names": names,
        "found_in": found.found_in if found else facet,
        "hidden": bool(found and found.hidden),
        "corrected": bool(found and found.table),
        "problem": read.entities.problem,
    }


def count_since(ix: Index, request: SearchRequest, since: datetime) -> int:
    """How many stories matching the search gained an article indexed after `since` (new for a saved search)."""
    snap, fresh = _fresh(ix, request, since)
    return snap.columns.count_stories(fresh)


def new_since(ix: Index, request: SearchRequest, since: datetime, *, limit: int) -> list[dict[str, Any]]:
    """The stories `count_since` counts, newest published first (undated last), at most `limit`: for each,
    the article (as `get_article` has it, the version that arrived) and when it was indexed."""
    snap, fresh = _fresh(ix, request, since)
    stored = snap.searcher.stored_fields
    return [read_article(stored(d)) for d, _ in by_date(snap, fresh, newest=True, stories=limit)]


def _fresh(ix: Index, request: SearchRequest, since: datetime) -> tuple[Snapshot, np.ndarray]:
    """The documents matching the search indexed after `since`; the search itself runs only when something was
    (a page that checks every saved search costs a look-up each while nothing arrives)."""
    q = parse_query(ix, request.q)
    snap = snapshot(ix)
    fresh = word_matches(snap, query.DateRange("indexed", since, None, startexcl=True))
    if not fresh.any():
        return snap, fresh
    return snap, np.logical_and(select(snap, q, request).matched, fresh)
