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

from archive.ingest.indexer import Indexer, RunStats
from archive.ingest.readers.formats import iter_files

Snapshot = dict[Path, tuple[int, int]]


def scan(folders: Iterable[Path]) -> Snapshot:
    """Every supported file below the folders, with its size and modification time."""
    snapshot: Snapshot = {}
    for path in iter_files(folders):
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


def watch(
    folders: list[Path],
    make_indexer: Callable[[], Indexer],
    *,
    interval: float,
    report: Callable[[Changes, RunStats], None],
    should_stop: Callable[[], bool] = lambda: False,
    keep_missing: bool = False,
) -> None:
    """Index the folders once, then every `interval` seconds index what changed, until stopped.

    Each scan's file list and sizes go to the indexer as they are: the folders are walked once per scan.
    """
    snapshot = scan(folders)
    indexer = make_indexer()
    sizes = {path: size for path, (size, _) in snapshot.items()}
    report(Changes(sorted(snapshot), []), indexer.index_files(sizes, missing_under=[] if keep_missing else folders))
    while not should_stop():
        time.sleep(interval)
        current = scan(folders)
        changes = diff(snapshot, current)
        if not changes:
            continue
        indexer = make_indexer()
        stats = indexer.index_files({path: current[path][0] for path in changes.changed})
        if not keep_missing:
            indexer.remove_files(str(p) for p in changes.removed)
        snapshot = current
        report(changes, stats)
