"""Posting arrays beside a segment: the document numbers and weights of its frequent terms, as numpy.

Whoosh keeps a term's postings in blocks of 128, each one compressed pickle of ids, weights and
positions together, so finding which documents hold a frequent word (what every count, filter and
score over the matches needs) decompresses and unpickles every position of it. Each segment the
archive writes (archive.store.segments) also gets `<segment id>.ids`: for every term of more than
one block, its segment-local document numbers (int32) and weights (float32, as Whoosh stores them)
in two flat arrays, memory-mapped by readers. `<segment id>.pos` holds the same terms' positions in
the fields that keep them (and in the body, each occurrence's length in characters), so a quoted
phrase is checked with numpy over the candidates instead of unpickling every block of its words.
The files are named like the segment's own, so Whoosh deletes them with the segment; a segment
without them (written by Whoosh's own writer, or an older archive) is read from its blocks as before
until the next commit adds them.
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
from whoosh import fields, formats
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import SegmentReader

BLOCK_POSTINGS = 128  # Whoosh's block limit (readers skip whole blocks by their last id); longer terms get arrays
EXTENSION = ".ids"
MAGIC = b"ARCHIVE-POSTINGS1"
_HEADER = struct.Struct("<17sQQQQ?")  # magic, directory bytes, postings, 16- and 32-bit weights, exact spelling
POSITIONS_EXTENSION = ".pos"
POSITIONS_MAGIC = b"ARCHIVE-POSITIONS1"
_POSITIONS_HEADER = struct.Struct("<18sQQQQQ")  # magic, directory bytes, postings, 16-, 32-bit positions, lengths
MAX_LENGTH = 255  # an occurrence's length in characters is kept up to this (a typed word is shorter)


def wanted(schema: Any, fieldname: str) -> bool:
    """Whether a field's frequent terms get arrays: the words and values a query looks up, not the
    spelling lists (read for suggestions only) nor the date trie terms (ranges are answered by the columns)."""
    return fieldname in schema.names() and not isinstance(schema[fieldname], fields.NUMERIC)


def positional(schema: Any, fieldname: str) -> bool:
    """Whether a field's frequent terms also get their positions arrayed: the fields phrases are asked of."""
    return wanted(schema, fieldname) and isinstance(schema[fieldname].format, formats.Positions)


def decode_value(value: bytes) -> list[Any]:
    """A Positions or Characters posting value as Whoosh encodes it: a count, then a pickled list of
    position deltas (with Characters, (position delta, start delta from the last end, length) each)."""
    if not value:
        return []
    return pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".")


def positions_of(value: bytes) -> tuple[list[int], list[int]]:
    """A posting value's positions, and (with Characters; else empty) each occurrence's length."""
    positions, lengths, position = [], [], 0
    for code in decode_value(value):
        if isinstance(code, tuple):
            position += code[0]
            lengths.append(code[2])
        else:
            position += code
        positions.append(position)
    return positions, lengths


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
        sizes = (len(directory) + len(pad), self.count, *self.weighed.values())
        parts = (self.ids, self.weights[SINGLE], self.weights[HALF])  # 4-byte ones first: aligned
        _write_aside(
            segment_file(storage, segment), _HEADER.pack(MAGIC, *sizes, self.exact_spelling), directory + pad, parts
        )


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


def all_positions(values: Any) -> tuple[list[int], list[int], list[int]]:
    """A term's posting values decoded: occurrences per posting, then all positions and lengths in order."""
    counts: list[int] = []
    positions: list[int] = []
    lengths: list[int] = []
    for value in values:
        at, long = positions_of(value)
        counts.append(len(at))
        positions += at
        lengths += long
    return counts, positions, lengths


class PositionArraysWriter:
    """Collects the positions of one segment's frequent terms in positional fields, term by term: per
    posting how many occurrences (16-bit), then their positions (16-bit where the term's all fit, else
    32-bit) and, where the field keeps characters, each occurrence's length (8-bit, up to MAX_LENGTH)."""

    def __init__(self) -> None:
        # (field, term) -> (first posting, postings, position kind, first position, occurrences, first length or -1)
        self.directory: dict[tuple[str, bytes], tuple[int, int, int, int, int, int]] = {}
        self.counts: list[np.ndarray] = []
        self.positions: dict[int, list[np.ndarray]] = {HALF: [], SINGLE: []}
        self.lengths: list[np.ndarray] = []
        self.postings = 0
        self.held = {HALF: 0, SINGLE: 0}
        self.lengths_held = 0

    def add(self, fieldname: str, tbytes: bytes, values: Any, chars: bool) -> None:
        counts, positions, lengths = all_positions(values)
        if max(counts, default=0) > 0xFFFF:
            return  # a word more than 65,535 times in one document: its blocks answer for it
        kind = HALF if max(positions, default=0) <= 0xFFFF else SINGLE
        self.positions[kind].append(np.asarray(positions, dtype=np.uint16 if kind == HALF else np.uint32))
        length_at = -1
        if chars:
            length_at = self.lengths_held
            self.lengths.append(np.minimum(np.asarray(lengths, dtype=np.int64), MAX_LENGTH).astype(np.uint8))
            self.lengths_held += len(lengths)
        self.directory[(fieldname, tbytes)] = (
            self.postings,
            len(counts),
            kind,
            self.held[kind],
            len(positions),
            length_at,
        )
        self.counts.append(np.asarray(counts, dtype=np.uint16))
        self.postings += len(counts)
        self.held[kind] += len(positions)

    def write(self, storage: Any, segment: Any) -> None:
        """The file, whole or not at all, as PostingArraysWriter writes its own."""
        directory = pickle.dumps(self.directory, protocol=pickle.HIGHEST_PROTOCOL)
        pad = b"\0" * (-(_POSITIONS_HEADER.size + len(directory)) % 8)
        sizes = (len(directory) + len(pad), self.postings, self.held[HALF], self.held[SINGLE], self.lengths_held)
        parts = (self.positions[SINGLE], self.counts, self.positions[HALF], self.lengths)  # widest first: aligned
        _write_aside(
            segment_file(storage, segment, POSITIONS_EXTENSION),
            _POSITIONS_HEADER.pack(POSITIONS_MAGIC, *sizes),
            directory + pad,
            parts,
        )


class PositionArrays:
    """One segment's position arrays, memory-mapped."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            magic, directory_bytes, postings, halves, singles, lengths = _POSITIONS_HEADER.unpack(
                f.read(_POSITIONS_HEADER.size)
            )
            if magic != POSITIONS_MAGIC:
                raise ValueError(f"{path} is not a position-arrays file")
            self.directory: dict[tuple[str, bytes], tuple[int, int, int, int, int, int]] = pickle.loads(
                f.read(directory_bytes)
            )
        at = _POSITIONS_HEADER.size + directory_bytes
        self.positions = {SINGLE: _mapped(path, np.uint32, at, singles)}
        at += 4 * singles
        self.counts = _mapped(path, np.uint16, at, postings)
        at += 2 * postings
        self.positions[HALF] = _mapped(path, np.uint16, at, halves)
        at += 2 * halves
        self.lengths = _mapped(path, np.uint8, at, lengths)

    def get(self, fieldname: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
        """(occurrences per posting, their positions, their lengths or None) of a frequent term; None when
        it is not one here."""
        found = self.directory.get((fieldname, tbytes))
        if found is None:
            return None
        first, count, kind, at, held, length_at = found
        lengths = self.lengths[length_at : length_at + held] if length_at >= 0 else None
        return self.counts[first : first + count], self.positions[kind][at : at + held], lengths


def _write_aside(path: Path, header: bytes, directory: bytes, parts: Any) -> None:
    """Write a file aside and rename it, so a reader looking for it finds it whole or not at all."""
    aside = path.with_name(path.name + ".tmp")
    try:
        with open(aside, "wb") as out:
            out.write(header)
            out.write(directory)
            for part in parts:
                for array in part:
                    out.write(array.tobytes())
        os.replace(aside, path)
    finally:
        aside.unlink(missing_ok=True)


def _mapped(path: Path, dtype: Any, offset: int, count: int) -> np.ndarray:
    if not count:
        return np.zeros(0, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=(count,))


def segment_file(storage: Any, segment: Any, extension: str = EXTENSION) -> Path:
    """A file of the segment's own, named so that Whoosh removes it with the segment."""
    storage = getattr(storage, "b", storage)  # a compound segment's reader sees the folder behind its file
    return Path(storage.folder) / segment.make_filename(extension)


MISSING_RETRY = 30.0  # seconds before a reader looks again for arrays a segment lacked (a writer may add them)

# Per segment reader and kind of file: its arrays, or when it was found to have none.
_loaded: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def _arrays(leaf: Any, extension: str, opener: Any) -> Any:
    """A segment reader's arrays of one kind (loaded once per reader), or None without them.

    A segment without them (one an older archive or Whoosh's writer made) gets them at the next commit,
    while readers of it live on: a reader that found none looks again after MISSING_RETRY."""
    held = _loaded.setdefault(leaf, {})
    known = held.get(extension)
    if known is not None and not isinstance(known, float):
        return known
    if known is not None and time.monotonic() - known < MISSING_RETRY:
        return None
    arrays = None
    segment = leaf.segment()
    if segment is not None:
        try:
            arrays = opener(segment_file(leaf.storage(), segment, extension))
        except (OSError, AttributeError, ValueError, EOFError, pickle.UnpicklingError, struct.error):
            arrays = None  # none (a segment Whoosh wrote) or damaged: the blocks answer
    held[extension] = arrays if arrays is not None else time.monotonic()
    return arrays


def posting_arrays(leaf: Any) -> PostingArrays | None:
    """The posting arrays of a segment reader's segment, or None without them."""
    return _arrays(leaf, EXTENSION, PostingArrays)


def position_arrays(leaf: Any) -> PositionArrays | None:
    """The position arrays of a segment reader's segment, or None without them."""
    return _arrays(leaf, POSITIONS_EXTENSION, PositionArrays)


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


def term_positions(
    leaf: Any, fieldname: str, text: bytes
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """One segment's (local document numbers, occurrences per posting, positions, lengths or None) of a
    term in a positional field: from its arrays where the term is frequent there, else from its blocks."""
    ids = posting_arrays(leaf)
    arrays = position_arrays(leaf)
    found = arrays.get(fieldname, text) if arrays is not None and ids is not None else None
    listed = ids.get(fieldname, text) if found is not None else None  # type: ignore[union-attr]
    if found is not None and listed is not None:
        counts, positions, lengths = found
        return listed[0].astype(np.int64), counts.astype(np.int64), positions.astype(np.int64), lengths
    block_ids, _, values = read_blocks(leaf, fieldname, text)
    counts, positions, lengths = all_positions(values)
    chars = isinstance(leaf.schema[fieldname].format, formats.Characters)
    return (
        block_ids,
        np.asarray(counts, dtype=np.int64),
        np.asarray(positions, dtype=np.int64),
        np.minimum(np.asarray(lengths, dtype=np.int64), MAX_LENGTH).astype(np.uint8) if chars else None,
    )


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


def values_at(leaf: Any, fieldname: str, text: bytes, docs: list[int]) -> dict[int, bytes]:
    """A term's encoded posting values in some of a segment's documents (local numbers, ascending),
    decoding only the blocks that hold them."""
    found: dict[int, bytes] = {}
    if not docs or (fieldname, text) not in leaf:
        return found
    matcher = leaf.postings(fieldname, text)
    if not isinstance(matcher, W3LeafMatcher):  # a few postings kept inline with the term
        wanted_docs = set(docs)
        while matcher.is_active():
            if matcher.id() in wanted_docs:
                found[matcher.id()] = matcher.value() or b""
            matcher.next()
        return found
    for doc in docs:
        while matcher.is_active() and doc > matcher.block_max_id():  # the blocks' headers say their last id
            matcher._next_block()
        if not matcher.is_active():
            break
        if matcher._data is None:
            matcher._read_data()
        block_ids, _, block_values = matcher._data
        ids = np.cumsum(np.asarray(block_ids, dtype=np.int64))
        at = int(np.searchsorted(ids, doc))
        if at < len(ids) and ids[at] == doc and isinstance(block_values, tuple | list):
            found[doc] = block_values[at]
    return found


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
    """How many of a segment's arrayed terms differ from its blocks, ids, weights or positions (what
    `archive check` asks)."""
    arrays = posting_arrays(leaf)
    if arrays is None:
        return 0
    positions = position_arrays(leaf)
    wrong = 0
    for fieldname, tbytes in arrays.directory:
        ids, weights = arrays.get(fieldname, tbytes)  # type: ignore[misc]
        block_ids, block_weights, values = read_blocks(leaf, fieldname, tbytes)
        if not (np.array_equal(ids, block_ids) and np.allclose(weights, block_weights, rtol=1e-6)):
            wrong += 1
        elif positions is not None and (found := positions.get(fieldname, tbytes)) is not None:
            wrong += not _positions_agree(found, [positions_of(value) for value in values])
    return wrong


def _positions_agree(found: tuple[np.ndarray, np.ndarray, np.ndarray | None], decoded: list[Any]) -> bool:
    counts, positions, lengths = found
    if counts.tolist() != [len(at) for at, _ in decoded]:
        return False
    if positions.tolist() != [p for at, _ in decoded for p in at]:
        return False
    return lengths is None or lengths.tolist() == [min(n, MAX_LENGTH) for _, long in decoded for n in long]


def add_arrays(storage: Any, schema: Any, segment: Any) -> bool:
    """Write the posting and position arrays of a segment that lacks them (Whoosh's own writer or an older
    archive wrote it), from its blocks, once; whether it wrote any."""
    need_ids = not segment_file(storage, segment).exists()
    need_positions = not segment_file(storage, segment, POSITIONS_EXTENSION).exists()
    if not (need_ids or need_positions):
        return False
    leaf = SegmentReader(storage, schema, segment)
    try:
        ids_out = PostingArraysWriter(exact_spelling=False)
        positions_out = PositionArraysWriter()
        for fieldname, tbytes in leaf.all_terms():
            if wanted(schema, fieldname) and leaf.doc_frequency(fieldname, tbytes) > BLOCK_POSTINGS:
                ids, weights, values = read_blocks(leaf, fieldname, tbytes)
                ids_out.add(fieldname, tbytes, ids, weights)
                if positional(schema, fieldname):
                    chars = isinstance(schema[fieldname].format, formats.Characters)
                    positions_out.add(fieldname, tbytes, values, chars)
        if need_ids:
            ids_out.write(storage, segment)
        if need_positions:
            positions_out.write(storage, segment)
    finally:
        leaf.close()
    return True
