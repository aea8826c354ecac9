"""The folders an archive keeps indexed, what became of their files, and how far indexing has got;
and every folder or file `archive index` or `archive watch` was given: what "Open original" may serve.

They live in `sources.sqlite` in the index folder, so the index folder is the whole archive (copy it
and the copy knows its sources). The web app adds, pauses, rescans and removes sources; the indexer
process (`archive app`, `archive watch` without folders) reads them at every pass and writes back
counts, per-file problems and live progress. Both sides open a connection per call: SQLite's rollback
journal with a busy timeout lets several processes take turns (a WAL side file would hold commits
outside the database file, so a copied folder could miss them).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from whoosh.query import Prefix

from archive.config import DEFAULT_NAME
from archive.errors import ArchiveError, BadParameter, IndexMissing
from archive.names import path_of, printable, resolved, stored_name
from archive.store.sqlite import transaction

FILE_NAME = SOURCES_FILE = "sources.sqlite"
ALIVE_SECONDS = 15.0  # an indexer that has not written its heartbeat for this long is not running
MAX_PROBLEMS_SHOWN = 200

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,           -- resolved, as the index stores file names (archive.names)
    added REAL NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    rescan INTEGER NOT NULL DEFAULT 0,   -- asked for: read every file again at the next pass
    removing INTEGER NOT NULL DEFAULT 0, -- asked for: its articles leave the index, then the source
    last_scan REAL,
    files INTEGER,
    articles INTEGER,
    state TEXT NOT NULL DEFAULT 'waiting'  -- waiting, indexing, watching, paused, missing
);
CREATE TABLE IF NOT EXISTS problems (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    file TEXT NOT NULL,
    reason TEXT NOT NULL,
    skipped INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS problems_by_source ON problems(source_id, file);
CREATE TABLE IF NOT EXISTS progress (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    source_id INTEGER,
    files_done INTEGER NOT NULL DEFAULT 0,
    files_total INTEGER NOT NULL DEFAULT 0,
    bytes_done INTEGER NOT NULL DEFAULT 0,
    bytes_total INTEGER NOT NULL DEFAULT 0,
    articles INTEGER NOT NULL DEFAULT 0,
    started REAL,
    finished REAL,
    heartbeat REAL
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS indexed (path TEXT PRIMARY KEY);  -- folders and files given to index or watch
"""


@dataclass(frozen=True)
class Source:
    """One watched folder as the page shows it."""

    id: int
    path: str
    added: float
    paused: bool
    rescan: bool
    removing: bool
    last_scan: float | None
    files: int | None
    articles: int | None
    state: str
    problems: int = 0

    @property
    def folder(self) -> Path:
        return Path(self.path)

    @property
    def shown(self) -> str:
        return printable(self.path)


@dataclass(frozen=True)
class Problem:
    file: str
    reason: str
    skipped: bool


@dataclass(frozen=True)
class Progress:
    """The indexer's current (or last) pass: files and articles so far, rate and time left."""

    source_id: int | None
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    articles: int
    started: float | None
    finished: float | None
    heartbeat: float | None

    @property
    def running(self) -> bool:
        """Whether an indexer process is alive (its heartbeat is recent)."""
        return self.heartbeat is not None and time.time() - self.heartbeat < ALIVE_SECONDS

    @property
    def active(self) -> bool:
        """Whether a pass is under way."""
        return self.running and self.started is not None and self.finished is None

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return max((self.finished or time.time()) - self.started, 1e-6)

    @property
    def rate(self) -> float:
        """Articles read per second in this pass."""
        return self.articles / self.elapsed if self.started else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left, from the bytes read so far; None until there is something to go by."""
        if not self.active or not self.bytes_done or self.bytes_total <= self.bytes_done:
            return None if self.active else 0.0
        return self.elapsed * (self.bytes_total - self.bytes_done) / self.bytes_done

    @property
    def percent(self) -> int:
        if not self.bytes_total:
            return 100 if self.finished else 0
        return min(100, round(100 * self.bytes_done / self.bytes_total))

    def to_dict(self) -> dict[str, Any]:
        eta = self.eta
        return {
            "running": self.running,
            "active": self.active,
            "source": self.source_id,
            "files_done": self.files_done,
            "files_total": self.files_total,
            "articles": self.articles,
            "percent": self.percent,
            "rate": round(self.rate, 1),
            "eta_seconds": None if eta is None else round(eta),
            "started": self.started,
            "finished": self.finished,
        }


class AlreadyASource(BadParameter):
    """that folder is already in the archive"""


class Sources:
    """The sources file of one index folder; every call opens its own connection (threads, processes)."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self.path = self.index_dir / FILE_NAME

    def _db(self, *, create: bool = True) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        if not self.path.exists() and not create:
            raise IndexMissing(subject=str(self.index_dir))
        return transaction(self.path, lambda db: db.executescript(SCHEMA))

    # --- what the web page does -----------------------------------------------------------------

    def add(self, folder: Path) -> Source:
        """Add a folder (already validated by `check_folder`); one already there, or overlapping one, is refused."""
        path = stored_name(folder)
        with self._db() as db:
            for row in db.execute("SELECT path FROM sources WHERE removing = 0"):
                other = row["path"]
                if path == other:
                    raise AlreadyASource(subject=printable(path))
                if path.startswith(other.rstrip("/\\") + os.sep):
                    raise AlreadyASource(f"it is inside {printable(other)}, which is watched", subject=printable(path))
                if other.startswith(path.rstrip("/\\") + os.sep):
                    raise AlreadyASource(
                        f"it holds {printable(other)}, already a source; remove that one first", subject=printable(path)
                    )
            db.execute("DELETE FROM sources WHERE path = ? AND removing = 1", (path,))
            cursor = db.execute("INSERT INTO sources (path, added) VALUES (?, ?)", (path, time.time()))
            source_id = cursor.lastrowid
        found = self.get(int(source_id or 0))
        assert found is not None
        return found

    def get(self, source_id: int) -> Source | None:
        return next((s for s in self.all() if s.id == source_id), None)

    def all(self) -> list[Source]:
        """Every source, in the order added, with its number of problems."""
        if not self.path.exists():
            return []
        with self._db() as db:
            rows = db.execute(
                "SELECT s.*, (SELECT COUNT(*) FROM problems p WHERE p.source_id = s.id) AS problems "
                "FROM sources s ORDER BY s.id"
            ).fetchall()
        return [
            Source(
                id=r["id"],
                path=r["path"],
                added=r["added"],
                paused=bool(r["paused"]),
                rescan=bool(r["rescan"]),
                removing=bool(r["removing"]),
                last_scan=r["last_scan"],
                files=r["files"],
                articles=r["articles"],
                state=r["state"],
                problems=r["problems"],
            )
            for r in rows
        ]

    def problems(self, source_id: int, limit: int = MAX_PROBLEMS_SHOWN) -> list[Problem]:
        if not self.path.exists():
            return []
        with self._db() as db:
            rows = db.execute(
                "SELECT file, reason, skipped FROM problems WHERE source_id = ? ORDER BY skipped, file LIMIT ?",
                (source_id, limit),
            ).fetchall()
        return [Problem(r["file"], r["reason"], bool(r["skipped"])) for r in rows]

    def _set(self, source_id: int, **values: Any) -> bool:
        columns = ", ".join(f"{name} = ?" for name in values)
        with self._db() as db:
            cursor = db.execute(f"UPDATE sources SET {columns} WHERE id = ?", (*values.values(), source_id))
            return cursor.rowcount > 0

    def pause(self, source_id: int, paused: bool) -> bool:
        return self._set(source_id, paused=int(paused))

    def request_rescan(self, source_id: int) -> bool:
        return self._set(source_id, rescan=1)

    def request_removal(self, source_id: int) -> bool:
        return self._set(source_id, removing=1)

    def setting(self, key: str) -> str | None:
        """One of the archive's own settings (its `name`; the `url` the open app serves on)."""
        if not self.path.exists():
            return None
        with self._db() as db:
            row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_setting(self, key: str, value: str | None) -> None:
        with self._db() as db:
            if value is None:
                db.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    def progress(self) -> Progress:
        row = None
        if self.path.exists():
            with self._db() as db:
                row = db.execute("SELECT * FROM progress WHERE id = 1").fetchone()
        if row is None:
            return Progress(None, 0, 0, 0, 0, 0, None, None, None)
        return Progress(*(row[k] for k in Progress.__dataclass_fields__))

    # --- what the indexer process does -----------------------------------------------------------

    def heartbeat(self) -> None:
        with self._db() as db:
            db.execute("INSERT OR IGNORE INTO progress (id) VALUES (1)")
            db.execute("UPDATE progress SET heartbeat = ? WHERE id = 1", (time.time(),))

    def stopped(self) -> None:
        """The indexer is going: the page says so at once rather than after ALIVE_SECONDS."""
        with self._db() as db:
            db.execute("UPDATE progress SET heartbeat = NULL, finished = COALESCE(finished, ?)", (time.time(),))

    def start_pass(self, source_id: int, files: int, total_bytes: int) -> None:
        with self._db() as db:
            db.execute("INSERT OR IGNORE INTO progress (id) VALUES (1)")
            db.execute(
                "UPDATE progress SET source_id = ?, files_done = 0, files_total = ?, bytes_done = 0, bytes_total = ?, "
                "articles = 0, started = ?, finished = NULL, heartbeat = ? WHERE id = 1",
                (source_id, files, total_bytes, time.time(), time.time()),
            )
            db.execute("UPDATE sources SET state = 'indexing' WHERE id = ?", (source_id,))

    def advance(self, files_done: int, bytes_done: int, articles: int) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE progress SET files_done = ?, bytes_done = ?, articles = ?, heartbeat = ? WHERE id = 1",
                (files_done, bytes_done, articles, time.time()),
            )

    def end_pass(self) -> None:
        with self._db() as db:
            db.execute("UPDATE progress SET finished = ? WHERE id = 1 AND finished IS NULL", (time.time(),))

    def scanned(
        self,
        source_id: int,
        *,
        state: str,
        files: int | None = None,
        articles: int | None = None,
        rescanned: bool = False,
    ) -> None:
        """Record a pass over a source: its state, and its counts when they are known."""
        with self._db() as db:
            db.execute(
                "UPDATE sources SET state = ?, last_scan = ?, files = COALESCE(?, files), "
                "articles = COALESCE(?, articles), rescan = CASE WHEN ? THEN 0 ELSE rescan END WHERE id = ?",
                (state, time.time(), files, articles, int(rescanned), source_id),
            )

    def set_state(self, source_id: int, state: str) -> None:
        self._set(source_id, state=state)

    def replace_problems(self, source_id: int, files: Iterable[str] | None, problems: Iterable[Problem]) -> None:
        """Forget the problems of these files (all of the source's with None), then record the new ones."""
        with self._db() as db:
            if files is None:
                db.execute("DELETE FROM problems WHERE source_id = ?", (source_id,))
            else:
                for file in files:
                    db.execute(
                        "DELETE FROM problems WHERE source_id = ? AND (file = ? OR substr(file, 1, ?) = ?)",
                        (source_id, file, len(file) + 1, file + "#"),
                    )
            db.executemany(
                "INSERT INTO problems (source_id, file, reason, skipped) VALUES (?, ?, ?, ?)",
                [(source_id, p.file, p.reason, int(p.skipped)) for p in problems],
            )

    def record(self, paths: Iterable[Path]) -> None:
        """Remember folders and files given to `archive index` or `archive watch` (resolved, as stored)."""
        names = [stored_name(resolved(p)) for p in paths if p.exists()]
        if names:
            with self._db() as db:
                db.executemany("INSERT OR IGNORE INTO indexed (path) VALUES (?)", [(n,) for n in names])

    def roots(self) -> list[Path]:
        """Every folder or file the archive was made from: the watched sources and what was indexed by hand."""
        with self._db() as db:
            rows = db.execute("SELECT path FROM indexed UNION SELECT path FROM sources").fetchall()
        return [path_of(row[0]) for row in rows]

    def forget(self, source_id: int) -> None:
        """A removed source, once its articles have left the index."""
        with self._db() as db:
            db.execute("DELETE FROM sources WHERE id = ?", (source_id,))


def record_sources(index_dir: Path, paths: Iterable[Path]) -> None:
    """Remember what `archive index` or `archive watch` was given (what "Open original" may serve)."""
    Sources(index_dir).record(paths)


def original_file(index_dir: Path, file: str) -> tuple[Path, BinaryIO] | None:
    """The file an article was read from (its stored `file`), resolved and opened, when it is a regular
    file inside a source of this archive; None otherwise (gone, not a file, or outside every source,
    e.g. through a link). Nothing a request names is ever opened: `file` is what the index stored. The
    file opened must be the one checked (same device and inode, the last name not a link), so a file
    swapped for a link between the check and the opening is refused too."""
    try:
        path = path_of(file).resolve(strict=True)
        checked = path.stat()
        if not stat.S_ISREG(checked.st_mode):
            return None
        roots = Sources(index_dir).roots() if (Path(index_dir) / FILE_NAME).exists() else []
    except (OSError, RuntimeError, sqlite3.Error):
        return None
    for root in roots:
        try:
            root = root.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if path == root or root in path.parents:
            return _open_checked(path, checked)
    return None


def _open_checked(path: Path, checked: os.stat_result) -> tuple[Path, BinaryIO] | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    opened = os.fstat(fd)
    if (opened.st_dev, opened.st_ino) != (checked.st_dev, checked.st_ino) or not stat.S_ISREG(opened.st_mode):
        os.close(fd)
        return None
    return path, os.fdopen(fd, "rb")


def archive_name(index_dir: Path, configured: str | None = None) -> str:
    """The archive's name: `configured` (ARCHIVE_NAME), else the one saved in its folder (`archive app --name`,
    the Sources page), else the folder's own name unless it is the default `index`, else "News archive"."""
    try:
        saved = Sources(index_dir).setting("name")
    except (ArchiveError, sqlite3.Error, OSError):  # a damaged sources file must not take every page down
        saved = None
    folder = Path(index_dir).resolve().name
    return configured or saved or (folder if folder not in ("", "index") else DEFAULT_NAME)


def check_folder(text: str, index_dir: Path) -> Path:
    """A folder typed into the page, as the absolute path to watch; BadParameter saying what is wrong."""
    text = (text or "").strip().strip('"').strip("'")
    if not text:
        raise BadParameter(r"type the full path of a folder, such as /home/me/news or C:\Users\me\news", subject="path")
    if "\x00" in text:
        raise BadParameter("a path cannot hold a NUL character", subject="path")
    folder = Path(os.path.expandvars(text)).expanduser()
    if not folder.is_absolute():
        raise BadParameter(
            f"{text!r} is not a full path; give it from the top, such as {Path.home() / 'news'}", subject="path"
        )
    try:
        folder = folder.resolve(strict=True)
    except (OSError, RuntimeError):
        raise BadParameter(f"no such folder: {printable(text)}", subject="path") from None
    if not folder.is_dir():
        raise BadParameter(f"{printable(str(folder))} is a file, not a folder; give the one it is in", subject="path")
    try:
        next(iter(os.scandir(folder)), None)
    except OSError as exc:
        raise BadParameter(
            f"cannot look into {printable(str(folder))}: {exc.strerror or exc}; check its permissions", subject="path"
        ) from None
    index = Path(index_dir).resolve()
    if folder == index or folder.is_relative_to(index) or index.is_relative_to(folder):
        raise BadParameter(
            f"{printable(str(folder))} holds the archive's own index ({printable(str(index))}); "
            "keep your articles in a folder apart",
            subject="path",
        )
    return folder


def articles_under(searcher: Any, folder: str) -> int:
    """How many articles (copies too) the index holds from files below a folder (stored names)."""
    prefix = folder.rstrip("/\\") + os.sep
    return sum(1 for _ in searcher.docs_for_query(Prefix("file", prefix)))
