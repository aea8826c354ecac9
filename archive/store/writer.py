"""Writing to the index: one Whoosh writer whose every commit also writes the new segment's columns.

Merges are ours too (`merge_plan`): segments of similar size are merged in tiers, so each article
is rewritten a few times over the archive's life instead of at every commit, and the columns of a
merged segment are the merged segments' columns cut to their live documents, in the order Whoosh
copies them (new documents first, then each merged segment's live documents).
"""

from __future__ import annotations

import math
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
    writer_terms,
)

MERGE_FACTOR = 8  # this many segments of one size tier are merged into one of the next
MAX_MERGE_DOCS = 400_000  # segments past this size are never merged again: a merge must stay seconds, not hours


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


class ArchiveWriter:
    """`with ArchiveWriter(ix, index_dir) as writer:` — update, delete, and commit index and columns together."""

    def __init__(self, ix: Index, index_dir: Path, *, timeout: float = 0.0) -> None:
        self.index_dir = Path(index_dir)
        self.writer: SegmentWriter = ix.writer(timeout=timeout, compound=False)
        self.terms = writer_terms(self.index_dir)
        self.terms.begin()  # under the lock: see what another writer added since
        self.rows: list[Row] = []

    def update_document(self, **document: Any) -> None:
        self.writer.update_document(**document)
        self.rows.append(Row.from_document(document))

    def delete_by_term(self, fieldname: str, text: str) -> int:
        return self.writer.delete_by_term(fieldname, text)

    def delete_by_query(self, q: Any) -> int:
        return self.writer.delete_by_query(q)

    def add_field(self, name: str, field: Any) -> None:
        self.writer.add_field(name, field)

    def commit(self) -> None:
        merged_away: list[str] = []

        def merge(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
            planned = merge_plan(segments)
            parts = [SegmentColumns.from_rows(self.rows, self.terms)]
            for segment in planned:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                try:
                    columns = segment_columns(self.index_dir, segment, reader, self.terms)
                    writer.add_reader(reader)
                    parts.append(columns.take(~deleted_mask(segment)))
                finally:
                    reader.close()
            merged = SegmentColumns.concat(parts)
            if merged.size != writer.docnum - writer.docbase:
                raise RuntimeError(f"columns out of step: {merged.size} rows for {writer.docnum} documents")
            self.terms.commit()  # before the segment that uses the numbers
            if merged.size:
                merged.save(segment_path(self.index_dir, writer.newsegment.segment_id()))
            remaining = [s for s in segments if s not in planned]
            merged_away.extend(s.segment_id() for s in planned)
            return remaining

        self.writer.commit(mergetype=merge)
        # Exactly the merged-away segments' files: a glob of everything not in this commit would also take
        # the file another writer has just written for its segment, once this one has let go of the lock.
        remove_columns(self.index_dir, merged_away)

    def cancel(self) -> None:
        self.writer.cancel()

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.cancel()
