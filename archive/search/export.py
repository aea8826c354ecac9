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
from archive.store.annotations import Annotations

EXPORT_COLUMNS = (
    "id", "headline", "published", "authors", "place", "agency", "countries", "topics",
    "people", "organizations", "places", "url", "source", "indexed", "versions", "tags", "notes",
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
    kept = Annotations(snap.index_dir).annotated()  # read once: most stories have none
    none: dict[str, Any] = {"tags": [], "notes": []}
    for docnum in docnums:
        article = read_article(snap.searcher.stored_fields(docnum))
        mine = kept.get(article["id"], none)
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
            "tags": mine["tags"],
            "notes": [f"{note['created'][:10]}: {note['text']}" for note in mine["notes"]],  # dated, oldest first
        }


def articles(ix: Index, request: SearchRequest, *, every_version: bool = False) -> Iterator[dict[str, Any]]:
    """Whole articles in the `archive extract --json` shape, one per story (every version with `every_version`)."""
    snap, docnums = _ordered(ix, request, every_version=every_version)
    return _articles(snap, docnums)


def _articles(snap: Snapshot, docnums: list[int]) -> Iterator[dict[str, Any]]:
    searcher = snap.searcher
    kept = Annotations(snap.index_dir).annotated()
    for docnum in docnums:
        stored = searcher.stored_fields(docnum)
        article = read_article(stored)
        if stored.get("copy_of"):  # a copy keeps its own source, URL and date over its original's text
            original = searcher.document(id=stored["copy_of"])
            article = {**read_article(original), **article} if original else article
        if article["id"] in kept:  # tags, star, notes, collections: `archive index` of the export restores them
            article["annotations"] = kept[article["id"]]
        yield article


def _docnums(snap: Snapshot, ids: Iterable[str]) -> list[int]:
    found = (snap.searcher.document_number(id=article_id) for article_id in ids)
    return [docnum for docnum in found if docnum is not None]


def rows_by_id(ix: Index, ids: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Flat rows for these stories, in this order (a collection's export); ids not in the index are left out."""
    snap = snapshot(ix)
    return _rows(snap, _docnums(snap, ids))


def articles_by_id(ix: Index, ids: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Whole articles for these stories, in this order, with their annotations."""
    snap = snapshot(ix)
    return _articles(snap, _docnums(snap, ids))


def csv_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV a line at a time; lists become `a; b; c` so each article stays one row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in records:
        writer.writerow([_cell(row[column]) for column in EXPORT_COLUMNS])
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
