"""The app's handle on the index: opened on first use, so the app starts before any indexing."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from whoosh.index import Index

from archive.errors import IndexDamaged, IndexMissing
from archive.store import open_index

# What a Whoosh index leaves in its folder besides the table of contents (`_MAIN_<generation>.toc`).
SEGMENT_FILES = ("MAIN_*.trm", "MAIN_*.pst", "MAIN_*.seg", "MAIN_*.col")


def get_index() -> Index:
    """The index for this app; searches read it through per-thread snapshots that follow new commits.

    A folder with segment files but no table of contents, or one Whoosh cannot open, is a damaged
    index (IndexDamaged, naming the folder), not a missing one.
    """
    ix = current_app.extensions.get("archive_index")
    if ix is None:
        index_dir = Path(current_app.config["INDEX_DIR"])
        try:
            ix = open_index(index_dir)
        except IndexMissing:
            if any(next(index_dir.glob(pattern), None) for pattern in SEGMENT_FILES):
                raise IndexDamaged(
                    "segment files but no _MAIN_*.toc table of contents", subject=str(index_dir)
                ) from None
            raise
        except Exception as exc:
            raise IndexDamaged(f"{type(exc).__name__}: {exc}"[:300], subject=str(index_dir)) from exc
        current_app.extensions["archive_index"] = ix
    return ix
