"""The documents a query matches, unscored, as a sorted numpy array: posting blocks read whole.

Whoosh steps through matches one document at a time in Python; for the match set (what the
totals, facet counts and histogram describe) only the document numbers matter, so each term's
posting blocks are decoded with numpy and the query tree is evaluated with set operations.
Parts this does not know (phrases, ranges, proximity) are left to Whoosh, for that part only.
The postings read are kept (`Postings`) so scoring (archive.search.scoring) reads them once.
"""

from __future__ import annotations

import pickle
import time
from functools import reduce
from typing import Any

import numpy as np
from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher

from archive.errors import BadQuery

EMPTY = np.zeros(0, dtype=np.int64)
NO_WEIGHTS = np.zeros(0, dtype=np.float64)
MAX_EXPANSION = 2_000  # words the wildcards of one search may stand for, all fields together
WORK_SECONDS = 3.0  # a search that has read postings this long stops, so no query can hold the server


class Postings:
    """One search's postings: (field, term) -> (global document numbers, term weights), read once.

    It also keeps the search's work budget: reading stops with a clear error past WORK_SECONDS,
    and its wildcards may stand for at most MAX_EXPANSION words in all.
    """

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.deadline = time.monotonic() + WORK_SECONDS
        self._read: dict[tuple[str, bytes], tuple[np.ndarray, np.ndarray, list[bytes]]] = {}
        self._expanded: dict[query.Query, list[bytes]] = {}
        self._words = 0

    def of(self, fieldname: str, text: str | bytes) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term weights) of one term."""
        ids, weights, _ = self._term(fieldname, text)
        return ids, weights

    def values(self, fieldname: str, text: str | bytes) -> list[bytes]:
        """The term's encoded posting values (positions, characters), in document order."""
        return self._term(fieldname, text)[2]

    def _term(self, fieldname: str, text: str | bytes) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
        if isinstance(text, str):
            text = self.reader.schema[fieldname].to_bytes(text)
        key = (fieldname, text)
        if key not in self._read:
            self.check()
            self._read[key] = _read(self.reader, fieldname, text)
        return self._read[key]

    def expand(self, q: query.MultiTerm) -> list[bytes]:
        """The words a wildcard, prefix or fuzzy term stands for in its field, within the budget."""
        if q not in self._expanded:
            words = []
            for word in q._btexts(self.reader):
                words.append(word)
                self._words += 1
                if self._words > MAX_EXPANSION:
                    raise BadQuery(
                        f"its wildcards stand for more than {MAX_EXPANSION:,} words ({q.text}… among them); "
                        "give them more letters",
                        subject="q",
                    )
                if len(words) % 256 == 0:
                    self.check()
            self._expanded[q] = words
        return self._expanded[q]

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise BadQuery(f"took longer than {WORK_SECONDS:g} s; narrow it (fewer wildcards, more words)", subject="q")


def _read(reader: Any, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    ids, weights, values = [], [], []
    for leaf, offset in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        matcher = leaf.postings(fieldname, text)
        if isinstance(matcher, W3LeafMatcher):
            while matcher.is_active():
                if matcher._data is None:  # one block: (delta-coded ids, weights, values), as Whoosh wrote it
                    matcher._read_data()
                block_ids, block_weights, block_values = matcher._data
                ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)) + offset)
                weights.append(_weights(block_weights, len(block_ids)))
                values.extend(block_values if isinstance(block_values, tuple | list) else [b""] * len(block_ids))
                matcher._next_block()
        else:  # a few postings kept inline with the term
            triples = _postings(matcher)
            ids.append(np.array([d for d, _, _ in triples], dtype=np.int64) + offset)
            weights.append(np.array([w for _, w, _ in triples], dtype=np.float64))
            values.extend(v for _, _, v in triples)
    if not ids:
        return EMPTY, NO_WEIGHTS, []
    return np.concatenate(ids), np.concatenate(weights), values


def _weights(stored: Any, count: int) -> np.ndarray:
    """Whoosh minifies a block's weights: None when all are 1, one number when all are equal."""
    if stored is None:
        return np.ones(count, dtype=np.float64)
    if isinstance(stored, float | int):
        return np.full(count, float(stored))
    return np.asarray(stored, dtype=np.float64)


def _postings(matcher: Any) -> list[tuple[int, float, bytes]]:
    out = []
    while matcher.is_active():
        out.append((matcher.id(), matcher.weight(), matcher.value() or b""))
        matcher.next()
    return out


def matching(q: query.Query, searcher: Any, size: int, postings: Postings | None = None) -> np.ndarray:
    """Sorted document numbers matching `q` (deleted ones included: the caller masks them)."""
    postings = postings or Postings(searcher.reader())
    if isinstance(q, query.Term):
        return postings.of(q.fieldname, q.text)[0]
    if isinstance(q, query.Every):
        return np.arange(size, dtype=np.int64) if not q.fieldname else _whoosh(q, searcher)
    if isinstance(q, query.NullQuery.__class__):
        return EMPTY
    if isinstance(q, query.And):
        parts = sorted((matching(child, searcher, size, postings) for child in q.subqueries), key=len)
        return reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), parts) if parts else EMPTY
    if isinstance(q, query.Or | query.DisjunctionMax):
        parts = [matching(child, searcher, size, postings) for child in q.subqueries]
        return np.unique(np.concatenate(parts)) if parts else EMPTY
    if isinstance(q, query.AndNot):
        keep, drop = matching(q.a, searcher, size, postings), matching(q.b, searcher, size, postings)
        return np.setdiff1d(keep, drop, assume_unique=True)
    if isinstance(q, query.AndMaybe):
        return matching(q.a, searcher, size, postings)
    if isinstance(q, query.Not):
        everything = np.arange(size, dtype=np.int64)
        return np.setdiff1d(everything, matching(q.query, searcher, size, postings), assume_unique=True)
    if isinstance(q, query.Phrase) and q.words:
        return phrase_docs(q, postings)
    if isinstance(q, query.MultiTerm):  # prefixes, wildcards, fuzzy terms: the terms they expand to
        parts = [postings.of(q.fieldname, word)[0] for word in postings.expand(q)]
        return np.unique(np.concatenate(parts)) if parts else EMPTY
    return _whoosh(q, searcher)


def phrase_docs(q: query.Phrase, postings: Postings) -> np.ndarray:
    """Documents where the phrase's words stand in order, each within `slop` positions of the one before
    (Whoosh's rule): the documents holding every word found with numpy, positions checked only there."""
    fieldname, words, slop = q.fieldname, q.words, max(1, q.slop)
    found = [postings.of(fieldname, word)[0] for word in words]
    candidates = reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), sorted(found, key=len))
    if len(words) == 1 or not len(candidates):
        return candidates
    places = [np.searchsorted(ids, candidates) for ids in found]
    encoded = [postings.values(fieldname, word) for word in words]
    keep = []
    for n, docnum in enumerate(candidates.tolist()):
        reached = set(_positions(encoded[0][places[0][n]]))
        for i in range(1, len(words)):
            positions = _positions(encoded[i][places[i][n]])
            reached = {p for p in positions if any(1 <= p - q <= slop for q in reached)}
            if not reached:
                break
        if reached:
            keep.append(docnum)
        if n % 1024 == 1023:
            postings.check()
    return np.array(keep, dtype=np.int64)


def _positions(value: bytes) -> list[int]:
    """Token positions from an encoded Positions or Characters posting value (Whoosh's format)."""
    if not value:
        return []
    codes = pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".")
    out, position = [], 0
    for code in codes:
        position += code[0] if isinstance(code, tuple) else code
        out.append(position)
    return out


def _whoosh(q: query.Query, searcher: Any) -> np.ndarray:
    return np.unique(np.fromiter(searcher.docs_for_query(q), dtype=np.int64))
