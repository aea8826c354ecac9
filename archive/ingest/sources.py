"""Keep every source of an archive indexed: the indexer side of `archive app` (and of `archive watch` without
folders), in a process of its own so that the web process never loads spaCy.

At each pass it reads the sources the web page manages (archive.store.sources), takes out the ones
asked to go, skips the paused ones, and hands each of the others to a `FolderWatch`; it writes back
live progress, counts and per-file problems. A heartbeat thread tells the page it is alive.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from archive.config import Settings
from archive.errors import ArchiveError
from archive.ingest.enrich.pipeline import ENRICHMENT_VERSION, Enricher
from archive.ingest.indexer import Indexer, Progress
from archive.ingest.watch import FolderWatch, Pass
from archive.names import stored_name
from archive.store import open_index, snapshot
from archive.store.damage import describe
from archive.store.sources import Problem, Source, Sources, articles_under

HEARTBEAT_SECONDS = 2.0
PROGRESS_SECONDS = 0.25  # the page's numbers are written at most this often (and at the end of a pass)


def shared_enricher(settings: Settings) -> Callable[[], Enricher]:
    """An enricher loaded on first use (spaCy takes seconds), then kept for every later pass."""
    loaded: list[Enricher] = []

    def get() -> Enricher:
        if not loaded:
            loaded.append(Enricher(settings.spacy_model, settings.topics_file))
        return loaded[0]

    return get


def problems_of(errors: list[ArchiveError], folder: Path) -> list[Problem]:
    """The problems a pass met, one per file (the folder's own when a file is not named)."""
    seen: dict[tuple[str, str], Problem] = {}
    for error in errors:
        file = stored_name(error.subject) if error.subject and error.subject != "watch" else stored_name(folder)
        seen.setdefault((file, error.reason), Problem(file, error.reason, error.skipped))
    return list(seen.values())


class SourceIndexer:
    """Every source of one index, kept indexed until `should_stop` says otherwise."""

    def __init__(self, settings: Settings, *, say: Callable[[str], None], should_stop: Callable[[], bool]) -> None:
        self.settings = settings
        self.sources = Sources(settings.index_dir)
        self.say = say
        self.should_stop = should_stop
        self.enricher = shared_enricher(settings)
        self.watches: dict[int, FolderWatch] = {}

    def run(self, interval: float) -> None:
        """Pass over the sources every `interval` seconds until stopped; the page is told when it stops."""
        beating = threading.Event()
        beat = threading.Thread(target=self._beat, args=(beating,), name="heartbeat", daemon=True)
        self.sources.heartbeat()
        beat.start()
        try:
            while not self.should_stop():
                self.run_once()
                deadline = time.monotonic() + interval
                while time.monotonic() < deadline and not self.should_stop():
                    time.sleep(min(0.1, interval))
        finally:
            beating.set()
            beat.join(timeout=5)
            self.sources.stopped()

    def _beat(self, stopping: threading.Event) -> None:
        while not stopping.wait(HEARTBEAT_SECONDS):
            try:
                self.sources.heartbeat()
            except Exception as exc:  # a busy or vanished database: the next beat tries again
                self.say(f"heartbeat: {describe(exc)}")

    def run_once(self) -> None:
        """One pass over every source."""
        for source in self.sources.all():
            if self.should_stop():
                return
            try:
                self._one(source)
            except ArchiveError as exc:
                self.say(exc.message)
            except Exception as exc:  # a bug must not end the indexer: say so, try again at the next pass
                self.say(f"{source.shown}: this pass failed: {describe(exc)}")

    def _one(self, source: Source) -> None:
        if source.removing:
            removed = self._indexer(source).remove_folder(source.folder)
            self.sources.forget(source.id)
            self.watches.pop(source.id, None)
            self.say(f"{time.strftime('%H:%M:%S')} {source.shown}: removed, {removed} articles out of the archive")
            return
        if source.paused:
            if source.state != "paused":
                self.sources.set_state(source.id, "paused")
            return
        if not source.folder.is_dir():
            if source.state != "missing":
                self.sources.scanned(source.id, state="missing")
                detail = "the folder is not there (a drive not plugged in?): its articles are kept"
                self.sources.replace_problems(source.id, None, [Problem(source.path, detail, False)])
                self.say(f"{source.shown}: {detail}")
            return
        watch = self.watches.setdefault(source.id, FolderWatch([source.folder]))
        if source.rescan or source.state == "missing":
            watch.rescan()
        done = watch.step(lambda: self._indexer(source), lambda error: self.say(error.message))
        if done is None:
            self.sources.scanned(source.id, state="watching", rescanned=source.rescan)
            return
        self._record(source, watch, done)

    def _record(self, source: Source, watch: FolderWatch, done: Pass) -> None:
        self.sources.end_pass()
        files = None if done.full else [stored_name(p) for p in (*done.changes.changed, *done.changes.removed)]
        self.sources.replace_problems(source.id, files, problems_of(done.problems, source.folder))
        articles = articles_under(snapshot(open_index(self.settings.index_dir)).searcher, source.path)
        state = "indexing" if done.stats.stopped else "watching"
        self.sources.scanned(
            source.id, state=state, files=len(watch.snapshot), articles=articles, rescanned=done.full and source.rescan
        )
        stats = done.stats
        if stats.indexed or stats.updated or stats.removed or stats.failed or stats.skipped:  # quiet when all unchanged
            self.say(f"{time.strftime('%H:%M:%S')} {source.shown}: {stats.summary()}")

    def _indexer(self, source: Source) -> Indexer:
        """An indexer whose progress goes to the page, a few times a second."""
        tally = {"files": 0, "bytes": 0, "articles": 0, "total": 0, "written": 0.0}

        def start(files: int, total_bytes: int) -> None:
            tally.update(files=0, bytes=0, articles=0, total=files, written=time.monotonic())
            self.sources.start_pass(source.id, files, total_bytes)

        def file_done(path: Path, size: int, articles: int) -> None:
            tally["files"] += 1
            tally["bytes"] += size
            tally["articles"] += articles
            last = tally["files"] == tally["total"]
            if last or time.monotonic() - tally["written"] >= PROGRESS_SECONDS:
                tally["written"] = time.monotonic()
                self.sources.advance(int(tally["files"]), int(tally["bytes"]), int(tally["articles"]))

        return Indexer(
            self.settings,
            enricher_factory=self.enricher,
            enrichment_version=ENRICHMENT_VERSION,
            progress=Progress(start=start, file_done=file_done, stop=self.should_stop),
        )
