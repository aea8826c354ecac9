"""Opening the index, and the look-ups the indexer makes by id, file and exact-copy key."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from whoosh import index
from whoosh.codec import whoosh3
from whoosh.searching import Searcher

from archive.errors import IndexDamaged, IndexMissing
from archive.store.schema import make_schema
from archive.store.writer import ArchiveWriter, may_hold, segment_values, value_hashes

T = TypeVar("T")


def _remember_missing_columns() -> None:
    """Whoosh asks the disk whether a field has a lengths column at every posting of a field that has
    none (facets, ids), one `stat()` each: 44 % of a merge's time in the profile. Remember the answer."""
    original = whoosh3.W3PerDocReader._cached_reader
    if getattr(original, "remembers_missing", False):
        return

    def cached_reader(self: Any, fieldname: str, column: Any) -> Any:
        missing = self.__dict__.setdefault("_archive_missing", set())
        if fieldname in missing:
            return None
        reader = original(self, fieldname, column)
        if reader is None:
            missing.add(fieldname)
        return reader

    cached_reader.remembers_missing = True  # type: ignore[attr-defined]
    whoosh3.W3PerDocReader._cached_reader = cached_reader


_remember_missing_columns()

RACE_ATTEMPTS = 20  # a commit replaces the table of contents and merges delete segments: read again


def racing_a_commit(read: Callable[[], T]) -> T:
    """`read()`, again when a writer's commit deleted a file it was opening (the table of contents it had
    just listed, a segment merged away): the next try sees the new commit. Readers never lock."""
    for attempt in range(RACE_ATTEMPTS):
        try:
            return read()
        except FileNotFoundError:
            if attempt == RACE_ATTEMPTS - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def _read_the_table_of_contents_again_after_a_commit() -> None:
    """Whoosh reads the newest table of contents at every open, every `ix.schema` and every searcher: it
    lists the folder, then opens the newest `_MAIN_<n>.toc`, which a commit in between deletes. Read again."""
    original = index.TOC.read.__func__
    if getattr(original, "reads_again", False):
        return

    def read(cls: Any, storage: Any, indexname: str, gen: int | None = None, schema: Any = None) -> Any:
        if gen is not None:  # a generation asked for by number: there is no newer one to find
            return original(cls, storage, indexname, gen, schema)
        return racing_a_commit(lambda: original(cls, storage, indexname, None, schema))

    read.reads_again = True  # type: ignore[attr-defined]
    index.TOC.read = classmethod(read)  # type: ignore[method-assign]


_read_the_table_of_contents_again_after_a_commit()
SCHEMA_WAIT = 120.0  # seconds an index run waits for another writer before adding the fields the schema gained


def open_index(index_dir: Path, *, create: bool = False) -> index.Index:
    """Open the index, creating the directory and an empty index when asked to (the indexer does).

    The indexer's open also adds fields the schema gained since the index was made, so writing
    to an older index works; its older articles get the new values when re-indexed.
    """
    index_dir = Path(index_dir)
    if not index.exists_in(str(index_dir)) and (segments := segment_files(index_dir)):
        # Segments without a table of contents: a lost TOC, not an empty folder; a new index here would
        # hide (and its first commit delete) what the segments still hold.
        raise IndexDamaged(
            f"no table of contents (_MAIN_*.toc) beside {len(segments)} segment files", subject=str(index_dir)
        )
    if index.exists_in(str(index_dir)):
        ix = index.open_dir(str(index_dir))
        missing = [(name, field) for name, field in make_schema().items() if name not in ix.schema]
        missing = [(name, field) for name, field in missing if not name.startswith("spell_")]
        if create and missing:
            with ArchiveWriter(ix, index_dir, timeout=SCHEMA_WAIT) as writer:
                for name, field in missing:
                    writer.add_field(name, field)
            ix = index.open_dir(str(index_dir))
        return ix
    if not create:
        raise IndexMissing(subject=str(index_dir))
    index_dir.mkdir(parents=True, exist_ok=True)
    return index.create_in(str(index_dir), make_schema())


def segment_files(index_dir: Path) -> list[Path]:
    """The Whoosh segment files in an index folder (`MAIN_<segment>.<kind>`), without the lock."""
    if not Path(index_dir).is_dir():
        return []
    return sorted(p for p in Path(index_dir).glob("MAIN_*") if p.name != "MAIN_WRITELOCK" and p.is_file())


def stored_hashes(searcher: Searcher, file: str) -> dict[str, str]:
    """id -> content hash of every article the index holds from `file`."""
    return {fields_["id"]: fields_["content_hash"] for fields_ in searcher.documents(file=file)}


def write_documents(writer: ArchiveWriter, documents: Iterable[dict[str, Any]]) -> int:
    """Add or replace documents (by id); returns how many."""
    count = 0
    for document in documents:
        writer.update_document(**document)
        count += 1
    return count


def find_exact(searcher: Searcher, exact: str) -> list[dict[str, Any]]:
    """Stored fields of the original articles with this exact-copy key."""
    return _find(searcher, "exact", [exact])


def find_articles(searcher: Searcher, ids: Iterable[str]) -> list[dict[str, Any]]:
    """Stored fields of the original articles (not copies) with these ids that are in the index."""
    return [stored for stored in _find(searcher, "id", list(dict.fromkeys(ids))) if not stored.get("copy_of")]


def _find(searcher: Searcher, fieldname: str, values: list[str]) -> list[dict[str, Any]]:
    """Stored fields of the live documents holding any of these values in a keyword field.

    Each value is looked for only in the segments whose value hashes may hold it (archive.store.writer),
    not in every segment: grouping asks this for every article it places and its score of candidates.
    """
    if not values:
        return []
    hashes = value_hashes(values)
    found = []
    reader = searcher.reader()
    leaves = reader.leaf_readers() if reader.doc_count_all() else []
    for leaf, offset in leaves:
        segment = leaf.segment()
        if segment is None:
            continue
        maybe = may_hold(segment_values(leaf._storage, leaf.schema, segment, fieldname, leaf), hashes)
        for value in (values[n] for n in np.flatnonzero(maybe)):
            for docnum in leaf.postings(fieldname, value).all_ids() if (fieldname, value) in leaf else ():
                if not leaf.is_deleted(docnum):
                    found.append(searcher.stored_fields(docnum + offset))
    return found


def copies_of(searcher: Searcher, ids: Iterable[str]) -> list[tuple[str, str]]:
    """(id, file) of every exact copy of these articles."""
    found = []
    for original in ids:
        found += [(s["id"], s["file"]) for s in searcher.documents(copy_of=original)]
    return found
