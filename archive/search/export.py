"""Exports: every story a search matches, streamed, as flat rows (CSV, the API) or whole articles (JSON Lines).

Flat rows carry what a reporter needs beside the metadata: the lead (or, asked for, the whole text) and the
link back to the story in the archive. CSV starts with a byte-order mark when it is a file to open, so Excel
on Windows reads UTF-8 (accented names) instead of guessing a code page.

Whole-article records have the `archive extract --json` shape, so `archive index` of an export
restores the archive without running NER again (archive.ingest.readers keeps their entities).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date
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
    "id", "headline", "published", "authors", "lead", "place", "agency", "countries", "topics",
    "people", "organizations", "places", "url", "archive_link", "source", "indexed", "versions", "tags", "notes",
)  # fmt: skip
FULL_TEXT_COLUMNS = tuple("text" if column == "lead" else column for column in EXPORT_COLUMNS)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
LEAD_CHARS = 1000  # a lead longer than this (a document's first block) is cut at a word, with an ellipsis
CELL_CHARS = 32_767  # Excel's limit for one cell: a longer text is cut there in CSV (JSON Lines keeps it whole)
NAME_CHARS = 60


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


def rows(
    ix: Index, request: SearchRequest, link: Callable[[str], str], *, full_text: bool = False
) -> Iterator[dict[str, Any]]:
    """Flat rows, one per story (what the CSV and the API's export hold): `lead`, or `text` with `full_text`;
    `archive_link` is `link(id)`, the story's page in the archive."""
    snap, docnums = _ordered(ix, request, every_version=False)
    return _rows(snap, docnums, link, full_text)


def _rows(snap: Snapshot, docnums: list[int], link: Callable[[str], str], full_text: bool) -> Iterator[dict[str, Any]]:
    kept = Annotations(snap.index_dir).annotated()  # read once: most stories have none
    none: dict[str, Any] = {"tags": [], "notes": []}
    for docnum in docnums:
        article = read_article(snap.searcher.stored_fields(docnum))
        text = {"text": article["body"]} if full_text else {"lead": lead(article)}
        mine = kept.get(article["id"], none)
        yield {
            "id": article["id"],
            "headline": article["headline"],
            "published": article["published"],
            "authors": article["authors"],
            **text,
            "place": article["dateline"]["place"],
            "agency": article["dateline"]["agency"],
            "countries": article["countries"],
            "topics": article["topics"],
            "people": article["entities"]["people"],
            "organizations": article["entities"]["organizations"],
            "places": article["entities"]["places"],
            "url": article["url"],
            "archive_link": link(article["id"]),
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


def rows_by_id(
    ix: Index, ids: Iterable[str], link: Callable[[str], str], *, full_text: bool = False
) -> Iterator[dict[str, Any]]:
    """Flat rows for these stories, in this order (a collection's export); ids not in the index are left out."""
    snap = snapshot(ix)
    return _rows(snap, _docnums(snap, ids), link, full_text)


def articles_by_id(ix: Index, ids: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Whole articles for these stories, in this order, with their annotations."""
    snap = snapshot(ix)
    return _articles(snap, _docnums(snap, ids))


def lead(article: dict[str, Any]) -> str:
    """The story's first paragraph that is not a subhead (dateline and all, as a wire lead reads)."""
    first = next((p for p in article["body"].split("\n\n") if p.strip() and p not in article["subheads"]), "")
    first = " ".join(first.split())
    if len(first) <= LEAD_CHARS:
        return first
    return first[:LEAD_CHARS].rsplit(" ", 1)[0] + " …"


def export_name(request: SearchRequest, fmt: str, today: date) -> str:
    """A download's file name from the search and the day: `archive-cocoa-ghana-2024-03-05.csv`; ASCII only
    (accents folded), so every browser and file system keeps it."""
    words = [request.q, *(v for values in request.filters.values() for v in values)]
    folded = unicodedata.normalize("NFKD", " ".join(words)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:NAME_CHARS].rstrip("-")
    return f"archive-{slug or 'export'}-{today.isoformat()}.{fmt}"


def csv_lines(
    records: Iterable[dict[str, Any]],
    *,
    full_text: bool = False,
    bom: bool = True,
    columns: tuple[str, ...] | None = None,
) -> Iterator[str]:
    """CSV a line at a time, after a byte-order mark (`bom`); lists become `a; b; c` so each article (or watched
    name, with its own `columns`) stays one row."""
    columns = columns or (FULL_TEXT_COLUMNS if full_text else EXPORT_COLUMNS)
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in records:
        writer.writerow([_cell(row[column]) for column in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _cell(value: Any) -> Any:
    """A CSV cell; text a spreadsheet would run as a formula (`=HYPERLINK(…)`) gets a leading apostrophe, and
    text past a spreadsheet cell's limit is cut there (with ` […]`)."""
    text = "; ".join(value) if isinstance(value, list) else value
    if not isinstance(text, str):
        return text
    if text[:1] in FORMULA_STARTS:
        text = "'" + text
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 4] + " […]"
