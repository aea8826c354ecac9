"""`archive check`: does the index open, does every segment read, and do the columns say what the index says?

`archive rebuild` (`rebuild_index`) is the way back: a new index from the stored articles that still
read, the damaged folder kept beside it.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import SegmentReader

from archive.article import Article
from archive.errors import IndexDamaged, IndexMissing
from archive.store.columns import SegmentColumns, Terms, rows_from_postings, segment_path
from archive.store.damage import describe
from archive.store.index import open_index, segment_files
from archive.store.schema import article_document
from archive.store.writer import ArchiveWriter

# A damaged file can make Whoosh raise nearly anything (even a bare Exception("Block tag error")):
# while reading an index through on purpose, every error is a finding.
READ_ERRORS = (Exception,)
# Files of an index folder that are not Whoosh's own and come along to a rebuilt index.
KEPT_FILES = ("topics.toml", "saved-searches.json", "bands.sqlite")


def _toc(index_dir: Path) -> TOC:
    storage = FileStorage(str(index_dir))
    return TOC.read(storage, "MAIN")


def _segment_problems(index_dir: Path, toc: TOC) -> list[str]:
    """Each segment read through: every live document's stored fields, every term's postings."""
    storage = FileStorage(str(index_dir))
    problems = []
    for segment in toc.segments:
        name = segment.segment_id()
        try:
            reader = SegmentReader(storage, toc.schema, segment)
        except READ_ERRORS as exc:
            problems.append(f"segment {name}: does not open ({describe(exc)})")
            continue
        try:
            bad = 0
            for docnum in range(segment.doc_count_all()):
                if segment.is_deleted(docnum):
                    continue
                try:
                    json.loads(reader.stored_fields(docnum)["data"])
                except READ_ERRORS:
                    bad += 1
            if bad:
                problems.append(f"segment {name}: {bad} of {segment.doc_count()} stored articles do not read")
            try:
                for fieldname, text in reader.all_terms():
                    if reader.schema[fieldname].format is not None:
                        list(reader.postings(fieldname, text).all_ids())
            except READ_ERRORS as exc:
                problems.append(f"segment {name}: its terms or postings do not read ({describe(exc)})")
        finally:
            with contextlib.suppress(*READ_ERRORS):
                reader.close()
    return problems


def check_index(index_dir: Path) -> list[str]:
    """Problems found, one line each (empty when the index is sound): the table of contents and every
    segment read through (stored articles, terms, postings), then every live document's facet
    values, month, date, story and copy flag in the columns compared with its postings and stored
    fields, segment by segment."""
    index_dir = Path(index_dir)
    try:
        ix = open_index(index_dir)
    except IndexDamaged as exc:
        return [exc.detail]
    except READ_ERRORS as exc:
        return [f"the table of contents does not read ({describe(exc)})"]
    problems = _segment_problems(index_dir, _toc(index_dir))
    if problems:
        return problems  # the column comparison reads the same damaged files
    terms = Terms(index_dir)
    try:
        reader = ix.reader()
        leaves = [leaf for leaf, _ in reader.leaf_readers()] if reader.doc_count_all() else []
        for leaf in leaves:
            segment = leaf.segment()
            name = segment.segment_id()
            try:
                columns = SegmentColumns.load(segment_path(index_dir, name))
            except (OSError, ValueError) as exc:
                problems.append(f"segment {name}: no readable column file ({exc})")
                continue
            if columns.size != segment.doc_count_all():
                problems.append(f"segment {name}: {columns.size} column rows for {segment.doc_count_all()} documents")
                continue
            for docnum, truth in enumerate(rows_from_postings(leaf)):
                if not segment.is_deleted(docnum) and columns.row(docnum, terms) != truth:
                    stored_id = leaf.stored_fields(docnum).get("id")
                    problems.append(f"segment {name}: columns of article {stored_id} disagree with the index")
        reader.close()
    finally:
        terms.close()
    return problems


@dataclass
class Rebuilt:
    """What a rebuild did."""

    recovered: int = 0
    copies: int = 0
    lost: list[str] = field(default_factory=list)  # one line per thing that could not be recovered
    backup: Path | None = None


def _stored_articles(index_dir: Path, rebuilt: Rebuilt) -> Iterator[dict[str, Any]]:
    """The stored fields of every live document that still reads; what does not goes to `rebuilt.lost`."""
    try:
        toc = _toc(index_dir)
    except READ_ERRORS as exc:
        rebuilt.lost.append(f"the table of contents does not read ({describe(exc)}): no stored article is reachable")
        return
    storage = FileStorage(str(index_dir))
    for segment in toc.segments:
        name = segment.segment_id()
        try:
            reader = SegmentReader(storage, toc.schema, segment)
        except READ_ERRORS as exc:
            rebuilt.lost.append(f"segment {name}: {segment.doc_count()} articles, does not open ({describe(exc)})")
            continue
        bad = 0
        for docnum in range(segment.doc_count_all()):
            if segment.is_deleted(docnum):
                continue
            try:
                fields = dict(reader.stored_fields(docnum))
                json.loads(fields["data"])
            except READ_ERRORS:
                bad += 1
                continue
            yield fields
        if bad:
            rebuilt.lost.append(f"segment {name}: {bad} of {segment.doc_count()} stored articles do not read")
        with contextlib.suppress(*READ_ERRORS):
            reader.close()


def _document(fields: dict[str, Any]) -> dict[str, Any]:
    """The document to write again for one stored article (an exact copy is written as it was stored)."""
    if fields.get("copy_of"):
        return {key: value for key, value in fields.items() if value is not None}
    from archive.ingest.grouping import article_fingerprint  # the ingest side: imported only by a rebuild

    article = Article.from_dict(json.loads(fields["data"]))
    group, exact = fields.get("group") or article.id, article_fingerprint(article).exact
    document = article_document(article, fields["content_hash"], fields["file"], group=group, exact=exact)
    if fields.get("indexed") is not None:
        document["indexed"] = fields["indexed"]
    return document


def rebuild_index(index_dir: Path) -> Rebuilt:
    """A new index from the stored articles that still read; the damaged folder is kept as
    `<index>.damaged-<time>`. Copies whose original was lost are left out (re-indexing their files
    brings them back), and so is every article that did not read: `lost` says what."""
    index_dir = Path(index_dir).absolute()
    if not index_dir.is_dir() or not segment_files(index_dir):
        raise IndexMissing(subject=str(index_dir))
    rebuilt = Rebuilt()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    fresh = index_dir.with_name(f"{index_dir.name}.rebuilding-{stamp}")
    backup = index_dir.with_name(f"{index_dir.name}.damaged-{stamp}")
    documents = []
    for fields in _stored_articles(index_dir, rebuilt):
        try:
            documents.append(_document(fields))
        except READ_ERRORS as exc:
            rebuilt.lost.append(f"article {fields.get('id')} from {fields.get('file')}: {describe(exc)}")
    originals = {d["id"] for d in documents if not d.get("copy_of")}
    orphans = [d for d in documents if d.get("copy_of") and d["copy_of"] not in originals]
    for orphan in orphans:
        rebuilt.lost.append(f"copy {orphan['id']} from {orphan['file']}: its original was lost")
    documents = [d for d in documents if d not in orphans]
    fresh.mkdir()
    try:
        ix = open_index(fresh, create=True)
        with ArchiveWriter(ix, fresh) as writer:
            for document in documents:
                writer.update_document(**document)
        for name in KEPT_FILES:
            if (index_dir / name).is_file():
                shutil.copy2(index_dir / name, fresh / name)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    index_dir.rename(backup)
    fresh.rename(index_dir)
    rebuilt.backup = backup
    rebuilt.recovered = len(documents)
    rebuilt.copies = sum(1 for d in documents if d.get("copy_of"))
    return rebuilt
