"""Columns beside the index: per document its facet values, month, date, story and copy flag, as numpy arrays.

Whoosh answers "which documents match these words"; everything counted over the matches (facet
values, the date histogram, stories) and every filter and date sort is answered from here,
vectorised, so its cost follows the size of the answer and not of the archive.

Whoosh segments never change once written (only their deletion lists grow), so each segment has
one column file, `columns/<segment id>.cols`, written by the same commit that writes the segment
(archive.store.writer) and memory-mapped by readers: opening an archive of a million articles
reads a few headers. Facet values are numbered in one SQLite dictionary, `columns/terms.sqlite`,
shared by all segments, so counting a facet is one `np.bincount`. A segment without a column file
(an index made before columns existed) gets one built from its postings, once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np

from archive.facets import INDEXED_NAMES as FACET_NAMES

COLUMNS_DIR = "columns"
TERMS_FILE = "terms.sqlite"
SUFFIX = ".cols"
MAGIC = b"ARCHIVE-COLUMNS 1\n"
ALIGN = 64
UNDATED = np.iinfo(np.int64).min  # sorts first ascending; date sorts put undated last explicitly
NO_MONTH = -1
EPOCH = datetime(1970, 1, 1)


def columns_dir(index_dir: Path) -> Path:
    return Path(index_dir) / COLUMNS_DIR


# --- one document's row -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """What the columns hold for one document, as the writer sees it."""

    facets: dict[str, tuple[str, ...]]
    month: int  # year * 12 + month - 1, or NO_MONTH
    published: int  # seconds since 1970 (naive UTC), or UNDATED
    group: int  # the story, as a 63-bit hash of its key
    copy: bool

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Row:
        """The row for a Whoosh document dict (archive.store.schema), so columns and fields never disagree."""
        facets = {name: tuple(v for v in (doc.get(name) or "").split(",") if v) for name in FACET_NAMES}
        published = doc.get("published")
        return cls(
            facets=facets,
            month=month_number(published) if published else NO_MONTH,
            published=seconds(published) if published else UNDATED,
            group=story_key(doc.get("group") or "#" + doc["id"]),
            copy=bool(doc.get("copy_of")),
        )


def month_number(when: datetime | date) -> int:
    return when.year * 12 + when.month - 1


def month_label(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def seconds(when: datetime) -> int:
    return int((when - EPOCH).total_seconds()) if when.tzinfo is None else int(when.astimezone(UTC).timestamp())


def day_bounds(date_from: date | None, date_to: date | None) -> tuple[int, int]:
    """Seconds from the start of `date_from` to the end of `date_to` (either open)."""
    low = seconds(datetime.combine(date_from, time.min)) if date_from else UNDATED + 1
    high = seconds(datetime.combine(date_to, time.max)) if date_to else np.iinfo(np.int64).max
    return low, high


def story_key(group: str) -> int:
    """A story's key as a number, so stories need no dictionary."""
    return stable_hash(group)


def stable_hash(text: str) -> int:
    """63 bits of a hash of the text, the same in every process (unlike `hash`), so it can be kept on disk."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little") >> 1


# --- the dictionary of facet values --------------------------------------------------------------


class Terms:
    """Facet value <-> number, per facet, in SQLite.

    A rollback journal, not WAL: additions are a few rows a batch, so readers wait milliseconds at
    most, and the database file alone always holds every number (a copied folder is a whole archive;
    with WAL a writer process that stays open keeps them in the side file).

    Only a writer holding the index lock adds values, and it commits them before the segment
    that uses them, so a reader never meets a number it cannot name.
    """

    def __init__(self, index_dir: Path) -> None:
        self.path = columns_dir(index_dir) / TERMS_FILE
        self._names: dict[str, list[str]] = {}
        self._ids: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, int, str]] = []
        self._identity: int | None = None  # the dictionary file's inode when its names were read

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=60, isolation_level=None)
            with contextlib.suppress(sqlite3.OperationalError):  # another connection may hold it
                db.execute("PRAGMA journal_mode=DELETE")
            db.execute("CREATE TABLE IF NOT EXISTS terms (facet TEXT, id INTEGER, value TEXT, PRIMARY KEY (facet, id))")
            self._db = db
        return self._db

    def _load(self, facet: str) -> list[str]:
        """The facet's names by number, read on from where this process last stopped."""
        names = self._names.setdefault(facet, [])
        ids = self._ids.setdefault(facet, {})
        if not self.path.exists():
            return names
        rows = self._connect().execute(
            "SELECT id, value FROM terms WHERE facet = ? AND id >= ? ORDER BY id", (facet, len(names))
        )
        for number, value in rows:
            if number == len(names):
                names.append(value)
                ids[value] = number
        return names

    def names(self, facet: str, needed: int = 0) -> list[str]:
        """Every name of the facet by number; reloads when a segment uses a number beyond what is known."""
        with self._lock:
            names = self._names.get(facet)
            if names is None or len(names) < needed:
                names = self._load(facet)
            return names

    def lookup(self, facet: str, values: Iterable[str]) -> list[int]:
        """The numbers of these values (unknown values have none)."""
        with self._lock:
            self._load(facet)
            ids = self._ids[facet]
            return [ids[v] for v in values if v in ids]

    def assign(self, facet: str, values: Iterable[str]) -> list[int]:
        """Numbers for these values, adding new ones (writer only; `commit` makes them visible)."""
        with self._lock:
            if facet not in self._ids:
                self._load(facet)
            ids, names = self._ids[facet], self._names[facet]
            out = []
            for value in values:
                number = ids.get(value)
                if number is None:
                    number = ids[value] = len(names)
                    names.append(value)
                    self._pending.append((facet, number, value))
                out.append(number)
            return out

    def begin(self) -> None:
        """Start a writer's session (under the index's lock): read on what other writers added since this
        one last looked, or start over when the dictionary file is another one (an index made anew)."""
        with self._lock:
            unsaved, self._pending = bool(self._pending), []
            try:
                identity = os.stat(self.path).st_ino
            except OSError:
                identity = None
            if identity != self._identity or unsaved:  # unsaved: numbers a failed commit gave out, never saved
                self.close()
                self._names, self._ids, self._identity = {}, {}, identity
            for facet in list(self._names):
                self._load(facet)

    def commit(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
            if pending:
                db = self._connect()
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT INTO terms (facet, id, value) VALUES (?, ?, ?)", pending)
                db.execute("COMMIT")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


# --- one segment's file ---------------------------------------------------------------------------


class SegmentColumns:
    """The columns of one segment: `facet -> (offsets, ids)` in CSR form, and one value per document."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.arrays = arrays
        self.size = len(arrays["month"])

    @classmethod
    def from_rows(cls, rows: Sequence[Row], terms: Terms) -> SegmentColumns:
        arrays: dict[str, np.ndarray] = {
            "month": np.array([r.month for r in rows], dtype=np.int32),
            "published": np.array([r.published for r in rows], dtype=np.int64),
            "group": np.array([r.group for r in rows], dtype=np.int64),
            "copy": np.array([r.copy for r in rows], dtype=np.bool_),
        }
        for facet in FACET_NAMES:
            lengths = np.array([len(r.facets[facet]) for r in rows], dtype=np.int64)
            offsets = np.zeros(len(rows) + 1, dtype=np.int64)
            np.cumsum(lengths, out=offsets[1:])
            values = [v for r in rows for v in r.facets[facet]]
            arrays[f"{facet}.offsets"] = offsets
            arrays[f"{facet}.ids"] = np.array(terms.assign(facet, values), dtype=np.int32)
        return cls(arrays)

    @classmethod
    def concat(cls, parts: Sequence[SegmentColumns]) -> SegmentColumns:
        """Segments one after the other (what a merge writes), each already cut to its live documents."""
        arrays = {}
        for name in ("month", "published", "group", "copy"):
            arrays[name] = np.concatenate([p.arrays[name] for p in parts])
        for facet in FACET_NAMES:
            ids = [p.arrays[f"{facet}.ids"] for p in parts]
            offsets, base = [np.zeros(1, dtype=np.int64)], 0
            for p in parts:
                offsets.append(p.arrays[f"{facet}.offsets"][1:] + base)
                base += len(p.arrays[f"{facet}.ids"])
            arrays[f"{facet}.offsets"] = np.concatenate(offsets)
            arrays[f"{facet}.ids"] = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32)
        return cls(arrays)

    def take(self, keep: np.ndarray) -> SegmentColumns:
        """Only the documents where `keep` is true, in order (a merge drops deleted documents)."""
        if keep.all():
            return self
        arrays = {name: self.arrays[name][keep] for name in ("month", "published", "group", "copy")}
        for facet in FACET_NAMES:
            offsets, ids = self.arrays[f"{facet}.offsets"], self.arrays[f"{facet}.ids"]
            lengths = np.diff(offsets)[keep]
            new_offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
            np.cumsum(lengths, out=new_offsets[1:])
            entry_keep = np.repeat(keep, np.diff(offsets))
            arrays[f"{facet}.offsets"] = new_offsets
            arrays[f"{facet}.ids"] = ids[entry_keep]
        return SegmentColumns(arrays)

    def row(self, docnum: int, terms: Terms) -> Row:
        """One document's row, decoded (what `archive check` compares with the postings)."""
        facets = {}
        for facet in FACET_NAMES:
            offsets, ids = self.arrays[f"{facet}.offsets"], self.arrays[f"{facet}.ids"]
            numbers = ids[offsets[docnum] : offsets[docnum + 1]]
            names = terms.names(facet, int(numbers.max()) + 1 if len(numbers) else 0)
            facets[facet] = tuple(sorted(names[i] for i in numbers))
        return Row(
            facets=facets,
            month=int(self.arrays["month"][docnum]),
            published=int(self.arrays["published"][docnum]),
            group=int(self.arrays["group"][docnum]),
            copy=bool(self.arrays["copy"][docnum]),
        )

    def save(self, path: Path) -> None:
        """Write atomically: a reader sees the whole file or none."""
        header: dict[str, Any] = {}
        offset = 0
        for name, array in self.arrays.items():
            header[name] = [array.dtype.str, offset, len(array)]
            offset += -(-array.nbytes // ALIGN) * ALIGN
        head = MAGIC + json.dumps(header).encode() + b"\n"
        start = -(-len(head) // ALIGN) * ALIGN
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as out:
            out.write(head.ljust(start, b" "))
            for array in self.arrays.values():
                data = np.ascontiguousarray(array).tobytes()
                out.write(data.ljust(-(-len(data) // ALIGN) * ALIGN, b"\0"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> SegmentColumns:
        with open(path, "rb") as stream:
            if stream.readline() != MAGIC:
                raise ValueError(f"{path}: not a column file")
            header = json.loads(stream.readline())
            start = -(-stream.tell() // ALIGN) * ALIGN
        arrays = {}
        for name, (dtype, offset, count) in header.items():
            if count == 0:
                arrays[name] = np.zeros(0, dtype=np.dtype(dtype))
            else:
                arrays[name] = np.memmap(path, dtype=np.dtype(dtype), mode="r", offset=start + offset, shape=(count,))
        return cls(arrays)


_writers: dict[Path, Terms] = {}
_writers_lock = threading.Lock()


def writer_terms(index_dir: Path) -> Terms:
    """The dictionary a process's writers share for one index, so each batch reads on from where the last
    stopped instead of reading every name again (hundreds of thousands of them in a large archive)."""
    key = Path(index_dir).absolute()
    with _writers_lock:
        if key not in _writers:
            _writers[key] = Terms(key)
        return _writers[key]


def segment_path(index_dir: Path, segment_id: str) -> Path:
    return columns_dir(index_dir) / f"{segment_id}{SUFFIX}"


def rows_from_postings(reader: Any) -> list[Row]:
    """Every document's row of one segment, read back from its postings and stored fields: the slow way,
    for a segment written before columns existed, and the truth `archive check` compares columns with."""
    size = reader.doc_count_all()
    per_doc: dict[str, list[list[str]]] = {name: [[] for _ in range(size)] for name in FACET_NAMES}
    for name, lists in per_doc.items():
        if name not in reader.schema:
            continue
        for term in reader.lexicon(name):
            text = term.decode("utf-8")
            for docnum in reader.postings(name, term).all_ids():
                lists[docnum].append(text)
    rows = []
    for docnum in range(size):
        stored = reader.stored_fields(docnum)
        published = stored.get("published")
        rows.append(
            Row(
                facets={name: tuple(sorted(per_doc[name][docnum])) for name in FACET_NAMES},
                month=month_number(published) if published else NO_MONTH,
                published=seconds(published) if published else UNDATED,
                group=story_key(stored.get("group") or "#" + str(stored.get("id"))),
                copy=bool(stored.get("copy_of")),
            )
        )
    return rows


def build_from_postings(reader: Any, terms: Terms) -> SegmentColumns:
    return SegmentColumns.from_rows(rows_from_postings(reader), terms)


def remove_columns(index_dir: Path, segment_ids: Iterable[str]) -> None:
    """Remove the column files of segments the index no longer has (merged away)."""
    for segment_id in segment_ids:
        segment_path(index_dir, segment_id).unlink(missing_ok=True)
