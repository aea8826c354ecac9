"""Watch-lists: a list of names, each with the stories that mention it (Datashare's batch search).

A name matches the entities one of whose names it is (its aliases too: `OPEC` is also the
Organization of Petroleum Exporting Countries) and the text where it is written, both with case,
accents and punctuation folded. Each row carries the search that finds exactly its stories
(`"OPEC" OR org:"OPEC"`), so its count, its latest story and the search link always agree.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from whoosh.index import Index

from archive.errors import BadParameter
from archive.search.entities import key, reading
from archive.search.export import csv_lines
from archive.search.query import parse_query
from archive.search.ranking import by_date
from archive.search.request import SearchRequest
from archive.search.selection import select
from archive.search.stored import read_article
from archive.store import snapshot

MAX_NAMES = 1_000
MAX_NAME_CHARS = 200
WATCHED = ("person", "org", "place", "author")  # the facets a name is looked for in, beside the text
COLUMNS = ("name", "stories", "latest_date", "latest_headline", "latest_id", "entities", "search")
NAME_COLUMNS = ("name", "names", "entity", "person", "organisation", "organization")


def read_names(text: str, subject: str = "names") -> list[str]:
    """Names from pasted text or a file: CSV with a `name` column (or the first column of one), else one a
    line. Blank lines and `#` comments are skipped, repeats (case and accents aside) kept once."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    names: list[str] = []
    if lines:
        try:
            dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
        except csv.Error:
            dialect = None
        header = next(csv.reader([lines[0]], dialect)) if dialect else []
        column = next((i for i, cell in enumerate(header) if cell.strip().lower() in NAME_COLUMNS), None)
        if dialect and column is not None:
            rows = csv.reader(lines[1:], dialect)
            names = [row[column] for row in rows if len(row) > column]
        else:  # one a line, under a `name` heading or none
            names = lines[1:] if lines[0].strip().lower() in NAME_COLUMNS else lines
    cleaned = {}
    for name in names:
        name = " ".join(name.replace('"', " ").split())
        if len(name) > MAX_NAME_CHARS:
            raise BadParameter(f"“{name[:40]}…” is longer than {MAX_NAME_CHARS} characters", subject=subject)
        if key(name):
            cleaned.setdefault(key(name), name)
    if len(cleaned) > MAX_NAMES:
        raise BadParameter(f"{len(cleaned):,} names; a watch-list takes {MAX_NAMES:,} at most", subject=subject)
    return list(cleaned.values())


def watchlist(ix: Index, names: list[str]) -> list[dict[str, Any]]:
    """For each name: its stories, the latest of them, the entities it matched and the search that finds them."""
    snap = snapshot(ix)
    entities = reading(snap).entities
    by_key = entities.by_key()
    rows = []
    for name in names:
        matched = [pair for pair in by_key.get(key(name), ()) if pair[0] in WATCHED and '"' not in pair[1]]
        q = " OR ".join([f'"{name}"', *(f'{facet}:"{value}"' for facet, value in matched)])
        selected = select(snap, parse_query(ix, q), SearchRequest(q=q)).matched
        latest = by_date(snap, selected, newest=True, stories=1)
        story = read_article(snap.searcher.stored_fields(latest[0][0])) if latest else None
        rows.append({
            "name": name,
            "stories": snap.columns.count_stories(selected),
            "latest": {k: story[k] for k in ("id", "headline", "published")} if story else None,
            "entities": [{"facet": facet, "value": value} for facet, value in matched],
            "q": q,
        })  # fmt: skip
    return rows


def csv_rows(rows: list[dict[str, Any]], search_url: str, *, bom: bool = True) -> Iterator[str]:
    """The rows as CSV lines: one a name, its entities as `facet:value; …`, its search as a link from `search_url`;
    after a byte-order mark (`bom`, for spreadsheets) as the archive's other CSV exports."""
    flat = []
    for row in rows:
        latest = row["latest"] or {}
        flat.append({
            "name": row["name"], "stories": row["stories"], "latest_date": (latest.get("published") or "")[:10],
            "latest_headline": latest.get("headline", ""), "latest_id": latest.get("id", ""),
            "entities": [f"{e['facet']}:{e['value']}" for e in row["entities"]],
            "search": search_url + "?q=" + quote(row["q"]),
        })  # fmt: skip
    return csv_lines(flat, columns=COLUMNS, bom=bom)
