"""Posting arrays beside each segment (archive.store.postings): the ids, weights and positions of frequent
terms agree with Whoosh's own blocks in new, merged and older segments; phrases found with them are
the ones Whoosh finds; and quoted forms answer the same whether a segment's spelling lists name their
documents or not."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from whoosh import query
from whoosh.reading import SegmentReader

from archive.search.matchset import Postings, TypedPhrase, matching
from archive.store import ArchiveWriter, open_index, postings
from archive.store.check import check_index
from archive.store.postings import (
    BLOCK_POSTINGS,
    position_arrays,
    positional,
    positions_of,
    posting_arrays,
    read_blocks,
    spelling_is_exact,
    term_positions,
    term_postings,
)
from archive.store.segments import merge_segments

WORDS = [
    "oil",
    "bank",
    "rates",
    "rated",
    "rate",
    "trade",
    "gold",
    "wheat",
    "market",
    "shares",
    "price",
    "prices",
    "central",
    "interest",
]


def _documents(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40)))
        headline = " ".join(rng.sample(WORDS, 3))
        data = json.dumps({"id": f"d{seed}-{n}", "headline": headline, "body": body})
        docs.append({"id": f"d{seed}-{n}", "headline": headline, "body": body, "data": data})
    return docs


def _frequent_terms(leaf: SegmentReader) -> list[tuple[str, bytes]]:
    return [
        (f, t) for f, t in leaf.all_terms() if f in leaf.schema.names() and leaf.doc_frequency(f, t) > BLOCK_POSTINGS
    ]


def _agree(leaf: SegmentReader) -> int:
    """Every frequent term's arrays against its blocks; how many terms had positions arrayed."""
    arrays = position_arrays(leaf)
    assert arrays is not None
    positioned = 0
    for fieldname, tbytes in _frequent_terms(leaf):
        ids, weights = term_postings(leaf, fieldname, tbytes)
        block_ids, block_weights, values = read_blocks(leaf, fieldname, tbytes)
        assert ids.tolist() == block_ids.tolist(), (fieldname, tbytes)
        assert weights.tolist() == pytest.approx(block_weights.tolist()), (fieldname, tbytes)
        if positional(leaf.schema, fieldname):
            assert arrays.get(fieldname, tbytes) is not None, (fieldname, tbytes)
            positioned += 1
            got_ids, counts, positions, lengths = term_positions(leaf, fieldname, tbytes)
            decoded = [positions_of(v) for v in values]
            assert got_ids.tolist() == block_ids.tolist()
            assert counts.tolist() == [len(p) for p, _ in decoded]
            assert positions.tolist() == [p for at, _ in decoded for p in at]
            if fieldname == "body":  # the field that keeps characters: each occurrence's length
                assert lengths is not None and lengths.tolist() == [n for _, long in decoded for n in long]
            else:
                assert lengths is None
    return positioned


def test_new_and_merged_segments_agree_with_their_blocks(tmp_path: Path) -> None:
    ix = open_index(tmp_path, create=True)
    for seed in (1, 2):
        with ArchiveWriter(ix, tmp_path) as writer:
            for doc in _documents(400, seed):
                writer.update_document(**doc)
    segments = ix._segments()
    merged = merge_segments(ix.storage, ix.schema, ix.indexname, segments)
    for segment in [*segments, merged]:
        leaf = SegmentReader(ix.storage, ix.schema, segment)
        try:
            assert posting_arrays(leaf) is not None and spelling_is_exact(leaf)
            assert _agree(leaf) > 10  # body and headline words of more than one block
        finally:
            leaf.close()


def test_a_segment_whoosh_wrote_gets_arrays_at_the_next_commit(tmp_path: Path, monkeypatch) -> None:
    ix = open_index(tmp_path, create=True)
    with ix.writer() as whoosh_writer:
        for doc in _documents(400, 3):
            whoosh_writer.add_document(**doc)
    (segment,) = ix._segments()
    leaf = SegmentReader(ix.storage, ix.schema, segment)
    assert posting_arrays(leaf) is None
    leaf.close()
    live = SegmentReader(ix.storage, ix.schema, segment)  # a web app's reader, open across the commit
    assert posting_arrays(live) is None
    with ArchiveWriter(ix, tmp_path) as writer:
        writer.update_document(id="late", body="oil")
    old = next(s for s in ix._segments() if s.segment_id() == segment.segment_id())
    leaf = SegmentReader(ix.storage, ix.schema, old)
    try:
        assert posting_arrays(leaf) is not None
        assert not spelling_is_exact(leaf)  # Whoosh numbered its spelling postings 0
        assert _agree(leaf) > 10
        assert posting_arrays(live) is None  # it looked a moment ago
        monkeypatch.setattr(postings, "MISSING_RETRY", 0.0)
        assert posting_arrays(live) is not None  # and finds them when it looks again
    finally:
        leaf.close()
        live.close()


STORIES = {
    "typed": "analysts said interest rates would fall",
    "other-form": "the bond was interest rated by the agency",  # `rated`: as long as `rates`, same stem
    "both-forms": "interest rated bonds gained while deposit rates fell",  # both forms, never the phrase
    "both-and-phrase": "interest rated notes and interest rates both moved",
}


def _quoted(index_dir: Path) -> set[str]:
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        q = TypedPhrase("body", ["interest", "rate"], ("interest", "rates"))
        postings = Postings(searcher.reader())
        docs = matching(q, searcher, searcher.doc_count_all(), postings)
        return {searcher.stored_fields(int(d))["id"] for d in docs}


@pytest.mark.parametrize("writer", ["archive", "whoosh"])
def test_quoted_forms_are_told_apart_in_either_kind_of_segment(tmp_path: Path, writer: str) -> None:
    ix = open_index(tmp_path, create=True)
    docs = [{"id": key, "headline": key, "body": body} for key, body in STORIES.items()]
    if writer == "archive":
        with ArchiveWriter(ix, tmp_path) as w:
            for doc in docs:
                w.update_document(**doc)
    else:
        with ix.writer() as w:
            for doc in docs:
                w.add_document(**doc)
    assert _quoted(tmp_path) == {"typed", "both-and-phrase"}


def test_check_finds_posting_arrays_that_disagree_and_the_next_commit_writes_them_anew(tmp_path: Path) -> None:
    ix = open_index(tmp_path, create=True)
    with ArchiveWriter(ix, tmp_path) as writer:
        for doc in _documents(400, 4):
            writer.update_document(**doc)
    assert check_index(tmp_path) == []
    (path,) = tmp_path.glob("MAIN_*.ids")
    data = bytearray(path.read_bytes())
    ids_start = len(data) - 8 * 1000  # inside the ids or weights, past the directory
    data[ids_start : ids_start + 64] = bytes(range(64))
    path.write_bytes(bytes(data))
    (problem,) = check_index(tmp_path)
    assert "posting arrays disagree with its postings" in problem
    path.unlink()  # what to do about it: the next commit writes them again from the blocks
    with ArchiveWriter(ix, tmp_path) as writer:
        writer.update_document(id="late", body="oil", data=json.dumps({"id": "late", "body": "oil"}))
    assert path.exists() and check_index(tmp_path) == []


PHRASES = [
    (["interest", "rate"], 1),
    (["central", "bank"], 1),
    (["oil", "price"], 1),
    (["bank", "bank"], 1),  # a word after itself
    (["oil", "gold", "wheat"], 1),
    (["central", "bank"], 3),  # Whoosh's slop: each word within 3 of the one before
    (["price", "trade", "oil"], 2),
]


@pytest.mark.parametrize("writer", ["archive", "whoosh"])
def test_phrases_found_with_position_arrays_are_the_ones_whoosh_finds(tmp_path: Path, writer: str) -> None:
    """Over segments with position arrays and (Whoosh's writer: none until a commit adds them) without."""
    ix = open_index(tmp_path, create=True)
    if writer == "archive":
        for seed in (5, 6):
            with ArchiveWriter(ix, tmp_path) as w:
                for doc in _documents(500, seed):
                    w.update_document(**doc)
    else:
        with ix.writer() as w:
            for doc in _documents(500, 7):
                w.add_document(**doc)
    analyzer = ix.schema["body"].analyzer
    with ix.searcher() as searcher:
        if writer == "archive":
            assert all(position_arrays(leaf) is not None for leaf, _ in searcher.reader().leaf_readers())
        for words, slop in PHRASES:
            stems = [next(analyzer(w)).text for w in words]
            q = query.Phrase("body", stems, slop=slop)
            ours = matching(q, searcher, searcher.doc_count_all(), Postings(searcher.reader()))
            theirs = sorted(searcher.docs_for_query(q))
            assert ours.tolist() == theirs, (words, slop)
            assert len(theirs) > 3 or words == ["oil", "gold", "wheat"], (words, slop)  # the test can fail


def test_check_finds_position_arrays_that_disagree(tmp_path: Path) -> None:
    ix = open_index(tmp_path, create=True)
    with ArchiveWriter(ix, tmp_path) as writer:
        for doc in _documents(400, 8):
            writer.update_document(**doc)
    assert check_index(tmp_path) == []
    (path,) = tmp_path.glob("MAIN_*.pos")
    data = bytearray(path.read_bytes())
    data[-200:-100] = bytes(range(100))  # inside the positions and lengths, past the directory
    path.write_bytes(bytes(data))
    (problem,) = check_index(tmp_path)
    assert "posting arrays disagree with its postings" in problem
