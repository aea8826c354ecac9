"""The SQLite files beside the index (`sources.sqlite`, `annotations.sqlite`): one way to open them.

A connection per call and one immediate transaction, on SQLite's rollback journal with a busy timeout,
so the web app's threads and the indexer's process take turns, and the database file alone holds every
commit (a WAL side file would keep them outside it, so a copied folder could miss them).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

BUSY_MS = 10_000


@contextlib.contextmanager
def transaction(path: Path, prepare: Callable[[sqlite3.Connection], None]) -> Iterator[sqlite3.Connection]:
    """A connection to `path` inside one transaction, committed when the block ends and rolled back if it
    raises; `prepare` brings the schema up to date first (in a transaction of its own where it needs one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        prepare(db)
        db.row_factory = sqlite3.Row
        db.execute("BEGIN IMMEDIATE")
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()
