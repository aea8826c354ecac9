"""Writing to the index: every commit writes one new segment and its columns, and merges in tiers.

Whoosh's writer keeps the lock, the deletions and the table of contents; the segments themselves
are written by archive.store.segments (the same W3 files, built a term at a time instead of a
posting at a time). Merges are ours too (`merge_plan`): segments of similar size are merged in
tiers, so each article is rewritten a few times over the archive's life instead of at every
commit, and the columns of a merged segment are the merged segments' columns cut to their live
documents, in the order the merge copies them.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from whoosh.index import Index
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from archive.store.columns import (
    Row,
    SegmentColumns,
    Terms,
    build_from_postings,
    remove_columns,
    segment_path,
    stable_hash,
    writer_terms,
)
from archive.store.postings import add_arrays, segment_file
from archive.store.segments import SegmentBuilder, merge_segments

MERGE_FACTOR = 8  # this many segments of one size tier are merged into one of the next
MAX_MERGE_DOCS = 100_000  # segments past this size are never merged again: a merge inside a commit stays under a minute


def merge_plan(segments: Sequence[Any]) -> list[Any]:
    """The segments to merge in this commit: empty ones, else the smallest tier with MERGE_FACTOR members."""
    empty = [s for s in segments if s.doc_count() == 0]
    tiers: dict[int, list[Any]] = defaultdict(list)
    for segment in segments:
        if segment.doc_count():
            tiers[int(math.log(segment.doc_count(), MERGE_FACTOR))].append(segment)
    for tier in sorted(tiers):
        members = tiers[tier]
        if len(members) >= MERGE_FACTOR and sum(s.doc_count() for s in members) <= MAX_MERGE_DOCS:
            return empty + members
    return empty


def deleted_mask(segment: Any) -> np.ndarray:
    mask = np.zeros(segment.doc_count_all(), dtype=np.bool_)
    deleted = list(segment.deleted_docs())
    if deleted:
        mask[np.fromiter(deleted, dtype=np.int64, count=len(deleted))] = True
    return mask


def segment_columns(index_dir: Path, segment: Any, reader: Any, terms: Terms, *, lock: Any = None) -> SegmentColumns:
    """A segment's columns from its file, or built from its postings (and saved) when it has none.

    Building numbers new facet values, which only the index's writer may do: a reader passes the
    index's write lock, waits for it, and builds unless a writer did so meanwhile.
    """
    path = segment_path(index_dir, segment.segment_id())
    columns = _load(path, segment)
    if columns is not None:
        return columns
    if lock is not None:
        lock.acquire(blocking=True)
    try:
        columns = _load(path, segment) if lock is not None else None
        if columns is None:
            terms.begin()
            columns = build_from_postings(reader, terms)
            terms.commit()
            columns.save(path)
        return columns
    finally:
        if lock is not None:
            lock.release()


def _load(path: Path, segment: Any) -> SegmentColumns | None:
    try:
        columns = SegmentColumns.load(path)
    except (OSError, ValueError):
        return None
    return columns if columns.size == segment.doc_count_all() else None


# (index folder, segment id, unique field) -> sorted hashes of the values the segment holds. Segments never
# change, so this holds for the process's life, and for good in `<segment>.<field>.vals` beside the segment.
_VALUES: dict[tuple[str, str, str], np.ndarray] = {}
VALUES_EXTENSION = "vals"


def values_file(storage: Any, segment: Any, name: str) -> Path:
    return segment_file(storage, segment, f".{name}.{VALUES_EXTENSION}")


def value_hashes(values: Sequence[str]) -> np.ndarray:
    return np.fromiter((stable_hash(v) for v in values), dtype=np.int64, count=len(values))


def may_hold(held: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """Which of `hashes` are in the sorted array `held` (a binary search each, no sort per call)."""
    if not len(held):
        return np.zeros(len(hashes), dtype=np.bool_)
    at = np.minimum(np.searchsorted(held, hashes), len(held) - 1)
    return held[at] == hashes


def segment_values(storage: Any, schema: Any, segment: Any, name: str, reader: Any = None) -> np.ndarray:
    """Sorted hashes of the values a segment holds in a keyword field (ids, exact-copy keys): what may be in
    it, at the cost of one array per segment instead of a term look-up per segment per value. Read from
    the segment's file when it has one; else from its terms (a pass over all of them), then kept."""
    key = (storage.folder, segment.segment_id(), name)
    if key not in _VALUES:
        path = values_file(storage, segment, name)
        held = _read_values(path)
        if held is None:
            own = reader is None
            reader = SegmentReader(storage, schema, segment) if own else reader
            try:
                words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in reader.lexicon(name)]
            finally:
                if own:
                    reader.close()
            held = np.sort(value_hashes(words))
            _keep_values(path, held)
        _VALUES[key] = held
    return _VALUES[key]


def _read_values(path: Path) -> np.ndarray | None:
    try:
        held = np.load(path, allow_pickle=False)
    except (OSError, ValueError):  # none yet, or half-written by a process that died: made again
        return None
    return held if held.dtype == np.int64 and held.ndim == 1 else None


def _keep_values(path: Path, held: np.ndarray) -> None:
    """Written aside and renamed, so a reader finds the whole file or none; a read-only archive keeps none."""
    aside = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(aside, "wb") as out:
            np.save(out, held, allow_pickle=False)
        os.replace(aside, path)
    except OSError:
        pass
    finally:
        aside.unlink(missing_ok=True)


class ArchiveWriter:
    """`with ArchiveWriter(ix, index_dir) as writer:` — update, delete, and commit index and columns together."""

    def __init__(self, ix: Index, index_dir: Path, *, timeout: float = 0.0) -> None:
        self.index_dir = Path(index_dir)
        self.writer: SegmentWriter = ix.writer(timeout=timeout, compound=False)
        self.schema = self.writer.schema
        self.builder = SegmentBuilder(self.writer.storage, self.schema, self.writer.indexname)
        self.terms = writer_terms(self.index_dir)
        self.terms.begin()  # under the lock: see what another writer added since
        self.rows: list[Row] = []
        self._unique = [name for name in self.schema.names() if self.schema[name].unique]
        self._added: dict[tuple[str, str], int] = {}  # (unique field, value) -> number in the new segment
        self._replaced: set[int] = set()  # documents of the new segment that a later one in it replaced
        self._searcher: Any = None

    def update_document(self, **document: Any) -> None:
        """Add a document, replacing any with the same unique field values (its id), here or committed
        (those at the commit, looked up in bulk: most documents a run adds are new)."""
        for name in self._unique:
            value = document.get(name)
            if value is None:
                continue
            earlier = self._added.get((name, value))
            if earlier is not None:
                self._replaced.add(earlier)
            self._added[(name, value)] = self.builder.docnum
        self.builder.add(document)
        self.rows.append(Row.from_document(document))

    def _deleting(self) -> Any:
        if self._searcher is None:
            self._searcher = self.writer.searcher()
        return self._searcher

    def delete_by_term(self, fieldname: str, text: str) -> int:
        return self.writer.delete_by_term(fieldname, text, searcher=self._deleting())

    def delete_by_query(self, q: Any) -> int:
        return self.writer.delete_by_query(q, searcher=self._deleting())

    def add_field(self, name: str, field: Any) -> None:
        self.writer.add_field(name, field)
        self.schema = self.writer.schema
        self.builder = SegmentBuilder(self.writer.storage, self.schema, self.writer.indexname)

    def _replace_committed(self) -> None:
        """Delete the committed documents that this commit's documents replace (same unique values).

        Each segment's values are kept as a sorted array of their hashes, per process, so a value
        is looked for only in segments that may hold it: a term lookup per segment per document
        cost more than building the segment, in an archive of many segments.
        """
        for name in self._unique:
            values = [value for field, value in self._added if field == name]
            if not values:
                continue
            hashes = value_hashes(values)
            maybe = np.zeros(len(values), dtype=np.bool_)
            for segment in self.writer.segments:
                maybe |= may_hold(segment_values(self.writer.storage, self.schema, segment, name), hashes)
            for value in np.asarray(values, dtype=object)[maybe]:
                self.writer.delete_by_term(name, value, searcher=self._deleting())

    def commit(self) -> None:
        self._replace_committed()
        self._close_searcher()
        new = self.builder.finish()
        if new is not None:
            for docnum in self._replaced:
                new.delete_document(docnum)
            for name in self._unique:
                values = [value for field, value in self._added if field == name]
                held = np.sort(value_hashes(values))
                _VALUES[(self.writer.storage.folder, new.segment_id(), name)] = held
                _keep_values(values_file(self.writer.storage, new, name), held)
        merged_away: list[str] = []

        def merge(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
            current = list(segments)
            if new is not None:
                SegmentColumns.from_rows(self.rows, self.terms).save(segment_path(self.index_dir, new.segment_id()))
                current.append(new)
            planned = merge_plan(current)
            remaining = [s for s in current if s not in planned]
            if planned:
                parts = []
                for segment in planned:
                    reader = SegmentReader(writer.storage, self.schema, segment)
                    try:
                        columns = segment_columns(self.index_dir, segment, reader, self.terms)
                        parts.append(columns.take(~deleted_mask(segment)))
                    finally:
                        reader.close()
                columns = SegmentColumns.concat(parts)
                merged = merge_segments(writer.storage, self.schema, writer.indexname, planned)
                size = merged.doc_count_all() if merged is not None else 0
                if columns.size != size:
                    raise RuntimeError(f"columns out of step: {columns.size} rows for {size} documents")
                if merged is not None:
                    columns.save(segment_path(self.index_dir, merged.segment_id()))
                    remaining.append(merged)
                merged_away.extend(s.segment_id() for s in planned)
            for segment in remaining:  # segments an older archive or Whoosh's writer wrote: once
                add_arrays(writer.storage, self.schema, segment)
            self.terms.commit()  # before the table of contents that uses the numbers
            return remaining

        self.writer.commit(mergetype=merge)
        # Exactly the merged-away segments' files: a glob of everything not in this commit would also take
        # the file another writer has just written for its segment, once this one has let go of the lock.
        remove_columns(self.index_dir, merged_away)

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def cancel(self) -> None:
        self._close_searcher()
        self.writer.cancel()

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is not None:
            self.cancel()
            return
        try:
            self.commit()
        except BaseException:
            if not self.writer.is_closed:  # a commit that failed half-way still lets go of the lock
                self.writer.cancel()
            raise
