"""`archive rebuild`: a new index from the stored articles of a damaged one that still read.

It writes articles like the indexer does (grouping keys included), so it sits with ingest; the
store's `check` says what is damaged.
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
from whoosh.reading import SegmentReader

from archive.article import Article
from archive.config import ANNOTATIONS_FILE
from archive.errors import IndexMissing
from archive.ingest.grouping import article_fingerprint
from archive.store import ArchiveWriter, article_document, open_index
from archive.store.check import READ_ERRORS, read_toc
from archive.store.damage import describe
from archive.store.index import segment_files
from archive.store.sources import SOURCES_FILE

# Files of an index folder that are not Whoosh's own and come along to a rebuilt index.
KEPT_FILES = ("topics.toml", "saved-searches.json", "bands.sqlite", SOURCES_FILE, ANNOTATIONS_FILE)


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
        toc = read_toc(index_dir)
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
