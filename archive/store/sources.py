"""The folders and files an index was made from (`sources.json` in the index folder): what may be served.

`archive index` and `archive watch` add the paths they are given, resolved. The web app's "Open original"
serves an article's file only when that file, with every link in its path resolved, is one of these
files or lies below one of these folders; nothing a request names is ever opened.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from archive.names import path_of, resolved, stored_name

SOURCES_FILE = "sources.json"


def record_sources(index_dir: Path, paths: Iterable[Path]) -> None:
    """Add `paths` (folders or files) to the index's sources; written whole, so a reader never sees half."""
    known = [stored_name(p) for p in recorded_sources(index_dir)]
    added = [stored_name(resolved(p)) for p in paths if p.exists()]
    merged = list(dict.fromkeys([*known, *added]))
    if merged == known:
        return
    index_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=index_dir, prefix=".sources-", delete=False, encoding="utf-8") as out:
        json.dump({"sources": merged}, out, ensure_ascii=False, indent=1)
    os.replace(out.name, index_dir / SOURCES_FILE)


def recorded_sources(index_dir: Path) -> list[Path]:
    """The folders and files indexed into `index_dir` ([] when none were recorded, or the record is unreadable)."""
    try:
        data = json.loads((index_dir / SOURCES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    names = data.get("sources") if isinstance(data, dict) else None
    return [path_of(name) for name in names if isinstance(name, str)] if isinstance(names, list) else []


def original_file(index_dir: Path, file: str) -> Path | None:
    """The file an article was read from (its stored `file`), resolved, when it is a regular file inside a
    recorded source; None otherwise (gone, not a file, or outside every source, e.g. through a link)."""
    try:
        path = path_of(file).resolve(strict=True)
        if not stat.S_ISREG(path.stat().st_mode):
            return None
    except (OSError, RuntimeError):
        return None
    for source in recorded_sources(index_dir):
        try:
            root = source.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if path == root or root in path.parents:
            return path
    return None
