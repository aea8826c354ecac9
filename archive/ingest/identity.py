"""Stable ids: an article's id is made of its source with the path relative to the folder it was indexed from.

`/home/me/news/2024/oil.txt` indexed as part of `/home/me/news` is `2024/oil.txt`, so the folder can move
(another disk, another machine, a renamed parent) and every id, and every tag and note kept on it
(archive.store.annotations), stays. The folder is the outermost one given to `archive index`/`watch`
(`sources.sqlite`), so indexing a subfolder again later keeps the ids too; a file given by itself
counts from its own name. Two live files with the same relative path under different folders cannot
share an id: the second keeps an id made of its whole path (as every id was before), and so do files
outside every recorded folder. A record of the archive's own export carries its `id_source`, so
importing a backup gives each story the id it had.

An index made before stable ids is migrated once, on its next `archive index` (`migrate`): every article
gets its stable id without being read or enriched again, and each old id redirects to the new one.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from whoosh.index import Index

from archive.article import Article, article_id
from archive.ingest.grouping import article_fingerprint
from archive.ingest.readers.formats import Carried, FileResult
from archive.names import path_of, stored_name
from archive.store import ArchiveWriter, article_document, find_articles, snapshot
from archive.store.annotations import Annotations
from archive.store.sources import Sources

IDS_VERSION = "2"  # 1: ids from the whole path; 2: relative to the indexed folder
WAIT = 120.0
MOVES_PER_COMMIT = 4096  # stories found at a new place, written together


def relative_source(source: str, roots: Iterable[str]) -> str | None:
    """`source` (a stored name, `path`, `path#item` or `path/attachment`) relative to the outermost root holding
    it, with `/` between folders on every system; None when no root holds it."""
    for root in sorted(roots, key=len):
        if source == root or source.startswith((root + "#", root + "/", root + os.sep)):
            place = path_of(root)
            folder = place.is_dir() or (not place.exists() and source.startswith((root + "/", root + os.sep)))
            # Below a folder (or one gone from this disk): the path inside it; a file given by itself: its name on.
            rest = source[len(root) + 1 :] if folder else os.path.basename(root) + source[len(root) :]
            return rest.replace(os.sep, "/") if rest else None
    return None


def with_stable_id(article: Article, roots: Iterable[str]) -> Article:
    """The article with the id it gets when indexed from these roots (stored names of folders or files)."""
    if article.id_source:  # carried by a record of the archive's own export
        return article
    return replace(article, id_source=relative_source(article.source, roots))


def recorded_roots(index_dir: Path) -> list[str]:
    """The folders and files the archive was made from (`sources.sqlite`), as stored names."""
    return [stored_name(root) for root in Sources(index_dir).roots()]


class Identity:
    """Gives a run's articles their stable ids, keeping two live files from sharing one, and moves the stories
    of files that moved (the same id and content, the old file gone) to their new place without enriching
    them again."""

    def __init__(
        self, ix: Index, index_dir: Path, *, hash_of: Callable[[Article], str], roots: Iterable[str] | None = None
    ) -> None:
        """`hash_of`: the content hash the index keeps for an article (what tells a move from a change)."""
        self.ix = ix
        self.index_dir = index_dir
        self.hash_of = hash_of
        self.roots = list(roots) if roots is not None else recorded_roots(index_dir)
        self.claimed: dict[str, str] = {}  # ids given in this run -> the file given them
        self.annotations = Annotations(index_dir)
        self.moved: list[dict[str, Any]] = []  # documents rewritten at their new place, written by `flush`

    def settle(self, result: FileResult, file: str, known: dict[str, Any]) -> list[Article]:
        """The articles of one file with their ids: relative ones, except where another live file holds the id
        (then the whole source's, which an article keeps once it has it); `known` are the ids this file has in
        the index, to which moved stories are added (so they count as unchanged). Links between an e-mail and
        its attachments follow, and what an export's records carried (annotations, the id they had) is
        restored under the ids they get here."""
        stables = [self.stable(article) for article in result.articles]
        wholes = [article_id(article.source) for article in result.articles]
        # Every id this file's articles may have or had, looked up in one go (most are new: no segment holds them).
        asked = {a.id for a in stables} | set(wholes) | {c.old_id for c in result.carried if c.old_id}
        indexed = {s["id"]: s for s in find_articles(snapshot(self.ix).searcher, asked)}
        out: list[Article] = []
        for article, stable, whole in zip(result.articles, stables, wholes, strict=True):
            if stable.id not in known and (whole in known or self._taken(indexed, stable.id, file)):
                stable = replace(article, id_source=None)
            self.claimed[stable.id] = file
            out.append(stable)
        out = relink(result.articles, out)
        for article in out:
            if article.id not in known and (moved := self._moved(indexed, article, file)) is not None:
                self.moved.append(moved)
                known[article.id] = moved["content_hash"]
        if len(self.moved) >= MOVES_PER_COMMIT:
            self.flush()
        if result.carried:
            self._restore(result.carried, {a.source: a.id for a in out}, indexed)
        return out

    def _moved(self, indexed: Mapping[str, Any], article: Article, file: str) -> dict[str, Any] | None:
        """The document for a story found again in another file, its old one gone, with the same content: the
        stored one, at its new place; None when it is not such a story."""
        stored = indexed.get(article.id)
        if stored is None or stored.get("file") == file or os.path.lexists(path_of(stored["file"])):
            return None
        if stored.get("content_hash") != self.hash_of(article):
            return None
        data = json.loads(stored["data"])
        data.update(source=article.source, id_source=article.id_source)
        return _document(stored, data, file)

    def flush(self) -> None:
        """Write the moved stories (in one commit)."""
        moved, self.moved = self.moved, []
        if moved:
            with ArchiveWriter(self.ix, self.index_dir, timeout=WAIT) as writer:
                for document in moved:
                    writer.update_document(**document)

    def _restore(self, carried: list[Carried], ids: Mapping[str, str], indexed: Mapping[str, Any]) -> None:
        """Annotations an export carried, added to their stories here; the id a record had there redirects here
        when no article of this archive has it."""
        renamed = {}
        for item in carried:
            new = ids.get(item.source)
            if new is None:
                continue
            if item.annotations:
                self.annotations.restore(new, item.annotations)
            if item.old_id and item.old_id != new and item.old_id not in indexed:
                renamed[item.old_id] = new
        if renamed:
            self.annotations.redirect_to(renamed)

    def stable(self, article: Article) -> Article:
        return with_stable_id(article, self.roots)

    def among(self, articles: list[Article], ids: set[str]) -> list[Article]:
        """The articles a file gives again that have one of these ids (as stable ids, or whole-source ones)."""
        stable = relink(articles, [self.stable(a) for a in articles])
        found = []
        for article in stable:
            if article.id in ids:
                found.append(article)
            elif article_id(article.source) in ids:
                found.append(replace(article, id_source=None))
        return found

    def _taken(self, indexed: Mapping[str, Any], candidate: str, file: str) -> bool:
        """Whether another file still on disk (or read earlier in this run) holds this id: a move is not."""
        if self.claimed.get(candidate, file) != file:
            return True
        stored = indexed.get(candidate)
        if stored is None or stored.get("file") == file:
            return False
        return os.path.lexists(path_of(stored["file"]))


def relink(before: list[Article], after: list[Article]) -> list[Article]:
    """Attachment links (`attachments`, `attachment_of`) rewritten from the ids `before` to those of `after`."""
    renamed = {a.id: b.id for a, b in zip(before, after, strict=True) if a.id != b.id}
    if not renamed:
        return after
    return [
        replace(
            a,
            attachments=tuple(renamed.get(x, x) for x in a.attachments),
            attachment_of=renamed.get(a.attachment_of, a.attachment_of) if a.attachment_of else None,
        )
        if a.attachments or a.attachment_of
        else a
        for a in after
    ]


def migrate(ix: Index, index_dir: Path, bands_file: Path) -> int:
    """Give an index made before stable ids its stable ids (once: the annotations database records it);
    returns how many articles changed id. Nothing is read from the sources or enriched again."""
    annotations = Annotations(index_dir)
    if annotations.setting("ids") == IDS_VERSION:
        return 0
    roots = recorded_roots(index_dir)
    with ix.searcher() as searcher:
        stored = list(searcher.all_stored_fields())
    taken = {fields["id"] for fields in stored}
    renamed: dict[str, str] = {}
    for fields in stored:
        data = json.loads(fields["data"])
        if data.get("id_source"):
            continue
        rel = relative_source(data["source"], roots)
        new = article_id(rel) if rel else fields["id"]
        if new != fields["id"] and new not in taken:
            renamed[fields["id"]] = new
            taken.add(new)
    if renamed:
        with ArchiveWriter(ix, index_dir, timeout=WAIT) as writer:
            for fields in stored:
                document = _renamed_document(fields, renamed, roots)
                if document is not None:
                    writer.delete_by_term("id", fields["id"])
                    writer.update_document(**document)
        _rename_bands(bands_file, renamed)
        annotations.rename(renamed)
    annotations.set_setting("ids", IDS_VERSION)
    return len(renamed)


def _document(fields: dict[str, Any], data: dict[str, Any], file: str) -> dict[str, Any]:
    """A stored article written again with this data and file, everything else as it was (no enrichment)."""
    if fields.get("copy_of"):  # a copy is only its metadata and its original's id (archive.store.schema)
        kept = {k: fields[k] for k in ("content_hash", "group", "copy_of", "indexed") if fields.get(k) is not None}
        return {**kept, "id": data["id"], "file": file, "data": json.dumps(data, ensure_ascii=False)}
    article = Article.from_dict(data)
    group = fields.get("group") or fields["id"]
    document = article_document(
        article, fields["content_hash"], file, group=group, exact=article_fingerprint(article).exact
    )
    if fields.get("indexed") is not None:
        document["indexed"] = fields["indexed"]
    return document


def _renamed_document(fields: dict[str, Any], renamed: Mapping[str, str], roots: list[str]) -> dict[str, Any] | None:
    """The document for a stored article under its new id, and links to renamed articles; None if unchanged."""
    data = json.loads(fields["data"])
    links = [fields.get("copy_of"), data.get("attachment_of"), *(data.get("attachments") or [])]
    if fields["id"] not in renamed and not any(link in renamed for link in links if link):
        return None
    new_id = renamed.get(fields["id"], fields["id"])
    data["id"] = new_id
    if new_id != fields["id"]:
        data["id_source"] = relative_source(data["source"], roots)
    data["attachments"] = [renamed.get(a, a) for a in data.get("attachments") or []]
    if data.get("attachment_of"):
        data["attachment_of"] = renamed.get(data["attachment_of"], data["attachment_of"])
    if fields.get("copy_of"):
        fields = {**fields, "copy_of": renamed.get(fields["copy_of"], fields["copy_of"])}
    return _document(fields, data, fields["file"])


def _rename_bands(bands_file: Path, renamed: Mapping[str, str]) -> None:
    """The LSH buckets (archive.ingest.grouping) name articles by id: they follow the new ones."""
    if not bands_file.exists():
        return
    db = sqlite3.connect(bands_file, timeout=WAIT)
    try:
        with db:
            db.executemany("UPDATE OR IGNORE buckets SET id = ? WHERE id = ?", [(n, o) for o, n in renamed.items()])
    finally:
        db.close()
