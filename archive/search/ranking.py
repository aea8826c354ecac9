"""Ordering the selected stories: by score or by date, one hit a story.

Scores are BM25F over every selected document at once (archive.search.scoring); only as many
are fully sorted as the page needs. Versions of a story collapse to the best-placed one here,
so a page is `per_page` stories.
"""

from __future__ import annotations

import numpy as np
from whoosh import query

from archive.errors import BadQuery
from archive.search.matchset import Postings
from archive.search.query import QUERY_ERRORS, matches_everything
from archive.search.scoring import bm25f
from archive.store import Snapshot


def by_date(snap: Snapshot, mask: np.ndarray, *, newest: bool, stories: int | None) -> list[tuple[int, None]]:
    """The first `stories` stories (all when None) by publication date, undated last."""
    columns = snap.columns
    want = stories if stories is not None else columns.size
    ordered = columns.first_of_story(columns.order_by_date(mask, newest=newest, stories=want))
    return [(int(d), None) for d in ordered[:want]]


def by_score(
    snap: Snapshot, q: query.Query, mask: np.ndarray, stories: int | None, postings: Postings
) -> list[tuple[int, float]]:
    """The best `stories` stories (all when None) by the query's BM25F score, each as its best version;
    equal scores keep document order."""
    columns = snap.columns
    docs = np.flatnonzero(mask)
    if not len(docs):
        return []
    try:
        scores = bm25f(snap.searcher, q, docs, postings)
    except QUERY_ERRORS as exc:
        raise BadQuery(str(exc)) from exc
    order = None
    if stories is not None and len(docs) > (want := stories * 2 + 16) * 4:
        cut = np.partition(-scores, want)[want]
        near = np.flatnonzero(-scores <= cut)
        order = near[np.lexsort((docs[near], -scores[near]))]
        if len(np.unique(columns.story[docs[order]])) < stories:
            order = None
    if order is None:
        order = np.lexsort((docs, -scores))
    placed = columns.first_of_story(docs[order])
    best = dict(zip(docs.tolist(), scores.tolist(), strict=True)) if stories is None else None
    chosen = placed if stories is None else placed[:stories]
    lookup = best if best is not None else {int(d): float(scores[np.searchsorted(docs, d)]) for d in chosen}
    return [(int(d), lookup[int(d)]) for d in chosen]


def ranked(
    snap: Snapshot, q: query.Query, mask: np.ndarray, sort: str, stories: int | None, postings: Postings
) -> list[tuple[int, float | None]]:
    """Stories in the asked order; an empty query has no scores, so it lists the newest first."""
    if sort == "relevance" and not matches_everything(q):
        return list(by_score(snap, q, mask, stories, postings))
    return list(by_date(snap, mask, newest=sort != "oldest", stories=stories))
