"""What readers add to stories: tags, a star, notes and collections ("case files"), and old ids' redirects.

They live in `annotations.sqlite` in the index folder, keyed by the article's stable id
(archive.ingest.identity), never in the Whoosh index: tagging is one row, seen by the next search, and
re-indexing, merging segments or `archive rebuild` cannot lose it. The schema grows by numbered
migrations (`MIGRATIONS`, applied in order, the number kept in `schema_version`), so an archive made
by an older version is brought up to date when it is opened. As in `sources.sqlite`, every call opens
its own connection on a rollback journal with a busy timeout, so the web app's threads and the
indexer's process take turns, and the database file alone holds everything (a copied folder is whole).
"""

from __future__ import annotations

import calendar
import contextlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from archive.config import annotations_path
from archive.errors import BadParameter, NotFound
from archive.store.sqlite import transaction

MAX_TAG_CHARS = 80
MAX_TAGS = 100  # per story
MAX_NOTE_CHARS = 20_000
MAX_NOTES = 500  # per story
MAX_NAME_CHARS = 120
MAX_COLLECTIONS = 1_000
STARRED = "starred"  # the one value of the star facet

# Each entry takes the schema from the version before it to its own number; never edit one, add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
    CREATE TABLE tags (
        article_id TEXT NOT NULL,
        tag TEXT NOT NULL COLLATE NOCASE,
        added REAL NOT NULL,
        PRIMARY KEY (article_id, tag)
    );
    CREATE INDEX tags_by_tag ON tags(tag);
    CREATE TABLE stars (article_id TEXT PRIMARY KEY, starred REAL NOT NULL);
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL,
        text TEXT NOT NULL,
        created REAL NOT NULL,
        edited REAL
    );
    CREATE INDEX notes_by_article ON notes(article_id);
    CREATE TABLE collections (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created REAL NOT NULL
    );
    CREATE TABLE members (
        collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL,
        added REAL NOT NULL,
        PRIMARY KEY (collection_id, article_id)
    );
    CREATE INDEX members_by_article ON members(article_id);
    CREATE TABLE redirects (old TEXT PRIMARY KEY, new TEXT NOT NULL);  -- ids an article had before
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
)


def iso(when: float | None) -> str | None:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when)) if when is not None else None


def _text(value: Any, subject: str, limit: int) -> str:
    """One line of free text, spaces collapsed; empty or too long is a bad parameter naming `subject`."""
    text = " ".join(str(value or "").split())
    if not text:
        raise BadParameter("must not be empty", subject=subject)
    if len(text) > limit:
        raise BadParameter(f"at most {limit} characters", subject=subject)
    return text


def clean_note(value: Any) -> str:
    """A note as plain text: line breaks kept, other control characters and trailing spaces dropped."""
    text = "\n".join(
        "".join(ch for ch in line if ch == "\t" or ch >= " ").rstrip()
        for line in str(value or "").replace("\r\n", "\n").split("\n")
    ).strip()
    if not text:
        raise BadParameter("must not be empty", subject="text")
    if len(text) > MAX_NOTE_CHARS:
        raise BadParameter(f"at most {MAX_NOTE_CHARS} characters", subject="text")
    return text


class Annotations:
    """The annotations file of one index folder; every call opens its own connection (threads, processes)."""

    def __init__(self, index_dir: Path) -> None:
        self.path = annotations_path(index_dir)

    def _db(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path, _migrate)

    # --- one story ------------------------------------------------------------------------------

    def of(self, article_id: str) -> dict[str, Any]:
        """Everything kept on one story: `{tags, starred, notes: [{id, text, created, edited}], collections}`."""
        return self.of_many([article_id])[article_id]

    def of_many(self, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """`of` for several stories in one connection (a page of hits, an export)."""
        ids = list(dict.fromkeys(article_ids))
        out = {i: {"tags": [], "starred": False, "notes": [], "collections": []} for i in ids}
        if not self.path.exists():
            return out
        with self._db() as db:
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                for row in db.execute(f"SELECT article_id, tag FROM tags WHERE article_id IN ({marks}) "
                                      "ORDER BY added, tag", chunk):  # fmt: skip
                    out[row[0]]["tags"].append(row[1])
                for row in db.execute(f"SELECT article_id FROM stars WHERE article_id IN ({marks})", chunk):
                    out[row[0]]["starred"] = True
                for row in db.execute(f"SELECT * FROM notes WHERE article_id IN ({marks}) ORDER BY created, id", chunk):
                    out[row["article_id"]]["notes"].append(_note(row))
                for row in db.execute(
                    f"SELECT m.article_id, c.id, c.name FROM members m JOIN collections c ON c.id = m.collection_id "
                    f"WHERE m.article_id IN ({marks}) ORDER BY c.name", chunk,
                ):  # fmt: skip
                    out[row[0]]["collections"].append({"id": row[1], "name": row[2]})
        return out

    def annotated(self) -> dict[str, dict[str, Any]]:
        """`of` for every story that has any annotation (an export reads them once, not per row)."""
        if not self.path.exists():
            return {}
        with self._db() as db:
            ids = [row[0] for row in db.execute(
                "SELECT article_id FROM tags UNION SELECT article_id FROM stars UNION SELECT article_id FROM notes "
                "UNION SELECT article_id FROM members"
            )]  # fmt: skip
        return self.of_many(ids)

    def add_tag(self, article_id: str, tag: Any) -> str:
        """Tag a story (a tag already there, in any case, stays as first written); returns the tag as kept."""
        tag = _text(tag, "tag", MAX_TAG_CHARS)
        with self._db() as db:
            if db.execute("SELECT COUNT(*) FROM tags WHERE article_id = ?", (article_id,)).fetchone()[0] >= MAX_TAGS:
                raise BadParameter(f"a story has at most {MAX_TAGS} tags", subject="tag")
            known = db.execute("SELECT tag FROM tags WHERE tag = ? LIMIT 1", (tag,)).fetchone()
            tag = known[0] if known else tag  # one spelling per tag across the archive: the first one
            db.execute("INSERT OR IGNORE INTO tags VALUES (?, ?, ?)", (article_id, tag, time.time()))
        return tag

    def remove_tag(self, article_id: str, tag: str) -> bool:
        with self._db() as db:
            return db.execute("DELETE FROM tags WHERE article_id = ? AND tag = ?", (article_id, tag)).rowcount > 0

    def tags(self, prefix: str = "", limit: int = 20) -> list[dict[str, Any]]:
        """Tags in use, most used first, those starting with `prefix` (any case): what the tag box suggests."""
        if not self.path.exists():
            return []
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._db() as db:
            rows = db.execute(
                "SELECT tag, COUNT(*) AS n FROM tags WHERE tag LIKE ? ESCAPE '\\' GROUP BY tag ORDER BY n DESC, tag "
                "LIMIT ?", (like, limit),
            ).fetchall()  # fmt: skip
        return [{"tag": row[0], "count": row[1]} for row in rows]

    def set_star(self, article_id: str, starred: bool) -> None:
        with self._db() as db:
            if starred:
                db.execute("INSERT OR IGNORE INTO stars VALUES (?, ?)", (article_id, time.time()))
            else:
                db.execute("DELETE FROM stars WHERE article_id = ?", (article_id,))

    def add_note(self, article_id: str, text: Any) -> dict[str, Any]:
        text = clean_note(text)
        with self._db() as db:
            if db.execute("SELECT COUNT(*) FROM notes WHERE article_id = ?", (article_id,)).fetchone()[0] >= MAX_NOTES:
                raise BadParameter(f"a story has at most {MAX_NOTES} notes", subject="text")
            cursor = db.execute("INSERT INTO notes (article_id, text, created) VALUES (?, ?, ?)",
                                (article_id, text, time.time()))  # fmt: skip
            return _note(db.execute("SELECT * FROM notes WHERE id = ?", (cursor.lastrowid,)).fetchone())

    def edit_note(self, article_id: str, note_id: int, text: Any) -> dict[str, Any]:
        text = clean_note(text)
        with self._db() as db:
            changed = db.execute("UPDATE notes SET text = ?, edited = ? WHERE id = ? AND article_id = ?",
                                 (text, time.time(), note_id, article_id)).rowcount  # fmt: skip
            if not changed:
                raise NotFound(subject=f"note {note_id}")
            return _note(db.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone())

    def delete_note(self, article_id: str, note_id: int) -> bool:
        with self._db() as db:
            return db.execute("DELETE FROM notes WHERE id = ? AND article_id = ?", (note_id, article_id)).rowcount > 0

    # --- collections ----------------------------------------------------------------------------

    def collections(self) -> list[dict[str, Any]]:
        """Every collection with how many stories it holds, by name."""
        if not self.path.exists():
            return []
        with self._db() as db:
            rows = db.execute(
                "SELECT c.id, c.name, c.created, COUNT(m.article_id) AS n FROM collections c "
                "LEFT JOIN members m ON m.collection_id = c.id GROUP BY c.id ORDER BY c.name"
            ).fetchall()
        return [{"id": r[0], "name": r[1], "created": iso(r[2]), "stories": r[3]} for r in rows]

    def collection(self, collection_id: int) -> dict[str, Any]:
        """One collection and its stories' ids, latest added first; NotFound when there is none."""
        if not self.path.exists():
            raise NotFound(subject=f"collection {collection_id}")
        with self._db() as db:
            row = db.execute("SELECT id, name, created FROM collections WHERE id = ?", (collection_id,)).fetchone()
            if row is None:
                raise NotFound(subject=f"collection {collection_id}")
            ids = [r[0] for r in db.execute(
                "SELECT article_id FROM members WHERE collection_id = ? ORDER BY added DESC, article_id",
                (collection_id,),
            )]  # fmt: skip
        return {"id": row[0], "name": row[1], "created": iso(row[2]), "ids": ids}

    def create_collection(self, name: Any) -> dict[str, Any]:
        """A new collection, or the one already of that name (names ignore case)."""
        name = _text(name, "name", MAX_NAME_CHARS)
        with self._db() as db:
            found = db.execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()
            if found:
                return {"id": found[0], "name": name, "created": False}
            if db.execute("SELECT COUNT(*) FROM collections").fetchone()[0] >= MAX_COLLECTIONS:
                raise BadParameter(f"the archive keeps at most {MAX_COLLECTIONS} collections", subject="name")
            cursor = db.execute("INSERT INTO collections (name, created) VALUES (?, ?)", (name, time.time()))
            return {"id": cursor.lastrowid, "name": name, "created": True}

    def rename_collection(self, collection_id: int, name: Any) -> None:
        name = _text(name, "name", MAX_NAME_CHARS)
        with self._db() as db:
            other = "SELECT id FROM collections WHERE name = ? AND id != ?"
            if db.execute(other, (name, collection_id)).fetchone():
                raise BadParameter("another collection has that name", subject="name")
            if not db.execute("UPDATE collections SET name = ? WHERE id = ?", (name, collection_id)).rowcount:
                raise NotFound(subject=f"collection {collection_id}")

    def delete_collection(self, collection_id: int) -> bool:
        """Delete a collection (its stories and their other annotations stay)."""
        with self._db() as db:
            return db.execute("DELETE FROM collections WHERE id = ?", (collection_id,)).rowcount > 0

    def add_to(self, collection_id: int, article_id: str) -> None:
        with self._db() as db:
            if db.execute("SELECT 1 FROM collections WHERE id = ?", (collection_id,)).fetchone() is None:
                raise NotFound(subject=f"collection {collection_id}")
            db.execute("INSERT OR IGNORE INTO members VALUES (?, ?, ?)", (collection_id, article_id, time.time()))

    def remove_from(self, collection_id: int, article_id: str) -> bool:
        with self._db() as db:
            return db.execute("DELETE FROM members WHERE collection_id = ? AND article_id = ?",
                              (collection_id, article_id)).rowcount > 0  # fmt: skip

    # --- what search reads ----------------------------------------------------------------------

    def facet_values(self) -> dict[str, dict[str, list[str]]]:
        """Per annotation facet (`tag`, `star`, `collection`), value -> the ids of the stories that have it."""
        out: dict[str, dict[str, list[str]]] = {"tag": {}, "star": {}, "collection": {}}
        if not self.path.exists():
            return out
        with self._db() as db:
            for tag, article_id in db.execute("SELECT tag, article_id FROM tags"):
                out["tag"].setdefault(tag, []).append(article_id)
            stars = [row[0] for row in db.execute("SELECT article_id FROM stars")]
            if stars:
                out["star"][STARRED] = stars
            for name, article_id in db.execute(
                "SELECT c.name, m.article_id FROM members m JOIN collections c ON c.id = m.collection_id"
            ):
                out["collection"].setdefault(name, []).append(article_id)
        return out

    def changed(self) -> tuple[int, int]:
        """A stamp that changes with every write, so readers can cache what they built from it: the file's inode
        and SQLite's file change counter (header bytes 24-27, counted by every committed write on a rollback
        journal), read without opening a connection."""
        try:
            with self.path.open("rb") as file:
                header = file.read(28)
                inode = os.fstat(file.fileno()).st_ino
        except OSError:
            return (0, 0)
        return (inode, int.from_bytes(header[24:28], "big"))

    # --- ids ------------------------------------------------------------------------------------

    def redirect(self, old_id: str) -> str | None:
        """The id an article has now, for an id it had before (links kept in notes, mails, bookmarks)."""
        if not self.path.exists():
            return None
        with self._db() as db:
            row = db.execute("SELECT new FROM redirects WHERE old = ?", (old_id,)).fetchone()
        return row[0] if row else None

    def rename(self, renamed: Mapping[str, str]) -> None:
        """Articles got new ids (old -> new): their annotations follow, and each old id redirects to the new one.

        Where the new id already has annotations of its own, both are kept (tags and collections merged).
        """
        pairs = [(old, new) for old, new in renamed.items() if old != new]
        if not pairs:
            return
        with self._db() as db:
            for table in ("tags", "stars", "members"):
                db.executemany(f"UPDATE OR IGNORE {table} SET article_id = ? WHERE article_id = ?",
                               [(new, old) for old, new in pairs])  # fmt: skip
                db.executemany(f"DELETE FROM {table} WHERE article_id = ?", [(old,) for old, _ in pairs])
            db.executemany("UPDATE notes SET article_id = ? WHERE article_id = ?", [(new, old) for old, new in pairs])
            db.executemany("UPDATE redirects SET new = ? WHERE new = ?", [(new, old) for old, new in pairs])
            db.executemany("INSERT OR REPLACE INTO redirects VALUES (?, ?)", pairs)
            db.executemany("DELETE FROM redirects WHERE old = ?", [(new,) for _, new in pairs])  # live again

    def redirect_to(self, renamed: Mapping[str, str]) -> None:
        """Old ids that answer with the new ones (an imported export's), without moving anything."""
        with self._db() as db:
            db.executemany("INSERT OR REPLACE INTO redirects VALUES (?, ?)", list(renamed.items()))

    def setting(self, key: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # --- export and import ----------------------------------------------------------------------

    def restore(self, article_id: str, kept: Mapping[str, Any]) -> None:
        """Add what an export carried for a story (`of`'s shape) to what it has here; nothing is dropped."""
        tags = [t for t in kept.get("tags") or [] if isinstance(t, str) and t.strip()]
        notes = [n for n in kept.get("notes") or [] if isinstance(n, dict) and str(n.get("text") or "").strip()]
        names = [c.get("name") if isinstance(c, dict) else c for c in kept.get("collections") or []]
        with self._db() as db:
            now = time.time()
            for tag in tags:
                tag = _text(tag, "tag", MAX_TAG_CHARS)
                db.execute("INSERT OR IGNORE INTO tags VALUES (?, ?, ?)", (article_id, tag, now))
            if kept.get("starred"):
                db.execute("INSERT OR IGNORE INTO stars VALUES (?, ?)", (article_id, now))
            for note in notes:
                text = clean_note(note["text"])
                same = "SELECT 1 FROM notes WHERE article_id = ? AND text = ?"
                if not db.execute(same, (article_id, text)).fetchone():
                    created = _seconds(note.get("created")) or now
                    db.execute("INSERT INTO notes (article_id, text, created, edited) VALUES (?, ?, ?, ?)",
                               (article_id, text, created, _seconds(note.get("edited"))))  # fmt: skip
            for name in names:
                if not isinstance(name, str) or not name.strip():
                    continue
                name = _text(name, "name", MAX_NAME_CHARS)
                db.execute("INSERT OR IGNORE INTO collections (name, created) VALUES (?, ?)", (name, now))
                (collection_id,) = db.execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()
                db.execute("INSERT OR IGNORE INTO members VALUES (?, ?, ?)", (collection_id, article_id, now))


def _migrate(db: sqlite3.Connection) -> None:
    """Bring the schema up to the newest migration, in one transaction (two processes may both try)."""
    version = _version(db)
    if version >= len(MIGRATIONS):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        version = _version(db)  # another process may have migrated meanwhile
        for script in MIGRATIONS[version:]:
            for statement in filter(str.strip, script.split(";")):
                db.execute(statement)
        db.execute("DELETE FROM schema_version")
        db.execute("INSERT INTO schema_version VALUES (?)", (len(MIGRATIONS),))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _version(db: sqlite3.Connection) -> int:
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").fetchone():
        return 0
    row = db.execute("SELECT version FROM schema_version").fetchone()
    return row[0] if row else 0


def _note(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "text": row["text"], "created": iso(row["created"]), "edited": iso(row["edited"])}


def _seconds(text: Any) -> float | None:
    if not isinstance(text, str):
        return None
    try:
        return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None


def _chunks(ids: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
