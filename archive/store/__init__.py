"""The store: the Whoosh index on disk and the columns beside it.

- `schema`   — the Whoosh schema (the one place it is defined) and the documents written for an article
- `columns`  — per-segment numpy columns (facet values, month, date, story, copy) and the value dictionary
- `writer`   — `ArchiveWriter`: every commit writes the new segment's columns; tiered merges
- `snapshot` — a searcher with the columns of the same generation, per thread, refreshed on new commits
- `index`    — opening (and creating) the index; look-ups by id, file and exact-copy key

Search reads through snapshots; ingest writes through `ArchiveWriter`. Neither touches the other.
"""

from archive.facets import article_source, parse_published
from archive.store.index import copies_of, find_articles, find_exact, open_index, stored_hashes, write_documents
from archive.store.schema import (
    NAME_ANALYZER,
    TEXT_ANALYZER,
    article_document,
    article_from_stored,
    copy_document,
    make_schema,
)
from archive.store.snapshot import ColumnView, Snapshot, Snapshots, snapshot
from archive.store.writer import ArchiveWriter

__all__ = [
    "NAME_ANALYZER",
    "TEXT_ANALYZER",
    "ArchiveWriter",
    "ColumnView",
    "Snapshot",
    "Snapshots",
    "article_document",
    "article_from_stored",
    "article_source",
    "copies_of",
    "copy_document",
    "find_articles",
    "find_exact",
    "make_schema",
    "open_index",
    "parse_published",
    "snapshot",
    "stored_hashes",
    "write_documents",
]
