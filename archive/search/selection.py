"""Which documents a search selects, as masks over the columns: the words, the dates, each facet's filter.

Whoosh finds the documents matching the words (unscored, once); every filter and the date range
are column look-ups, so a search with no words never walks a posting list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query

from archive.errors import BadQuery
from archive.facets import BY_NAME
from archive.search.annotated import annotation_mask
from archive.search.entities import view
from archive.search.matchset import Postings, matching
from archive.search.query import QUERY_ERRORS, matches_everything
from archive.search.request import SearchRequest
from archive.store import Snapshot
from archive.store.columns import day_bounds


@dataclass(frozen=True)
class Selection:
    """`base`: originals matching the words and dates; `passing`: per filtered facet, documents with any
    of its chosen values; `matched`: both, the set the hits, totals and histogram describe."""

    base: np.ndarray
    passing: dict[str, np.ndarray]
    matched: np.ndarray
    postings: Postings  # what the words' match set read, for scoring

    def for_facet(self, facet: str) -> np.ndarray:
        """The documents whose values a facet counts: every filter applies except the facet's own,
        so ticking Turkey still shows how many stories Russia would add."""
        if facet not in self.passing:
            return self.matched
        mask = self.base.copy()
        for other, passing in self.passing.items():
            if other != facet:
                mask &= passing
        return mask


def word_matches(snap: Snapshot, q: query.Query, postings: Postings | None = None) -> np.ndarray:
    """Documents matching the words, as a mask; everything for an empty query."""
    size = snap.columns.size
    if matches_everything(q):
        return np.ones(size, dtype=np.bool_)
    mask = np.zeros(size, dtype=np.bool_)
    try:
        docs = matching(q, snap.searcher, size, postings)
    except QUERY_ERRORS as exc:
        raise BadQuery(str(exc)) from exc
    mask[docs[docs < size]] = True
    return mask


def facet_mask(snap: Snapshot, facet: str, values: tuple[str, ...]) -> np.ndarray:
    """Documents having any of these values of a facet: from the columns, or the annotations for tags and the like."""
    if BY_NAME[facet].annotation:
        return annotation_mask(snap, facet, values)
    columns = view(snap)  # entities: any of an entity's names selects all its stories
    return columns.with_values(facet, columns.terms.lookup(facet, values))


def select(snap: Snapshot, q: query.Query, request: SearchRequest) -> Selection:
    columns = snap.columns
    postings = Postings(snap.reader)
    base = columns.eligible & word_matches(snap, q, postings)
    if request.date_from or request.date_to:
        base &= columns.dated(*day_bounds(request.date_from, request.date_to))
    passing = {facet: facet_mask(snap, facet, values) for facet, values in request.filters.items()}
    matched = base.copy()
    for mask in passing.values():
        matched &= mask
    return Selection(base, passing, matched, postings)
