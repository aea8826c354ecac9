"""What an archive holds, for its home page: stories, the span of their dates, the agencies and sites they
come from, and when it was last written to. Read from the columns, so it costs the same at any size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.index import Index

from archive.facets import BY_NAME
from archive.search.counts import top_values
from archive.store import snapshot
from archive.store.columns import EPOCH, UNDATED

TOP_SOURCES = 8


def overview(ix: Index, index_dir: Path) -> dict[str, Any]:
    """`{"stories", "articles", "first", "last", "undated", "sources": {name: stories}, "last_indexed"}`;
    dates as ISO days (None when nothing is dated), `last_indexed` as an aware UTC datetime (None before any)."""
    columns = snapshot(ix).columns
    eligible = columns.eligible
    dated = columns.published[eligible & (columns.published != UNDATED)]
    first = last = None
    if len(dated):
        first, last = (EPOCH + timedelta(seconds=int(x)) for x in (dated.min(), dated.max()))
    commits = [p.stat().st_mtime for p in Path(index_dir).glob("_MAIN_*.toc")]  # one per commit kept
    return {
        "stories": columns.count_stories(eligible),
        "articles": int(np.count_nonzero(columns.live)),
        "first": first.date().isoformat() if first else None,
        "last": last.date().isoformat() if last else None,
        "undated": columns.count_stories(eligible & (columns.published == UNDATED)),
        "sources": top_values(columns, BY_NAME["source"], eligible, TOP_SOURCES),
        "last_indexed": datetime.fromtimestamp(max(commits), UTC) if commits else None,
    }
