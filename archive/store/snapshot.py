"""A snapshot: one Whoosh searcher and the columns of the same generation, side by side.

Global document numbers index every array here: `live` (not deleted), `copy`, `eligible` (what a
search may match: live originals), the date columns, and per facet the CSR pair `offsets`/`ids`.
Stories get dense numbers (`story`) so counting "stories with this value" is a bincount, with
`np.unique` kept for the few documents whose story has several versions.

Snapshots are kept per index folder and per thread (Whoosh searchers are not shared between
threads); a new commit is seen at the next request through `Searcher.refresh`, which reopens
only the segments that changed, and segment columns are memory-mapped once per process.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.index import Index
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from archive.facets import INDEXED_NAMES as FACET_NAMES
from archive.store.columns import NO_MONTH, UNDATED, SegmentColumns, Terms
from archive.store.index import racing_a_commit
from archive.store.writer import deleted_mask, segment_columns

MONTHS = 1 << 20  # month numbers (year * 12 + month) stay below this
SPARSE = 8  # below 1/SPARSE of the archive, counting walks the matching documents' rows instead of every row


class ColumnView:
    """The columns of every segment of one reader, concatenated; read-only, shared between threads."""

    def __init__(self, parts: list[tuple[SegmentColumns, np.ndarray]], terms: Terms) -> None:
        self.terms = terms
        self.size = sum(columns.size for columns, _ in parts)
        cat = lambda name: np.concatenate([c.arrays[name] for c, _ in parts]) if parts else np.zeros(0)  # noqa: E731
        self.live = ~np.concatenate([d for _, d in parts]) if parts else np.zeros(0, dtype=np.bool_)
        self.copy = cat("copy").astype(np.bool_)
        self.month = cat("month").astype(np.int32)
        self.published = cat("published").astype(np.int64)
        self.eligible = self.live & ~self.copy
        group = cat("group").astype(np.int64)
        _, story = np.unique(group, return_inverse=True)
        self.story = story.astype(np.int32).reshape(-1)
        stories = int(self.story.max()) + 1 if self.size else 0
        self.versions = np.bincount(self.story[self.live], minlength=stories)  # live documents per story
        originals = np.bincount(self.story[self.eligible], minlength=stories)
        self.single = self.eligible & (originals[self.story] == 1)  # the story's only searchable version
        self.stories = stories
        self.offsets: dict[str, np.ndarray] = {}
        self.ids: dict[str, np.ndarray] = {}
        for facet in FACET_NAMES:
            offsets, ids, base = [np.zeros(1, dtype=np.int64)], [], 0
            for columns, _ in parts:
                offsets.append(np.asarray(columns.arrays[f"{facet}.offsets"][1:]) + base)
                ids.append(np.asarray(columns.arrays[f"{facet}.ids"]))
                base += len(ids[-1])
            self.offsets[facet] = np.concatenate(offsets)
            self.ids[facet] = np.concatenate(ids).astype(np.int32) if ids else np.zeros(0, dtype=np.int32)
        self._lock = threading.Lock()
        self._entry_docs: dict[str, np.ndarray] = {}

    def with_facets(self, offsets: dict[str, np.ndarray], ids: dict[str, np.ndarray], terms: Any) -> ColumnView:
        """This view with other values for some facets, numbered by `terms` (archive.search.entities: each
        found name replaced by its entity); every other column is shared."""
        view = copy.copy(self)
        view.offsets, view.ids, view.terms = {**self.offsets, **offsets}, {**self.ids, **ids}, terms
        view._lock = threading.Lock()
        view._entry_docs = {name: docs for name, docs in self._entry_docs.items() if name not in offsets}
        return view

    def entry_docs(self, facet: str) -> np.ndarray:
        """For every (document, value) entry of a facet, its document number."""
        with self._lock:
            if facet not in self._entry_docs:
                lengths = np.diff(self.offsets[facet])
                self._entry_docs[facet] = np.repeat(np.arange(self.size, dtype=np.int32), lengths)
            return self._entry_docs[facet]

    def entries_of(self, facet: str, docs: np.ndarray) -> np.ndarray:
        """Entry positions of these documents' values (the sparse way)."""
        offsets = self.offsets[facet]
        starts, ends = offsets[docs], offsets[docs + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, dtype=np.int64)
        shifts = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return shifts + np.arange(total, dtype=np.int64)

    def with_values(self, facet: str, value_ids: Iterable[int]) -> np.ndarray:
        """Documents having any of these values, as a mask."""
        mask = np.zeros(self.size, dtype=np.bool_)
        wanted = np.fromiter(value_ids, dtype=np.int64)
        if len(wanted):
            mask[self.entry_docs(facet)[np.isin(self.ids[facet], wanted)]] = True
        return mask

    def dated(self, low: int, high: int) -> np.ndarray:
        return (self.published >= low) & (self.published <= high)

    def count_stories(self, mask: np.ndarray) -> int:
        """How many stories have a matching version."""
        multi = mask & ~self.single
        extra = len(np.unique(self.story[multi])) if multi.any() else 0
        return int(np.count_nonzero(mask & self.single)) + extra

    def count_values(self, facet: str, mask: np.ndarray) -> np.ndarray:
        """Stories per value id among the masked documents (a story counts once under a value)."""
        ids = self.ids[facet]
        names = len(self.terms.names(facet, int(ids.max()) + 1 if len(ids) else 0))
        n = int(np.count_nonzero(mask))
        if n * SPARSE < self.size:
            docs = np.flatnonzero(mask)
            entries = self.entries_of(facet, docs)
            entry_docs = np.repeat(docs, np.diff(self.offsets[facet])[docs])
        else:
            entry_docs = self.entry_docs(facet)
            entries = np.flatnonzero(mask[entry_docs])
            entry_docs = entry_docs[entries]
        values = ids[entries]
        single = self.single[entry_docs]
        counts = np.bincount(values[single], minlength=names)
        if not single.all():
            pairs = np.unique(self.story[entry_docs[~single]].astype(np.int64) * max(names, 1) + values[~single])
            counts += np.bincount(pairs % max(names, 1), minlength=names)
        return counts

    def count_months(self, mask: np.ndarray) -> tuple[dict[int, int], int]:
        """Stories per month number among the masked documents, and the stories with no dated version.

        A story whose versions fall in two months counts in both, as narrowing to either would show it.
        """
        docs = np.flatnonzero(mask)
        months = self.month[docs]
        dated = months != NO_MONTH
        single = self.single[docs]
        counted = np.bincount(months[dated & single]) if np.any(dated & single) else np.zeros(0, dtype=np.int64)
        out = {int(m): int(counted[m]) for m in np.flatnonzero(counted)}
        multi = ~single
        undated = int(np.count_nonzero(~dated & single))
        if multi.any():
            stories = self.story[docs[multi]].astype(np.int64)
            keys = np.unique(stories[dated[multi]] * MONTHS + months[multi][dated[multi]])
            for month, count in zip(*np.unique(keys % MONTHS, return_counts=True), strict=True):
                out[int(month)] = out.get(int(month), 0) + int(count)
            undated += len(np.unique(stories)) - len(np.unique(keys // MONTHS))
        return out, undated

    def order_by_date(self, mask: np.ndarray, *, newest: bool, stories: int) -> np.ndarray:
        """Matching documents by publication date, undated last either way, ties by document number;
        enough of them to hold `stories` stories (all when that is not known to be fewer)."""
        docs = np.flatnonzero(mask)
        key = self.published[docs]
        key = np.where(key == UNDATED, np.iinfo(np.int64).max, -key if newest else key)
        want = stories * 2 + 16
        if len(docs) > want * 4:
            cut = np.partition(key, want)[want]
            near = key <= cut
            chosen = docs[near]
            ordered = chosen[np.lexsort((chosen, key[near]))]
            if len(np.unique(self.story[ordered])) >= stories:
                return ordered
        return docs[np.lexsort((docs, key))]

    def first_of_story(self, ordered: np.ndarray) -> np.ndarray:
        """The first document of each story in this order (what a page shows)."""
        _, first = np.unique(self.story[ordered], return_index=True)
        return ordered[np.sort(first)]

    def other_versions(self, docnum: int) -> int:
        return int(self.versions[self.story[docnum]]) - 1


@dataclass(eq=False)
class Snapshot:
    """A searcher and its columns (built on first use: the indexer's look-ups need only the searcher)."""

    ix: Index
    index_dir: Path
    searcher: Searcher
    snapshots: Snapshots

    @cached_property
    def reader(self) -> Any:
        return self.searcher.reader()

    @cached_property
    def columns(self) -> ColumnView:
        return self.snapshots.view(self.reader)

    def generation(self) -> tuple[Any, ...]:
        """What this snapshot holds: its segments with their deletions, and the file numbering the values.
        Equal in any process for an index with the same contents; what is worked out from the columns can
        be kept under it (archive.search.entities keeps its corrected view so)."""
        segments = tuple(
            (segment.segment_id(), segment.deleted_count())
            for leaf, _ in self.reader.leaf_readers()
            if (segment := leaf.segment()) is not None
        )
        return segments, self.snapshots.numbering()


class Snapshots:
    """The snapshots of one index folder in this process: one searcher per thread, columns shared."""

    def __init__(self, ix: Index, index_dir: Path) -> None:
        self.ix = ix
        self.index_dir = Path(index_dir)
        self.terms = Terms(self.index_dir)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._segments: dict[str, SegmentColumns] = {}
        self._views: dict[tuple[tuple[str, int], ...], ColumnView] = {}

    def current(self) -> Snapshot:
        """This thread's searcher, brought up to the index's latest commit, and the columns that match it."""
        searcher = getattr(self._local, "searcher", None)
        stamp = self._stamp()
        if searcher is None or stamp != getattr(self._local, "stamp", None):
            if stamp[1:] != getattr(self._local, "stamp", stamp)[1:]:
                searcher = None  # another index now stands in this folder (rebuilt, restored): reuse nothing
                self._forget()
            previous = searcher
            searcher = racing_a_commit(lambda: self._latest(previous))
            self._local.searcher, self._local.stamp = searcher, stamp
        return Snapshot(self.ix, self.index_dir, searcher, self)

    def _stamp(self) -> tuple[int, int]:
        """The latest generation, and which file holds the value numbers: a generation alone repeats when
        an index is made anew in the same folder (`archive rebuild`, a restored backup), the file does not."""
        return self.ix.latest_generation(), self.numbering()

    def numbering(self) -> int:
        """Which file holds the value numbers (its inode; 0 before there is one)."""
        try:
            return os.stat(self.terms.path).st_ino
        except OSError:
            return 0

    def _forget(self) -> None:
        with self._lock:
            self.terms.close()
            self.terms = Terms(self.index_dir)
            self._segments, self._views = {}, {}

    def _latest(self, previous: Searcher | None) -> Searcher:
        """A searcher over the latest commit that reuses the previous one's readers of unchanged segments.

        Not Whoosh's `Searcher.refresh`: whoosh-reloaded's keeps segments that were merged away and
        the deletion lists the reused segments had, so updated articles would show twice.
        """
        toc = self.ix._read_toc()
        reusable: dict[tuple[str, int], Any] = {}
        same_schema = previous is not None and set(previous.schema.names()) == set(toc.schema.names())
        if previous is not None and same_schema and previous.reader().doc_count_all():
            for leaf, _ in previous.reader().leaf_readers():
                reusable[(leaf.segment().segment_id(), leaf.segment().deleted_count())] = leaf
        readers = []
        for segment in toc.segments:
            key = (segment.segment_id(), segment.deleted_count())
            reader = reusable.pop(key, None)
            readers.append(reader or SegmentReader(self.ix.storage, toc.schema, segment, generation=toc.generation))
        for leftover in reusable.values():
            leftover.close()
        if not readers:
            return Searcher(EmptyReader(toc.schema), fromindex=self.ix)
        return Searcher(MultiReader(readers, generation=toc.generation), fromindex=self.ix)

    def view(self, reader: Any) -> ColumnView:
        leaves = [leaf for leaf, _ in reader.leaf_readers()] if reader.doc_count_all() else []
        leaves = [leaf for leaf in leaves if leaf.segment() is not None]
        key = tuple((leaf.segment().segment_id(), leaf.segment().deleted_count()) for leaf in leaves)
        with self._lock:
            view = self._views.get(key)
            if view is None:
                parts = []
                for leaf in leaves:
                    segment = leaf.segment()
                    columns = self._segments.get(segment.segment_id())
                    if columns is None:
                        columns = segment_columns(
                            self.index_dir, segment, leaf, self.terms, lock=self.ix.lock("WRITELOCK")
                        )
                        self._segments[segment.segment_id()] = columns
                    parts.append((columns, deleted_mask(segment)))
                live_ids = {k for k, _ in key}
                self._segments = {k: v for k, v in self._segments.items() if k in live_ids}
                view = ColumnView(parts, self.terms)
                self._views = {key: view}  # one generation at a time: older ones are never asked for again
            return view

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None
        self.terms.close()


OPEN_LIMIT = 8  # index folders kept open per process (a desktop archive has one; tests make many)
_open: dict[str, Snapshots] = {}
_open_lock = threading.Lock()


def snapshot(ix: Index) -> Snapshot:
    """The current snapshot of this index for this thread (opened on first use, then kept and refreshed)."""
    folder = str(Path(getattr(ix.storage, "folder", "")).resolve())
    with _open_lock:
        snapshots = _open.pop(folder, None) or Snapshots(ix, Path(folder))
        _open[folder] = snapshots  # most recently used last
        while len(_open) > OPEN_LIMIT:
            _open.pop(next(iter(_open))).close()
    return snapshots.current()
