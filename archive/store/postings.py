"""Posting arrays beside a segment: the document numbers and weights of its frequent terms, as numpy.

Whoosh keeps a term's postings in blocks of 128, each one compressed pickle of ids, weights and
positions together, so finding which documents hold a frequent word (what every count, filter and
score over the matches needs) decompresses and unpickles every position of it. Each segment the
archive writes (archive.store.segments) also gets `<segment id>.ids`: for every term of more than
one block, its segment-local document numbers (int32) and weights (float32, as Whoosh stores them)
in two flat arrays, memory-mapped by readers. Positions stay in Whoosh's blocks, read for phrases.
The file is named like the segment's own, so Whoosh deletes it with the segment; a segment without
one (written by Whoosh's own writer) is read from its blocks as before.
"""

from __future__ import annotations

import os
import pickle
import struct
import time
import weakref
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import fields
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import SegmentReader

BLOCK_POSTINGS = 128  # Whoosh's block limit (readers skip whole blocks by their last id); longer terms get arrays
EXTENSION = ".ids"
MAGIC = b"ARCHIVE-POSTINGS1"
_HEADER = struct.Struct("<17sQQQQ?")  # magic, directory bytes, postings, 16- and 32-bit weights, exact spelling


def wanted(schema: Any, fieldname: str) -> bool:
    """Whether a field's frequent terms get arrays: the words and values a query looks up, not the
    spelling lists (read for suggestions only) nor the date trie terms (ranges are answered by the columns)."""
    return fieldname in schema.names() and not isinstance(schema[fieldname], fields.NUMERIC)


# How a term's weights are kept: not at all when every one is 1 (unscored fields), as 16-bit floats when
# that is exact (whole term counts, times a boost of 1 or 2), else as the 32-bit floats Whoosh keeps.
ONES, HALF, SINGLE = 0, 1, 2


class PostingArraysWriter:
    """Collects the frequent terms of one segment as it is written, term by term."""

    def __init__(self, *, exact_spelling: bool) -> None:
        self.exact_spelling = exact_spelling  # whether the segment's spelling postings name their documents
        self.directory: dict[tuple[str, bytes], tuple[int, int, int, int]] = {}
        self.ids: list[np.ndarray] = []
        self.weights: dict[int, list[np.ndarray]] = {HALF: [], SINGLE: []}
        self.count = 0
        self.weighed = {HALF: 0, SINGLE: 0}

    def add(self, fieldname: str, tbytes: bytes, ids: Any, weights: Any) -> None:
        ids = np.asarray(ids, dtype=np.int32)
        single = np.asarray(weights, dtype=np.float32)
        if (single == 1.0).all():
            kind, at = ONES, 0
        else:
            half = single.astype(np.float16)
            kind = HALF if (half.astype(np.float32) == single).all() else SINGLE
            at = self.weighed[kind]
            self.weights[kind].append(half if kind == HALF else single)
            self.weighed[kind] += len(ids)
        self.directory[(fieldname, tbytes)] = (self.count, len(ids), kind, at)
        self.ids.append(ids)
        self.count += len(ids)

    def write(self, storage: Any, segment: Any) -> None:
        """The file, whole or not at all (written aside and renamed: a reader may be looking for it)."""
        directory = pickle.dumps(self.directory, protocol=pickle.HIGHEST_PROTOCOL)
        pad = b"\0" * (-(_HEADER.size + len(directory)) % 8)
        path = _path(storage, segment)
        aside = path.with_name(path.name + ".tmp")
        try:
            with open(aside, "wb") as out:
                sizes = (len(directory) + len(pad), self.count, *self.weighed.values())
                out.write(_HEADER.pack(MAGIC, *sizes, self.exact_spelling))
                out.write(directory + pad)
                for part in (self.ids, self.weights[SINGLE], self.weights[HALF]):  # 4-byte ones first: aligned
                    for array in part:
                        out.write(array.tobytes())
            os.replace(aside, path)
        finally:
            aside.unlink(missing_ok=True)


class PostingArrays:
    """One segment's posting arrays, memory-mapped."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            magic, directory_bytes, count, halves, singles, self.exact_spelling = _HEADER.unpack(f.read(_HEADER.size))
            if magic != MAGIC:
                raise ValueError(f"{path} is not a posting-arrays file")
            self.directory: dict[tuple[str, bytes], tuple[int, int, int, int]] = pickle.loads(f.read(directory_bytes))
        at = _HEADER.size + directory_bytes
        self.ids = _mapped(path, np.int32, at, count)
        at += 4 * count
        self.weights = {SINGLE: _mapped(path, np.float32, at, singles)}
        self.weights[HALF] = _mapped(path, np.float16, at + 4 * singles, halves)

    def get(self, fieldname: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """(segment-local document numbers, weights) of a frequent term; None when it is not one here."""
        found = self.directory.get((fieldname, tbytes))
        if found is None:
            return None
        at, count, kind, weighed = found
        ids = self.ids[at : at + count]
        if kind == ONES:
            return ids, np.ones(count, dtype=np.float64)
        return ids, self.weights[kind][weighed : weighed + count].astype(np.float64)


def _mapped(path: Path, dtype: Any, offset: int, count: int) -> np.ndarray:
    if not count:
        return np.zeros(0, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=(count,))


def _path(storage: Any, segment: Any) -> Path:
    storage = getattr(storage, "b", storage)  # a compound segment's reader sees the folder behind its file
    return Path(storage.folder) / segment.make_filename(EXTENSION)


MISSING_RETRY = 30.0  # seconds before a reader looks again for arrays a segment lacked (a writer may add them)

# Per segment reader: its arrays, or when it was found to have none.
_loaded: weakref.WeakKeyDictionary[Any, PostingArrays | float] = weakref.WeakKeyDictionary()


def posting_arrays(leaf: Any) -> PostingArrays | None:
    """The posting arrays of a segment reader's segment (loaded once per reader), or None without them.

    A segment without them (one an older archive or Whoosh's writer made) gets them at the next commit,
    while readers of it live on: a reader that found none looks again after MISSING_RETRY."""
    known = _loaded.get(leaf)
    if isinstance(known, PostingArrays):
        return known
    if known is not None and time.monotonic() - known < MISSING_RETRY:
        return None
    arrays = None
    segment = leaf.segment()
    if segment is not None:
        try:
            arrays = PostingArrays(_path(leaf.storage(), segment))
        except (OSError, AttributeError, ValueError, EOFError, pickle.UnpicklingError, struct.error):
            arrays = None  # none (a segment Whoosh wrote) or damaged: the blocks answer
    _loaded[leaf] = arrays if arrays is not None else time.monotonic()
    return arrays


def spelling_is_exact(leaf: Any) -> bool:
    """Whether a segment's spelling postings name the documents holding each word (the archive's segments:
    Whoosh's own writer numbers them all 0)."""
    arrays = posting_arrays(leaf)
    return arrays is not None and arrays.exact_spelling


def term_postings(leaf: Any, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
    """One segment's (local document numbers, weights) of a term: from its arrays where the term is
    frequent there, else decoded from its blocks."""
    arrays = posting_arrays(leaf)
    found = arrays.get(fieldname, text) if arrays is not None else None
    return found if found is not None else read_blocks(leaf, fieldname, text)[:2]


def read_blocks(leaf: Any, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    """One segment's postings of a term decoded from Whoosh's blocks, a block at a time with numpy:
    (local document numbers, weights, encoded values)."""
    if (fieldname, text) not in leaf:
        return _NO_IDS, _NO_WEIGHTS, []
    ids, weights, values = [], [], []
    matcher = leaf.postings(fieldname, text)
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            if matcher._data is None:  # one block: (delta-coded ids, weights, values), as Whoosh wrote it
                matcher._read_data()
            block_ids, block_weights, block_values = matcher._data
            ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)))
            weights.append(_weights(block_weights, len(block_ids)))
            values.extend(block_values if isinstance(block_values, tuple | list) else [b""] * len(block_ids))
            matcher._next_block()
    else:  # a few postings kept inline with the term
        while matcher.is_active():
            ids.append(np.array([matcher.id()], dtype=np.int64))
            weights.append(np.array([matcher.weight()], dtype=np.float64))
            values.append(matcher.value() or b"")
            matcher.next()
    if not ids:
        return _NO_IDS, _NO_WEIGHTS, []
    return np.concatenate(ids), np.concatenate(weights), values


_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_WEIGHTS = np.zeros(0, dtype=np.float64)


def _weights(stored: Any, count: int) -> np.ndarray:
    """Whoosh minifies a block's weights: None when all are 1, one number when all are equal."""
    if stored is None:
        return np.ones(count, dtype=np.float64)
    if isinstance(stored, float | int):
        return np.full(count, float(stored))
    return np.asarray(stored, dtype=np.float64)


def arrays_disagree(leaf: Any) -> int:
    """How many of a segment's arrayed terms differ from its blocks (what `archive check` asks)."""
    arrays = posting_arrays(leaf)
    if arrays is None:
        return 0
    wrong = 0
    for fieldname, tbytes in arrays.directory:
        ids, weights = arrays.get(fieldname, tbytes)  # type: ignore[misc]
        block_ids, block_weights, _ = read_blocks(leaf, fieldname, tbytes)
        if not (np.array_equal(ids, block_ids) and np.allclose(weights, block_weights, rtol=1e-6)):
            wrong += 1
    return wrong


def add_arrays(storage: Any, schema: Any, segment: Any) -> bool:
    """Write the posting arrays of a segment that has none (Whoosh's own writer or an older archive wrote
    it), from its blocks, once; whether it wrote them."""
    if _path(storage, segment).exists():
        return False
    leaf = SegmentReader(storage, schema, segment)
    try:
        out = PostingArraysWriter(exact_spelling=False)
        for fieldname, tbytes in leaf.all_terms():
            if wanted(schema, fieldname) and leaf.doc_frequency(fieldname, tbytes) > BLOCK_POSTINGS:
                ids, weights, _ = read_blocks(leaf, fieldname, tbytes)
                out.add(fieldname, tbytes, ids, weights)
        out.write(storage, segment)
    finally:
        leaf.close()
    return True
