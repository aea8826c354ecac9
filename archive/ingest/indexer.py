"""An indexing run: files in, articles enriched and written, a tally out.

Unchanged articles (same content hash) are skipped before enrichment, so a re-run
over a large folder costs a read and a hash, not an NER pass. Each batch is
committed on its own, so a run that is killed keeps what it had finished.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from whoosh.index import Index
from whoosh.query import Term

from archive.article import Article
from archive.errors import ArchiveError, UnreadableFile
from archive.ingest.readers import FileResult, iter_files, read_file
from archive.store import open_index, stored_hashes, write_articles

BATCH_ARTICLES = 256
WRITER_WAIT = 120.0  # seconds to wait for another writer (a watcher, a second `index`) to finish its batch


@dataclass
class RunStats:
    """What a run did, counted in articles (files for `failed` and `skipped` where a whole file was)."""

    files: int = 0
    indexed: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[ArchiveError] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the end of a run."""
        return (
            f"{self.files} files: {self.indexed} indexed, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed, {self.skipped} skipped, {self.failed} failed"
        )


@dataclass
class Progress:
    """Callbacks a front end can hang a progress bar on; the defaults do nothing."""

    start: Callable[[int, int], None] = lambda files, total_bytes: None
    file_done: Callable[[Path, int, int], None] = lambda path, size, articles: None
    error: Callable[[ArchiveError], None] = lambda error: None


class Enriches(Protocol):
    """What the indexer needs from enrichment (kept abstract so spaCy loads only when needed)."""

    def enrich(self, articles: Sequence[Article]) -> list[Article]: ...


def stored_hash(article: Article, enrichment_version: str) -> str:
    """The hash kept in the index: what was read, plus the enrichment that produced the rest."""
    return hashlib.sha1(f"{article.content_hash}:{enrichment_version}".encode()).hexdigest()


class Indexer:
    """Indexes paths into one Whoosh index; enrichment is loaded only when something changed."""

    def __init__(
        self,
        index_dir: Path,
        *,
        max_bytes: int,
        enricher_factory: Callable[[], Enriches],
        enrichment_version: str,
        progress: Progress | None = None,
    ) -> None:
        self.ix: Index = open_index(index_dir, create=True)
        self.max_bytes = max_bytes
        self.enricher_factory = enricher_factory
        self.enrichment_version = enrichment_version
        self.progress = progress or Progress()
        self.stats = RunStats()
        self._enricher: Enriches | None = None
        self._pending: list[tuple[Article, str, str, bool]] = []  # article, hash, file, is_update

    def run(self, paths: Iterable[Path], *, remove_missing: bool = True) -> RunStats:
        """Index every file below `paths`; drop articles of files gone from named folders."""
        paths = list(paths)
        files = self._files(paths)
        self.progress.start(len(files), sum(size for _, size in files))
        for path, size in files:
            result = read_file(path, max_bytes=self.max_bytes)
            self._take(result)
            self.progress.file_done(path, size, len(result.articles))
            if len(self._pending) >= BATCH_ARTICLES:
                self._flush()
        self._flush()
        if remove_missing:
            self._remove_missing([p for p in paths if p.is_dir()])
        return self.stats

    def _files(self, paths: list[Path]) -> list[tuple[Path, int]]:
        files: dict[Path, int] = {}
        for path in iter_files(paths):
            try:
                files.setdefault(path.resolve(), path.stat().st_size)
            except OSError as exc:
                self._error(UnreadableFile(exc.strerror or "no such file", subject=str(path)))
        self.stats.files = len(files)
        return list(files.items())

    def _error(self, error: ArchiveError) -> None:
        if error.skipped:
            self.stats.skipped += 1
        else:
            self.stats.failed += 1
        self.stats.errors.append(error)
        self.progress.error(error)

    def _take(self, result: FileResult) -> None:
        for error in result.errors:
            self._error(error)
        if not result.articles and result.errors:
            return
        file = str(result.path)
        known = stored_hashes(self.ix, file)
        seen = set()
        for article in result.articles:
            content_hash = stored_hash(article, self.enrichment_version)
            seen.add(article.id)
            if known.get(article.id) == content_hash:
                self.stats.unchanged += 1
            else:
                self._pending.append((article, content_hash, file, article.id in known))
        # A file that was only partly read (a truncated WARC, a bad JSONL line) keeps its other articles:
        # only a clean read can say that an article has left the file.
        gone = set(known) - seen if not result.errors else set()
        if gone:
            with self.ix.writer(timeout=WRITER_WAIT) as writer:
                for article_id in gone:
                    writer.delete_by_term("id", article_id)
            self.stats.removed += len(gone)

    def _flush(self) -> None:
        if not self._pending:
            return
        if self._enricher is None:
            self._enricher = self.enricher_factory()
        pending, self._pending = self._pending, []
        enriched = self._enricher.enrich([article for article, *_ in pending])
        with self.ix.writer(timeout=WRITER_WAIT) as writer:
            write_articles(writer, ((a, h, f) for a, (_, h, f, _) in zip(enriched, pending, strict=True)))
        for *_, is_update in pending:
            if is_update:
                self.stats.updated += 1
            else:
                self.stats.indexed += 1

    def _remove_missing(self, folders: list[Path]) -> None:
        """Articles whose file was under a named folder and no longer exists leave the index."""
        if not folders:
            return
        prefixes = tuple(str(folder.resolve()) + "/" for folder in folders)
        with self.ix.searcher() as searcher:
            files = {f.decode() if isinstance(f, bytes) else f for f in searcher.lexicon("file")}
        self.remove_files([f for f in files if f.startswith(prefixes) and not Path(f).exists()])

    def remove_files(self, files: Iterable[str]) -> int:
        """Drop every article read from these files (absolute paths, as stored); returns how many."""
        files = list(files)
        if not files:
            return 0
        removed = 0
        with self.ix.writer(timeout=WRITER_WAIT) as writer:
            for file in files:
                removed += writer.delete_by_query(Term("file", file))
        self.stats.removed += removed
        return removed
