"""Saved searches: a small JSON file beside the index, so they live with the archive they search."""

from __future__ import annotations

import json
import os
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MAX_SAVED = 200
MAX_NAME_CHARS = 120
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
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def add(path: Path, name: str, params: list[tuple[str, str]]) -> dict[str, Any]:
    """Save a search under a name; it counts as opened now, so only later articles are new."""
    entry = {"id": secrets.token_hex(4), "name": name, "params": params, "created": now(), "last_opened": now()}
    with _LOCK:
        entries = load(path)
        _write(path, [*entries[-(MAX_SAVED - 1) :], entry])
    return entry


def touch(path: Path, entry_id: str) -> dict[str, Any] | None:
    """Mark a saved search opened now and return it (None if there is no such search)."""
    with _LOCK:
        entries = load(path)
        found = next((e for e in entries if e["id"] == entry_id), None)
        if found:
            found["last_opened"] = now()
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
