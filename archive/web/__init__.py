"""The Flask app: search pages and the JSON API over one index (no spaCy in this process)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from archive.config import Settings


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """App factory: settings from the environment (`ARCHIVE_*`), overridden by `test_config`.

    `ARCHIVE_ALLOWED_HOSTS` (config `ALLOWED_HOSTS`): the host names the server answers to, comma-separated
    (default localhost, 127.0.0.1, ::1; `*` for any). `ARCHIVE_SECRET_KEY` (config `SECRET_KEY`): signs the
    session cookie that carries the CSRF token; without it each process makes its own, so a form opened
    before a restart must be reloaded, and several worker processes need one set.
    """
    app = Flask(__name__)  # templates/ and static/ beside this module, inside the package (so in a wheel too)
    settings = Settings.from_env()
    app.config.from_mapping(
        INDEX_DIR=settings.index_dir,
        JSON_SORT_KEYS=False,
        ALLOWED_HOSTS=os.environ.get("ARCHIVE_ALLOWED_HOSTS") or None,
        SECRET_KEY=os.environ.get("ARCHIVE_SECRET_KEY") or secrets.token_hex(32),
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="archive_session",
        ARCHIVE_NAME=os.environ.get("ARCHIVE_NAME") or None,
    )
    if test_config:
        app.config.update(test_config)
    app.config["INDEX_DIR"] = Path(app.config["INDEX_DIR"])
    # Saved searches live with the index they search, unless a test or a deployment puts them elsewhere.
    index_settings = Settings.from_env(index_dir=app.config["INDEX_DIR"])
    saved_searches = app.config.get("SAVED_SEARCHES") or index_settings.saved_searches_file
    app.config["SAVED_SEARCHES"] = Path(saved_searches)
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from archive.web import api, handlers, notes, pages, security, sources

    security.init_app(app, app.config["ALLOWED_HOSTS"])
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    sources.register(app)
    notes.register(app)
    pages.register_template_helpers(app)
    handlers.register_error_handlers(app)
    return app
