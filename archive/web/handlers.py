"""App-wide error answers: JSON under /api/, a plain page elsewhere, and never a bare 500.

An unexpected exception is logged with its traceback. When it came from reading the index (Whoosh,
the store, its columns), the answer says the index looks damaged and names its folder.
"""

from __future__ import annotations

import sqlite3
import traceback
from pathlib import Path
from typing import Any

import whoosh
from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

import archive.store
from archive.errors import ArchiveError, IndexDamaged

_INDEX_CODE = tuple(
    str(Path(module.__file__).resolve().parent)  # type: ignore[arg-type]
    for module in (whoosh, archive.store)
)
_DETAIL_CHARS = 300


def error_response(status: int, message: str) -> Any:
    """JSON (`{"error": {"status", "message"}}`) under /api/, the error page elsewhere."""
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": status, "message": message}}), status
    return render_template("error.html", status=status, message=message), status


def from_index(exc: BaseException) -> bool:
    """Whether an exception (or one it was raised from) came out of reading the index."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.DatabaseError):
            return True
        for frame, _ in traceback.walk_tb(current.__traceback__):
            if str(Path(frame.f_code.co_filename).resolve()).startswith(_INDEX_CODE):
                return True
        current = current.__cause__ or current.__context__
    return False


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        return error_response(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(ArchiveError)
    def archive_error(exc: ArchiveError) -> Any:
        """A bad parameter, a full disk, a damaged index: the message, not a stack trace (that goes to the log
        when the server is at fault)."""
        if exc.status >= 500:
            current_app.logger.error("%s %s failed: %s", request.method, request.full_path, exc.message, exc_info=exc)
        return error_response(exc.status, exc.message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        current_app.logger.error("%s %s failed", request.method, request.full_path, exc_info=exc)
        if from_index(exc):
            detail = f"{type(exc).__name__}: {exc}"[:_DETAIL_CHARS]
            problem = IndexDamaged(detail, subject=str(current_app.config["INDEX_DIR"]))
            return error_response(problem.status, problem.message)
        return error_response(500, "the server failed to answer this request; the details are in its log")
