"""Keep an index in step with folders: poll for new, changed and removed files, index only those.

Polling (path -> size and modification time) works the same on local disks, network
shares and bind mounts, where change notifications often go missing; a scan of a
folder of tens of thousands of files takes a fraction of a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.errors import ArchiveError, UnreadableFile
from archive.ingest.indexer import Indexer, RunStats
from archive.ingest.readers.formats import Found, iter_files
from archive.names import resolved, stored_name
from archive.store.damage import describe

Snapshot = dict[Path, tuple[int, int]]


def scan(folders: Iterable[Path], found: Found | None = None) -> Snapshot:
    """Every supported file below the folders, with its size and modification time; what could not be
    listed goes to `found`."""
    snapshot: Snapshot = {}
    for path in iter_files(folders, found):
        try:
            stat = path.stat()
        except OSError:
            continue  # removed between listing and stat: the next scan says so
        snapshot[path.resolve()] = (stat.st_size, stat.st_mtime_ns)
    return snapshot


@dataclass(frozen=True)
class Changes:
    """What differs between two scans."""

    changed: list[Path]  # new or modified
    removed: list[Path]

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed)


def diff(before: Snapshot, after: Snapshot) -> Changes:
    """Files that appeared or changed, and files that went away."""
    changed = sorted(p for p, sig in after.items() if before.get(p) != sig)
    removed = sorted(p for p in before if p not in after)
    return Changes(changed, removed)


def _under(path: Path, folders: Iterable[Path]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


@dataclass(frozen=True)
class Pass:
    """One pass that indexed something: what changed, the run's tally, whether every file was read again
    (the first pass, a rescan), and every problem seen now (the scan's and the indexer's)."""

    changes: Changes
    stats: RunStats
    full: bool
    problems: list[ArchiveError]


class FolderWatch:
    """The state of watching some folders between passes: the last scan, and the problems already told."""

    def __init__(self, folders: list[Path], *, keep_missing: bool = False) -> None:
        self.folders = folders
        self.keep_missing = keep_missing
        self.snapshot: Snapshot = {}
        self.told: set[str] = set()
        self.full = True  # the next pass reads every file (unchanged articles are skipped by their hash)

    def rescan(self) -> None:
        """Read every file again at the next pass, not only those whose size or time changed."""
        self.full = True

    def step(
        self, make_indexer: Callable[[], Indexer], problem: Callable[[ArchiveError], None] = lambda error: None
    ) -> Pass | None:
        """Scan once and index what changed (everything on a full pass); None when nothing did.

        Nothing a file or the index does escapes: each problem is told once (`problem`) until it changes,
        and a pass that failed or was stopped is tried again at the next step. A folder that cannot be
        listed (a drive unplugged, permissions taken away) keeps its files: they are not taken for removed.
        """
        found = Found()
        current = scan(self.folders, found)
        unlisted = [resolved(folder) for folder in found.unlisted]
        current.update({p: sig for p, sig in self.snapshot.items() if _under(p, unlisted)})
        full = self.full
        changes = Changes(sorted(current), []) if full else diff(self.snapshot, current)
        now: list[ArchiveError] = list(found.problems)
        done: Pass | None = None
        if full or changes:
            try:
                indexer = make_indexer()
                if full:
                    sizes = {path: size for path, (size, _) in current.items()}
                    listed = [f for f in self.folders if resolved(f) not in unlisted]  # a missing one keeps its files
                    stats = indexer.index_files(sizes, missing_under=[] if self.keep_missing else listed)
                else:
                    stats = indexer.index_files({path: current[path][0] for path in changes.changed})
                    if not self.keep_missing and not stats.stopped:
                        indexer.remove_files(stored_name(p) for p in changes.removed)
            except ArchiveError as exc:
                now.append(exc)
            except Exception as exc:  # a bug must not end the watch: say so, try again at the next scan
                now.append(UnreadableFile(f"this pass failed: {describe(exc)}", subject="watch"))
            else:
                if not stats.stopped:
                    self.snapshot, self.full = current, False
                done = Pass(changes, stats, full, [*now, *stats.errors])
        for error in now:
            if error.message not in self.told:
                problem(error)
        self.told = {error.message for error in now}  # a problem that went away is told again if it returns
        return done


def watch(
    folders: list[Path],
    make_indexer: Callable[[], Indexer],
    *,
    interval: float,
    report: Callable[[Changes, RunStats], None],
    should_stop: Callable[[], bool] = lambda: False,
    keep_missing: bool = False,
    problem: Callable[[ArchiveError], None] = lambda error: None,
) -> None:
    """Index the folders once, then every `interval` seconds index what changed, until stopped."""
    folder_watch = FolderWatch(folders, keep_missing=keep_missing)
    while True:
        done = folder_watch.step(make_indexer, problem)
        if done is not None:
            report(done.changes, done.stats)
        if should_stop():
            return
        time.sleep(interval)
