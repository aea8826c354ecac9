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
    """Index the folders once, then every `interval` seconds index what changed, until stopped.

    Each scan's file list and sizes go to the indexer as they are: the folders are walked once per scan.
    Nothing a file or the index does stops the watch: each problem is told once (`problem`) until it
    changes, and a pass that failed is tried again at the next scan. A folder that cannot be listed (a
    drive unplugged, permissions taken away) keeps its files: they are not taken for removed.
    """
    snapshot: Snapshot = {}
    told: set[str] = set()
    first = True
    while True:
        found = Found()
        current = scan(folders, found)
        unlisted = [resolved(folder) for folder in found.unlisted]
        current.update({p: sig for p, sig in snapshot.items() if _under(p, unlisted)})
        changes = Changes(sorted(current), []) if first else diff(snapshot, current)
        now: list[ArchiveError] = list(found.problems)
        if first or changes:
            try:
                indexer = make_indexer()
                if first:
                    sizes = {path: size for path, (size, _) in current.items()}
                    stats = indexer.index_files(sizes, missing_under=[] if keep_missing else folders)
                else:
                    stats = indexer.index_files({path: current[path][0] for path in changes.changed})
                    if not keep_missing:
                        indexer.remove_files(stored_name(p) for p in changes.removed)
            except ArchiveError as exc:
                now.append(exc)
            except Exception as exc:  # a bug must not end the watch: say so, try again at the next scan
                now.append(UnreadableFile(f"this pass failed: {describe(exc)}", subject="watch"))
            else:
                snapshot, first = current, False
                report(changes, stats)
        for error in now:
            if error.message not in told:
                problem(error)
        told = {error.message for error in now}  # a problem that went away is told again if it returns
        if should_stop():
            return
        time.sleep(interval)
