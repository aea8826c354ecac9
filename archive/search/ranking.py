"""Ordering the selected stories: by score (Whoosh, top-k only) or by date (the columns), one hit a story.

Whoosh scores only as many documents as the page needs, skipping blocks that cannot reach the
top; the selection from archive.search.selection is handed to it as a filter that looks up the
mask. Versions of a story collapse to the best-placed one here, so the page is `page` stories.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from whoosh import query
from whoosh.idsets import DocIdSet

from archive.errors import BadQuery
from archive.search.query import QUERY_ERRORS, matches_everything
from archive.store import Snapshot


class MaskSet(DocIdSet):
    """A numpy mask as the document set Whoosh's collectors test hits against."""

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask

    def __contains__(self, docnum: object) -> bool:
        return bool(self.mask[docnum])  # type: ignore[index]

    def __len__(self) -> int:
        return int(np.count_nonzero(self.mask))

    def __iter__(self) -> Iterator[int]:
        return iter(np.flatnonzero(self.mask).tolist())


def by_date(snap: Snapshot, mask: np.ndarray, *, newest: bool, stories: int | None) -> list[tuple[int, None]]:
    """The first `stories` stories (all when None) by publication date, undated last."""
    columns = snap.columns
    want = stories if stories is not None else columns.size
    ordered = columns.first_of_story(columns.order_by_date(mask, newest=newest, stories=want))
    return [(int(d), None) for d in ordered[:want]]


def by_score(snap: Snapshot, q: query.Query, mask: np.ndarray, stories: int | None) -> list[tuple[int, float]]:
    """The best `stories` stories (all when None) by the query's score, each as its best-scoring version."""
    columns = snap.columns
    available = int(np.count_nonzero(mask))
    if not available:
        return []
    limit = None if stories is None else min(available, stories * 2 + 10)
    allowed = MaskSet(mask)
    while True:
        try:
            results = snap.searcher.search(q, limit=limit, filter=allowed)
        except QUERY_ERRORS as exc:
            raise BadQuery(str(exc), subject="q") from exc
        seen: set[int] = set()
        page: list[tuple[int, float]] = []
        for docnum, score in results.items():
            story = int(columns.story[docnum])
            if story not in seen:
                seen.add(story)
                page.append((docnum, score))
        if limit is None or stories is None or len(page) >= stories or limit >= available:
            return page if stories is None else page[:stories]
        limit = min(available, limit * 4)


def ranked(
    snap: Snapshot, q: query.Query, mask: np.ndarray, sort: str, stories: int | None
) -> list[tuple[int, float | None]]:
    """Stories in the asked order; an empty query has no scores, so it lists the newest first."""
    if sort == "relevance" and not matches_everything(q):
        return list(by_score(snap, q, mask, stories))
    return list(by_date(snap, mask, newest=sort != "oldest", stories=stories))
