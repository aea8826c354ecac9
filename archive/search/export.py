"""Exports: every story a search matches, streamed, as flat rows (CSV, the API) or whole articles (JSON Lines).

Whole-article records have the `archive extract --json` shape, so `archive index` of an export
restores the archive without running NER again (archive.ingest.readers keeps their entities).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from whoosh.index import Index

from archive.search.query import parse_query
from archive.search.ranking import ranked
from archive.search.request import SearchRequest
from archive.search.selection import select
from archive.search.stored import read_article
from archive.store import Snapshot, snapshot

EXPORT_COLUMNS = (
    "id", "headline", "published", "authors", "place", "agency", "countries", "topics",
    "people", "organizations", "places", "url", "source", "indexed", "versions",
)  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _ordered(ix: Index, request: SearchRequest, *, every_version: bool) -> tuple[Snapshot, list[int]]:
    """The matching stories in the search's order (the query is parsed here, before anything streams,
    so a bad one is an error and not a cut-off file); with `every_version`, each story's versions and
    exact copies follow it, oldest first."""
    q = parse_query(ix, request.q)
    snap = snapshot(ix)
    columns = snap.columns
    chosen = select(snap, q, request)
    docnums = [docnum for docnum, _ in ranked(snap, q, chosen.matched, request.sort, None, chosen.postings)]
    if not every_version:
        return snap, docnums
    by_story: dict[int, list[int]] = {}
    members = np.flatnonzero(columns.live & np.isin(columns.story, columns.story[docnums]))
    for docnum in members[np.argsort(columns.published[members], kind="stable")]:
        by_story.setdefault(int(columns.story[docnum]), []).append(int(docnum))
    return snap, [d for lead in docnums for d in [lead, *(v for v in by_story[int(columns.story[lead])] if v != lead)]]


def rows(ix: Index, request: SearchRequest) -> Iterator[dict[str, Any]]:
    """Flat rows, one per story (what the CSV and the API's export hold)."""
    snap, docnums = _ordered(ix, request, every_version=False)
    return _rows(snap, docnums)


def _rows(snap: Snapshot, docnums: list[int]) -> Iterator[dict[str, Any]]:
    for docnum in docnums:
        article = read_article(snap.searcher.stored_fields(docnum))
        yield {
            "id": article["id"],
            "headline": article["headline"],
            "published": article["published"],
            "authors": article["authors"],
            "place": article["dateline"]["place"],
            "agency": article["dateline"]["agency"],
            "countries": article["countries"],
            "topics": article["topics"],
            "people": article["entities"]["people"],
            "organizations": article["entities"]["organizations"],
            "places": article["entities"]["places"],
            "url": article["url"],
            "source": article["source"],
            "indexed": article.get("indexed"),
            "versions": snap.columns.other_versions(docnum),
        }


def articles(ix: Index, request: SearchRequest, *, every_version: bool = False) -> Iterator[dict[str, Any]]:
    """Whole articles in the `archive extract --json` shape, one per story (every version with `every_version`)."""
    snap, docnums = _ordered(ix, request, every_version=every_version)
    return _articles(snap, docnums)


def _articles(snap: Snapshot, docnums: list[int]) -> Iterator[dict[str, Any]]:
    searcher = snap.searcher
    for docnum in docnums:
        stored = searcher.stored_fields(docnum)
        article = read_article(stored)
        if stored.get("copy_of"):  # a copy keeps its own source, URL and date over its original's text
            original = searcher.document(id=stored["copy_of"])
            article = {**read_article(original), **article} if original else article
        yield article


def csv_lines(records: Iterable[dict[str, Any]], columns: tuple[str, ...] = EXPORT_COLUMNS) -> Iterator[str]:
    """CSV a line at a time; lists become `a; b; c` so each article (or watched name) stays one row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in records:
        writer.writerow([_cell(row[column]) for column in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _cell(value: Any) -> Any:
    """A CSV cell; text a spreadsheet would run as a formula (`=HYPERLINK(…)`) gets a leading apostrophe."""
    text = "; ".join(value) if isinstance(value, list) else value
    if isinstance(text, str) and text[:1] in FORMULA_STARTS:
        return "'" + text
    return text
