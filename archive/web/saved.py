"""Saved searches: a small JSON file beside the index, so they live with the archive they search."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.errors import SavedSearchesFull, StorageFull, WriteFailed

MAX_SAVED = 200  # past this, saving is refused with a message: a saved search is never dropped to make room
MAX_NAME_CHARS = 120
log = logging.getLogger(__name__)
_LOCK = threading.Lock()  # one writer at a time within the process; the file is replaced atomically


def now() -> str:
    """Naive UTC to the microsecond, like the index's `indexed` field: a story indexed a moment before is not new."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def load(path: Path) -> list[dict[str, Any]]:
    """Every saved search, oldest first; none when the file does not exist yet."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    for entry in entries:
        entry["params"] = [tuple(pair) for pair in entry["params"]]  # JSON has lists; query strings want pairs
    return entries


def _write(path: Path, entries: list[dict[str, Any]]) -> None:
    """Write a temporary file and move it over the old one; on any failure the old file stays and no
    temporary file is left behind, and the error says what happened (a full disk is a 507)."""
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        problem = StorageFull if exc.errno in (errno.ENOSPC, errno.EDQUOT) else WriteFailed
        raise problem(exc.strerror or str(exc), subject=str(path)) from exc


def add(path: Path, name: str, params: list[tuple[str, str]]) -> dict[str, Any]:
    """Save a search under a name; it counts as opened now, so only later articles are new."""
    entry = {"id": secrets.token_hex(4), "name": name, "params": params, "created": now(), "last_opened": now()}
    with _LOCK:
        entries = load(path)
        if len(entries) >= MAX_SAVED:
            raise SavedSearchesFull(f"at most {MAX_SAVED}")
        _write(path, [*entries, entry])
    return entry


def touch(path: Path, entry_id: str) -> dict[str, Any] | None:
    """Mark a saved search opened now and return it (None if there is no such search)."""
    with _LOCK:
        entries = load(path)
        found = next((e for e in entries if e["id"] == entry_id), None)
        if found:
            found["last_opened"] = now()
            try:
                _write(path, entries)
            except (StorageFull, WriteFailed) as exc:  # the search still opens; only its "new" count stays
                log.warning("saved search %s opened but not marked opened: %s", entry_id, exc.message)
    return found


def get(path: Path, entry_id: str) -> dict[str, Any] | None:
    """One saved search, or None (reading it marks nothing opened: a feed reader polls it)."""
    return next((e for e in load(path) if e["id"] == entry_id), None)


def rename(path: Path, entry_id: str, name: str) -> dict[str, Any] | None:
    """Give a saved search a new name; None when there is no such search."""
    with _LOCK:
        entries = load(path)
        found = next((e for e in entries if e["id"] == entry_id), None)
        if found:
            found["name"] = name
            _write(path, entries)
    return found


def remove(path: Path, entry_id: str) -> bool:
    """Delete a saved search; False when it was not there."""
    with _LOCK:
        entries = load(path)
        kept = [e for e in entries if e["id"] != entry_id]
        if len(kept) != len(entries):
            _write(path, kept)
    return len(kept) != len(entries)
