"""Match sets computed with numpy (phrases too) and BM25F scores equal what Whoosh itself gives for the same query."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from archive.search.matchset import Postings, matching
from archive.search.query import parse_query
from archive.search.scoring import bm25f
from archive.store import open_index, snapshot

QUERIES = [
    "oil", "oil OR crude", "oil prices", "opec NOT saudi", "cocoa OR coffee OR tea", "headline:oil", "pric*",
    '"oil prices"', '"central bank"~3', '"the bank of england"',
]  # fmt: skip


@pytest.mark.parametrize("text", QUERIES)
def test_numpy_match_set_and_bm25f_equal_whooshs(corpus_index: Path, text: str):
    ix = open_index(corpus_index)
    snap = snapshot(ix)
    q = parse_query(ix, text)
    postings = Postings(snap.reader)
    docs = matching(q, snap.searcher, snap.columns.size, postings)
    whoosh = {hit.docnum: hit.score for hit in snap.searcher.search(q, limit=None)}
    assert docs.tolist() == sorted(whoosh), text
    assert len(docs) > 0, text
    ours = bm25f(snap.searcher, q, docs, postings)
    theirs = np.array([whoosh[d] for d in docs.tolist()])
    if "*" not in text and '"' not in text:  # Whoosh scores wildcards and phrases its own way
        assert np.allclose(ours, theirs, rtol=1e-5), text  # a NOT is an AndNot: it scores nothing
