"""The documents a query matches, unscored, as a sorted numpy array: posting blocks read whole.

Whoosh steps through matches one document at a time in Python; for the match set (what the
totals, facet counts and histogram describe) only the document numbers matter, so each term's
posting blocks are decoded with numpy and the query tree is evaluated with set operations.
Parts this does not know (phrases, ranges, proximity) are left to Whoosh, for that part only.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

import numpy as np
from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher

EMPTY = np.zeros(0, dtype=np.int64)


def term_docs(reader: Any, fieldname: str, text: str | bytes) -> np.ndarray:
    """Global document numbers holding one term, segment by segment."""
    parts = []
    for leaf, offset in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        matcher = leaf.postings(fieldname, text)
        if isinstance(matcher, W3LeafMatcher):
            while matcher.is_active():
                if matcher._data is None:  # one block: (delta-coded ids, weights, values), as Whoosh wrote it
                    matcher._read_data()
                parts.append(np.cumsum(np.asarray(matcher._data[0], dtype=np.int64)) + offset)
                matcher._next_block()
        else:  # a few postings kept inline with the term
            parts.append(np.fromiter(matcher.all_ids(), dtype=np.int64) + offset)
    return np.concatenate(parts) if parts else EMPTY


def matching(q: query.Query, searcher: Any, size: int) -> np.ndarray:
    """Sorted document numbers matching `q` (deleted ones included: the caller masks them)."""
    reader = searcher.reader()
    if isinstance(q, query.Term):
        return term_docs(reader, q.fieldname, q.text)
    if isinstance(q, query.Every):
        return np.arange(size, dtype=np.int64) if not q.fieldname else _whoosh(q, searcher)
    if isinstance(q, query.NullQuery.__class__):
        return EMPTY
    if isinstance(q, query.And):
        parts = sorted((matching(child, searcher, size) for child in q.subqueries), key=len)
        return reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), parts) if parts else EMPTY
    if isinstance(q, query.Or | query.DisjunctionMax):
        parts = [matching(child, searcher, size) for child in q.subqueries]
        return np.unique(np.concatenate(parts)) if parts else EMPTY
    if isinstance(q, query.AndNot):
        return np.setdiff1d(matching(q.a, searcher, size), matching(q.b, searcher, size), assume_unique=True)
    if isinstance(q, query.AndMaybe):
        return matching(q.a, searcher, size)
    if isinstance(q, query.Not):
        return np.setdiff1d(np.arange(size, dtype=np.int64), matching(q.query, searcher, size), assume_unique=True)
    if isinstance(q, query.MultiTerm):  # prefixes, wildcards, fuzzy terms: the terms they expand to
        words = list(q._btexts(reader))
        parts = [term_docs(reader, q.fieldname, word) for word in words]
        return np.unique(np.concatenate(parts)) if parts else EMPTY
    return _whoosh(q, searcher)


def _whoosh(q: query.Query, searcher: Any) -> np.ndarray:
    return np.unique(np.fromiter(searcher.docs_for_query(q), dtype=np.int64))
