"""BM25F over numpy arrays: the scores Whoosh's default weighting gives, for every matching document at once.

Whoosh scores a match at a time in Python, which is most of a search's time on a large archive.
Here each scoring term's postings (document numbers and term weights, read from its posting
blocks once, see archive.search.matchset) meet the per-document field lengths Whoosh keeps in
a byte column per segment, and the formula runs vectorised. Words under NOT score nothing; a
phrase scores as its words; ranges and other non-word parts add nothing, as in Whoosh. A word
asked for as typed (`=rates`, a one-word `TypedPhrase`) scores as its stem.
"""

from __future__ import annotations

from math import log
from typing import Any

import numpy as np
from whoosh import query
from whoosh.util.numeric import byte_to_length

from archive.search.matchset import Postings
from archive.search.query import wanted_leaves

B = 0.75
K1 = 1.2
LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def scoring_terms(q: query.Query, reader: Any, postings: Postings) -> list[tuple[str, bytes, float]]:
    """(field, term, boost) for every word the query asks for, wildcards expanded."""
    out = []
    for leaf in wanted_leaves(q):
        boost = float(getattr(leaf, "boost", 1.0))
        if isinstance(leaf, query.Term):
            text = leaf.text if isinstance(leaf.text, bytes) else reader.schema[leaf.fieldname].to_bytes(leaf.text)
            out.append((leaf.fieldname, text, boost))
        elif isinstance(leaf, query.Phrase):
            field = reader.schema[leaf.fieldname]
            out += [(leaf.fieldname, field.to_bytes(word), boost) for word in leaf.words]
        elif isinstance(leaf, query.MultiTerm):
            out += [(leaf.fieldname, word, boost) for word in postings.expand(leaf)]
    return out


def field_lengths(reader: Any, fieldname: str) -> np.ndarray:
    """Every document's length of one field (Whoosh's one-byte approximation), over all segments."""
    parts = []
    for leaf, _ in reader.leaf_readers():
        count = leaf.doc_count_all()
        lengths = np.zeros(count, dtype=np.uint8)
        perdoc = leaf._perdoc
        name = f"_{fieldname}_len"
        if perdoc.has_column(name):
            stream, start, size = perdoc._get_column_file(name)
            raw = np.frombuffer(stream.get(start, size), dtype=np.uint8)[:count]
            lengths[: len(raw)] = raw
        parts.append(lengths)
    return LENGTHS[np.concatenate(parts)] if parts else np.zeros(0)


def bm25f(searcher: Any, q: query.Query, docs: np.ndarray, postings: Postings) -> np.ndarray:
    """Scores of `docs` (sorted document numbers) for `q`, as Whoosh's BM25F would give them."""
    reader = searcher.reader()
    scores = np.zeros(len(docs), dtype=np.float64)
    total = reader.doc_count_all() or 1
    lengths: dict[str, np.ndarray] = {}
    for fieldname, text, boost in scoring_terms(q, reader, postings):
        ids, weights = postings.of(fieldname, text)
        if not len(ids):
            continue
        where = np.searchsorted(docs, ids)
        hit = where < len(docs)
        hit[hit] = docs[where[hit]] == ids[hit]
        if not hit.any():
            continue
        tf = weights[hit]
        if not reader.schema[fieldname].scorable:
            scores[where[hit]] += tf * boost
            continue
        if fieldname not in lengths:
            lengths[fieldname] = field_lengths(reader, fieldname)
        idf = log(total / (reader.doc_frequency(fieldname, text) + 1)) + 1
        avg = (reader.field_length(fieldname) / total) or 1
        fl = lengths[fieldname][ids[hit]]
        scores[where[hit]] += boost * idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avg))
    return scores
