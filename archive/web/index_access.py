"""The app's handle on the index: opened on first use, so the app starts before any indexing."""

from __future__ import annotations

from flask import current_app
from whoosh.index import Index

from archive.store import open_index


def get_index() -> Index:
    """The index for this app; searches read it through per-thread snapshots that follow new commits."""
    ix = current_app.extensions.get("archive_index")
    if ix is None:
        ix = open_index(current_app.config["INDEX_DIR"])
        current_app.extensions["archive_index"] = ix
    return ix
