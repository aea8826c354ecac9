"""Counting stories: per facet value and per month, over the columns (archive.store.snapshot)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from archive.facets import Facet
from archive.search.annotated import annotation_counts
from archive.search.entities import view
from archive.store import ColumnView, Snapshot
from archive.store.columns import UNDATED, month_label

HISTOGRAM_MAX_MONTHS = 48
GAP_YEARS = 3  # this many empty years in a row or more fold into one gap, so a mixed-decade archive stays readable


def facet_counts(snap: Snapshot, facet: Facet, mask: np.ndarray, limit: int | None) -> dict[str, int]:
    """A facet's counts over the masked documents, from the columns or (tags, stars, collections) the annotations."""
    if facet.annotation:
        return annotation_counts(snap, facet, mask, limit)
    return top_values(view(snap), facet, mask, limit)  # people, organisations…: as entities


def top_values(columns: ColumnView, facet: Facet, mask: np.ndarray, limit: int | None) -> dict[str, int]:
    """Value -> number of stories, most frequent first (years newest first), at most `limit` of them.

    A story counts once under a value when any of its matching versions has it, so the count is
    what ticking that value would show.
    """
    counts = columns.count_values(facet.name, mask)
    present = np.flatnonzero(counts)
    if limit and len(present) > limit and not facet.newest_first:
        floor = np.partition(counts[present], -limit)[-limit]
        present = present[counts[present] >= floor]  # ties at the cut are settled by name below
    names = columns.terms.names(facet.name, len(counts))
    items = [(names[i], int(counts[i])) for i in present]
    if facet.newest_first:
        items.sort(reverse=True)
    else:
        items.sort(key=lambda kv: (-kv[1], kv[0]))
    return dict(items[:limit])


def histogram(columns: ColumnView, mask: np.ndarray) -> dict[str, Any]:
    """Matching stories per month (per year when they span more than HISTOGRAM_MAX_MONTHS), undated apart.

    A story whose versions fall in two months counts in both, as narrowing to either would show it. By year,
    GAP_YEARS or more empty years in a row are one bin with `gap: true` and the range as its label.
    """
    per_month, undated = columns.count_months(mask)
    if not per_month:
        return {"interval": "month", "bins": [], "undated": undated}
    first, last = min(per_month), max(per_month)
    if last - first + 1 <= HISTOGRAM_MAX_MONTHS:
        bins = []
        for number in range(first, last + 1):
            label = month_label(number)
            year, month = divmod(number, 12)
            end = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - timedelta(days=1)
            bins.append(
                {"label": label, "from": f"{label}-01", "to": end.isoformat(), "count": per_month.get(number, 0)}
            )
        return {"interval": "month", "bins": bins, "undated": undated}
    per_year: dict[int, int] = {}
    for number, count in per_month.items():
        per_year[number // 12] = per_year.get(number // 12, 0) + count
    bins: list[dict[str, Any]] = []
    empty: list[int] = []
    for year in range(first // 12, last // 12 + 2):  # one past the end closes a last run of empty years
        if year <= last // 12 and not per_year.get(year):
            empty.append(year)
            continue
        if len(empty) >= GAP_YEARS:
            label = f"{empty[0]}–{empty[-1]}"
            bins.append(
                {"label": label, "from": f"{empty[0]}-01-01", "to": f"{empty[-1]}-12-31", "count": 0, "gap": True}
            )
        else:
            bins += [{"label": str(y), "from": f"{y}-01-01", "to": f"{y}-12-31", "count": 0} for y in empty]
        empty = []
        if year <= last // 12:
            bins.append({"label": str(year), "from": f"{year}-01-01", "to": f"{year}-12-31", "count": per_year[year]})
    return {"interval": "year", "bins": bins, "undated": undated}


def date_span(columns: ColumnView) -> dict[str, str] | None:
    """The first and last publication day in the whole archive (None when nothing is dated)."""
    published = columns.published[columns.eligible]
    published = published[published != UNDATED]
    if not len(published):
        return None
    first, last = (datetime.fromtimestamp(int(t), UTC).date().isoformat() for t in (published.min(), published.max()))
    return {"from": first, "to": last}
