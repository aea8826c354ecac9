"""An indexing run: files in, articles enriched and written, a tally out.

Unchanged articles (same content hash) are skipped before enrichment, so a re-run
over a large folder costs a read and a hash, not an NER pass. Articles are enriched in
batches and committed in windows of several batches (`Settings.commit_articles`, one
segment each: a segment's cost is per term, so larger ones write far fewer term blocks
and merge less often), at least every COMMIT_SECONDS, so a run that is killed keeps
what it had finished but the last seconds.
Exact copies of an article are stored once and skip enrichment; when an original
leaves or changes, its copies are read again from their own files and take its place.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from whoosh.index import Index
from whoosh.query import Term

from archive.article import Article
from archive.config import Settings
from archive.errors import ArchiveError, UnreadableFile
from archive.ingest.enrich.worker import Enriched, WorkerEnricher
from archive.ingest.grouping import GROUPING_VERSION, BandTable, Sketch, assign_stories
from archive.ingest.identity import Identity, migrate
from archive.ingest.readers.formats import FileResult, Found, iter_files, read_file
from archive.names import path_of, resolved, stored_name
from archive.store import (
    ArchiveWriter,
    article_document,
    copies_of,
    copy_document,
    open_index,
    snapshot,
    stored_hashes,
    write_documents,
)
from archive.store.damage import describe, index_errors
from archive.store.sources import record_sources

BATCH_ARTICLES = 256  # articles enriched together (one NER call; the worker's unit of work)
# Articles handed to worker processes ahead of the writer, so they go on enriching while it commits (a
# commit of 4,096 articles takes seconds); memory follows this, not the archive.
AHEAD_ARTICLES = 4096
COMMIT_SECONDS = 15.0  # a window open this long is committed, so a watcher's web app sees new work soon
WORKER_FROM_BYTES = 4 * 2**20  # smaller runs finish before a second process has loaded spaCy
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
    # Files below the named folders of types the archive does not read, by suffix: counted, not skipped.
    not_read: Counter[str] = field(default_factory=Counter)
    stopped: bool = False  # asked to stop before the last file: what was read is written, nothing removed

    def summary(self) -> str:
        """One line for the end of a run."""
        line = (
            f"{self.files} files: {self.indexed} indexed, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed, {self.skipped} skipped, {self.failed} failed"
        )
        not_read = Found(not_read=self.not_read).not_read_summary()
        return f"{line}, {not_read}" if not_read else line


@dataclass
class Progress:
    """Callbacks a front end can hang a progress bar on; the defaults do nothing."""

    start: Callable[[int, int], None] = lambda files, total_bytes: None
    file_done: Callable[[Path, int, int], None] = lambda path, size, articles: None
    error: Callable[[ArchiveError], None] = lambda error: None
    # Asked between files: True ends the run there, with every article read so far written.
    stop: Callable[[], bool] = lambda: False


class Enriches(Protocol):
    """What the indexer needs from enrichment (kept abstract so spaCy loads only when needed)."""

    def enrich(self, articles: Sequence[Article]) -> list[Article]: ...


def stored_hash(article: Article, enrichment_version: str) -> str:
    """The hash kept in the index: what was read, plus the enrichment and grouping that produced the rest."""
    return hashlib.sha1(f"{article.content_hash}:{enrichment_version}:{GROUPING_VERSION}".encode()).hexdigest()


@dataclass(frozen=True)
class Pending:
    """An article waiting for the next batch; `counted` is False for copies moved up behind the scenes."""

    article: Article
    content_hash: str
    file: str
    is_update: bool
    counted: bool = True


class Indexer:
    """Indexes paths into one Whoosh index; enrichment is loaded only when something changed."""

    def __init__(
        self,
        settings: Settings,
        *,
        enricher_factory: Callable[[], Enriches],
        enrichment_version: str,
        progress: Progress | None = None,
    ) -> None:
        """With `settings.workers`, runs of WORKER_FROM_BYTES or more enrich in that many other processes."""
        self.index_dir = settings.index_dir
        self.ix: Index = open_index(settings.index_dir, create=True)
        self.bands = BandTable(settings.bands_file)
        self.max_bytes = settings.max_file_bytes
        self.enricher_factory = enricher_factory
        self.enrichment_version = enrichment_version
        self.progress = progress or Progress()
        self.stats = RunStats()
        self._enricher: Enriches | None = None
        self._pending: list[Pending] = []
        self._unlisted: list[Path] = []  # folders the walk could not list: their files are not gone
        self._in_flight: deque[tuple[list[Pending], Future[Enriched]]] = deque()
        # Enriched and sketched (or, where the worker failed, not yet) articles waiting for the next commit.
        self._window: list[tuple[Pending, Article | None, Sketch | None]] = []
        self._window_opened = 0.0
        self._worker: WorkerEnricher | None = None
        self.settings = settings
        self.identity = self._identity()

    def run(self, paths: Iterable[Path], *, remove_missing: bool = True) -> RunStats:
        """Index every file below `paths`; drop articles of files gone from named folders."""
        paths = list(paths)
        record_sources(self.index_dir, paths)  # what the web app's "Open original" may serve
        folders = [p for p in paths if p.is_dir()] if remove_missing else []
        return self.index_files(self._files(paths), missing_under=folders)

    def index_files(self, files: Mapping[Path, int], *, missing_under: Sequence[Path] = ()) -> RunStats:
        """Index these files (resolved path -> size, as a scan found them); drop files gone from `missing_under`.

        A caller that has already listed the files (the watcher's scan) passes them here, so they are
        not walked and stat'ed a second time.
        """
        self.stats.files = len(files)
        self.progress.start(len(files), sum(files.values()))
        if self.settings.workers and sum(files.values()) >= WORKER_FROM_BYTES:
            self._worker = WorkerEnricher(
                self.settings.spacy_model, self.settings.topics_file, processes=self.settings.workers
            )
        try:
            with index_errors(self.index_dir, writing=False, lock_wait=WRITER_WAIT):
                migrate(self.ix, self.index_dir, self.settings.bands_file)  # ids of an index made before stable ids
                self.identity = self._identity()  # the sources recorded now: where each id starts
                for path, size in files.items():
                    if self.progress.stop():
                        self.stats.stopped = True
                        break
                    result = read_file(path, max_bytes=self.max_bytes)
                    self._take(result)
                    self.progress.file_done(path, size, len(result.articles))
                    self._flush(everything=False)
                self._flush()
                self.identity.flush()  # stories found at a new place (a moved folder)
                if missing_under and not self.stats.stopped:
                    self._remove_missing(missing_under)
        finally:
            if self._worker is not None:
                self._worker.close()
                self._worker = None
        return self.stats

    def _identity(self) -> Identity:
        return Identity(self.ix, self.index_dir, hash_of=lambda a: stored_hash(a, self.enrichment_version))

    def _files(self, paths: list[Path]) -> dict[Path, int]:
        """Every file to read, resolved, with its size; what the walk could not take gets its line now."""
        files: dict[Path, int] = {}
        found = Found()
        for path in iter_files(paths, found):
            try:
                files.setdefault(path.resolve(strict=True), path.stat().st_size)
            except (OSError, RuntimeError) as exc:  # gone since the walk; RuntimeError: a loop of links
                detail = getattr(exc, "strerror", None) or "no such file"
                self._error(UnreadableFile(detail, subject=str(path)))
        self._unlisted = found.unlisted
        named_missing = {str(p): p for p in paths if not p.exists() and not p.is_symlink()}
        for problem in found.problems:
            if problem.subject in named_missing and (count := self._indexed_under(named_missing[problem.subject])):
                detail = f"no such folder: the {count} file(s) indexed from it are kept (a drive not mounted?)"
                problem = UnreadableFile(detail, subject=problem.subject)
            self._error(problem)
        self.stats.not_read.update(found.not_read)
        return files

    def note(self, error: ArchiveError) -> None:
        """Count and report a problem found outside the run's own walk (the watcher's scan)."""
        self._error(error)

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
        file = stored_name(result.path)
        known = stored_hashes(snapshot(self.ix).searcher, file)
        seen = set()
        for article in self.identity.settle(result, file, known):
            content_hash = stored_hash(article, self.enrichment_version)
            seen.add(article.id)
            if known.get(article.id) == content_hash:
                self.stats.unchanged += 1
            else:
                self._pending.append(Pending(article, content_hash, file, article.id in known))
        # A file that was only partly read (a truncated WARC, a bad JSONL line) keeps its other articles:
        # only a clean read can say that an article has left the file.
        gone = set(known) - seen if not result.errors else set()
        if gone:
            with ArchiveWriter(self.ix, self.index_dir, timeout=WRITER_WAIT) as writer:
                for article_id in gone:
                    writer.delete_by_term("id", article_id)
            self.stats.removed += len(gone)
            self._pending += self._promote_copies(gone)
            self._flush()  # now, so copies of what left are not orphaned by a run stopped before the next batch

    def _flush(self, *, everything: bool = True) -> None:
        """Hand full batches to enrichment and write the enriched ones in order; with `everything`,
        the last partial batch too, and commit all that waits.

        With worker processes, they enrich up to AHEAD_ARTICLES ahead while the batches before are written.
        """
        ahead = max(self._worker.processes, AHEAD_ARTICLES // BATCH_ARTICLES) if self._worker is not None else 0
        while True:
            while len(self._pending) >= BATCH_ARTICLES or (everything and self._pending):
                batch, self._pending = self._pending[:BATCH_ARTICLES], self._pending[BATCH_ARTICLES:]
                self._in_flight.append((batch, self._enrich_later(batch)))
                while len(self._in_flight) > ahead:
                    self._write_next()
            if not everything:
                return
            if self._in_flight:
                self._write_next()
            elif self._window:
                self._commit_window()
            elif not self._pending:
                return

    def _enrich_later(self, batch: list[Pending]) -> Future[Enriched]:
        articles = [p.article for p in batch]
        if self._worker is not None:
            return self._worker.submit(articles)
        done: Future[Enriched] = Future()
        try:
            done.set_result((self._enrich_here(articles), []))  # sketched when written
        except Exception as exc:  # isolated when the batch is written
            done.set_exception(exc)
        return done

    def _enrich_here(self, articles: list[Article]) -> list[Article]:
        if self._enricher is None:
            self._enricher = self.enricher_factory()
        return self._enricher.enrich(articles)

    def _write_next(self) -> None:
        """Move the oldest enriched batch into the commit window; commit the window when it is full or old."""
        batch, enriching = self._in_flight.popleft()
        enriched: Sequence[Article | None]
        sketched: Sequence[Sketch | None]
        try:
            enriched, sketched = enriching.result()
        except Exception:  # the worker could not enrich this batch: it is done here, article by article if need be
            enriched, sketched = [None] * len(batch), []
        if not self._window:
            self._window_opened = time.monotonic()
        self._window += zip(batch, enriched, sketched or [None] * len(batch), strict=True)
        full = len(self._window) >= self.settings.commit_articles
        if full or time.monotonic() - self._window_opened >= COMMIT_SECONDS:
            self._commit_window()

    def _commit_window(self) -> None:
        window, self._window = self._window, []
        written = self._write_isolating(window)
        # The copies of articles this window changed come in a later one.
        self._pending += self._promote_copies({p.article.id for p in written if p.is_update})

    def _write_isolating(self, window: list[tuple[Pending, Article | None, Sketch | None]]) -> list[Pending]:
        """Write a window; the ones written. An unexpected error in enriching or writing it (one article a
        bug trips over) does not lose the others: the window is halved and each half tried again, down to
        the article that fails, which is reported as a failure of its own. The index's own trouble (disk
        full, a damaged index, another writer) stops the run instead: no article would fare better."""
        pending = [p for p, _, _ in window]
        try:
            with index_errors(self.index_dir, lock_wait=WRITER_WAIT):
                self._write(pending, self._enriched(window), [sketch for _, _, sketch in window])
            return pending
        except ArchiveError:
            raise
        except Exception as exc:
            if len(window) == 1:
                detail = f"could not be enriched or written: {describe(exc)}"
                self._error(UnreadableFile(detail, subject=pending[0].article.source))
                return []
            half = len(window) // 2
            return self._write_isolating(window[:half]) + self._write_isolating(window[half:])

    def _enriched(self, window: list[tuple[Pending, Article | None, Sketch | None]]) -> list[Article]:
        """The window's articles enriched: those the worker could not do are enriched here, together."""
        missing = [p.article for p, article, _ in window if article is None]
        done = iter(self._enrich_here(missing) if missing else [])
        return [article if article is not None else next(done) for _, article, _ in window]

    def _write(self, pending: list[Pending], enriched: list[Article], sketched: list[Sketch | None]) -> None:
        """Group and write one batch, counting what it added and updated; exact copies keep only their own
        metadata (their enrichment is their original's)."""
        placements = assign_stories(snapshot(self.ix).searcher, self.bands, [p.article for p in pending], sketched)
        documents = []
        for p, article, where in zip(pending, enriched, placements, strict=True):
            if where.copy_of:
                document = copy_document(p.article, p.content_hash, p.file, copy_of=where.copy_of, group=where.group)
            else:
                document = article_document(article, p.content_hash, p.file, group=where.group, exact=where.exact)
            documents.append(document)
        self.bands.add((p.article.id, where.bands, where.day) for p, where in zip(pending, placements, strict=True))
        with ArchiveWriter(self.ix, self.index_dir, timeout=WRITER_WAIT) as writer:
            write_documents(writer, documents)
        for p in pending:
            if p.counted:
                self.stats.updated += p.is_update
                self.stats.indexed += not p.is_update

    def _promote_copies(self, originals: set[str]) -> list[Pending]:
        """The copies of articles that left or changed, read again from their files to be indexed in full.

        Copies whose files no longer hold them leave the index here: the next run over those files
        indexes what is there now.
        """
        if not originals:
            return []
        copies = [(cid, file) for cid, file in copies_of(snapshot(self.ix).searcher, originals) if cid not in originals]
        wanted: dict[str, set[str]] = defaultdict(set)
        for copy_id, file in copies:
            wanted[file].add(copy_id)
        promoted: list[Pending] = []
        lost: set[str] = set()
        for file, ids in wanted.items():
            path = path_of(file)
            articles = read_file(path, max_bytes=self.max_bytes).articles if path.exists() else []
            found = self.identity.among(articles, ids)
            promoted += [
                Pending(article, stored_hash(article, self.enrichment_version), file, True, counted=False)
                for article in found
            ]
            lost |= ids - {a.id for a in found}
        if lost:  # their files changed or went since: the next run over them indexes what is there now
            with ArchiveWriter(self.ix, self.index_dir, timeout=WRITER_WAIT) as writer:
                for copy_id in lost:
                    writer.delete_by_term("id", copy_id)
        return promoted

    def _remove_missing(self, folders: list[Path]) -> None:
        """Articles whose file was under a named folder and no longer exists leave the index.

        Only a file the system says is not there (no such file, or its folder became a file) counts as
        gone. One that cannot be looked at (permissions taken away, an I/O error) is kept, with a line
        for its folder, and so is every file below a folder the walk could not list.
        """
        if not folders:
            return
        prefixes = tuple(stored_name(folder.resolve()) + os.sep for folder in folders)
        unlisted = tuple(stored_name(resolved(folder)) + os.sep for folder in self._unlisted)
        files = self._indexed_files()
        gone: list[str] = []
        unsure: Counter[tuple[str, str]] = Counter()
        for file in sorted(f for f in files if f.startswith(prefixes) and not f.startswith(unlisted)):
            try:
                os.stat(path_of(file))
            except (FileNotFoundError, NotADirectoryError):
                gone.append(file)
            except OSError as exc:
                unsure[(str(path_of(file).parent), exc.strerror or describe(exc))] += 1
        for (folder, why), count in sorted(unsure.items()):
            detail = f"cannot tell whether {count} indexed file(s) here still exist ({why}): their articles are kept"
            self._error(UnreadableFile(detail, subject=folder))
        self.remove_files(gone)

    def _indexed_under(self, folder: Path) -> int:
        """How many files the index holds from below this folder."""
        prefix = stored_name(folder.absolute()) + os.sep
        return sum(1 for file in self._indexed_files() if file.startswith(prefix))

    def _indexed_files(self) -> set[str]:
        """Every file the index holds articles from, as stored."""
        with self.ix.searcher() as searcher:
            return {f.decode() if isinstance(f, bytes) else f for f in searcher.lexicon("file")}

    def remove_folder(self, folder: Path) -> int:
        """Drop every article read from below a folder (a source taken out of the archive); returns how many."""
        prefix = stored_name(folder) + os.sep
        return self.remove_files(sorted(f for f in self._indexed_files() if f.startswith(prefix)))

    def remove_files(self, files: Iterable[str]) -> int:
        """Drop every article read from these files (absolute paths, as stored); returns how many."""
        files = list(files)
        if not files:
            return 0
        with self.ix.searcher() as searcher:
            ids = {article_id for file in files for article_id in stored_hashes(searcher, file)}
        removed = 0
        with ArchiveWriter(self.ix, self.index_dir, timeout=WRITER_WAIT) as writer:
            for file in files:
                removed += writer.delete_by_query(Term("file", file))
        self.stats.removed += removed
        self._pending += self._promote_copies(ids)
        self._flush()
        return removed
