"""The archive's own pages: the home page that says what it holds, and /sources, where folders are added,
watched, rescanned, paused and removed, with the indexer's progress live.

The web process only records what the user asks (archive.store.sources); the indexer process
(`archive app`, `archive watch`) does it and writes back progress. Every POST here passes the CSRF
and origin checks of archive/web/security.py like any other form.
"""

from __future__ import annotations

import os
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, abort, current_app, g, jsonify, redirect, render_template, request, url_for

from archive.errors import BadParameter, IndexMissing
from archive.search import overview
from archive.store.sources import Source, Sources, check_folder
from archive.store.sources import archive_name as name_of_archive
from archive.web.index_access import get_index

bp = Blueprint("sources", __name__)
MAX_NAME_CHARS = 80
BUSY_STATES = ("waiting", "indexing")


def sources() -> Sources:
    return Sources(Path(current_app.config["INDEX_DIR"]))


def archive_name() -> str:
    """The archive's name (archive.store.sources.archive_name), read once per request."""
    if "archive_name" not in g:
        g.archive_name = name_of_archive(Path(current_app.config["INDEX_DIR"]), current_app.config.get("ARCHIVE_NAME"))
    return g.archive_name


def folder_example() -> str:
    """A path as this system writes one, for the placeholder and the help."""
    if os.name == "nt":
        return r"C:\Users\you\Documents\News"
    return "/Users/you/Documents/News" if sys.platform == "darwin" else "/home/you/news"


@bp.get("/")
def home() -> Any:
    """What the archive holds: stories, dates, where they come from, when it was last indexed."""
    try:
        summary = overview(get_index(), Path(current_app.config["INDEX_DIR"]))
    except IndexMissing:
        summary = None
    listed = sources().all()
    return render_template("home.html", summary=summary, sources=listed, progress=sources().progress())


def _page(message: str | None = None, typed: str = "", status: int = 200) -> Any:
    listed = sources().all()
    progress = sources().progress()
    problems = {s.id: sources().problems(s.id) for s in listed if s.problems}
    busy = progress.active or any(s.state in BUSY_STATES or s.rescan or s.removing for s in listed)
    return (
        render_template(
            "sources.html",
            sources=listed,
            problems=problems,
            progress=progress,
            busy=busy and progress.running,
            message=message,
            typed=typed,
            example=folder_example(),
            index_dir=Path(current_app.config["INDEX_DIR"]).resolve(),
        ),
        status,
    )


@bp.get("/sources")
def sources_page() -> Any:
    return _page()


@bp.post("/sources")
def add_source() -> Any:
    """Add the folder typed in; a path that is not a readable folder (or is one already) is shown again, with why."""
    typed = (request.form.get("path") or "")[:4096]
    try:
        sources().add(check_folder(typed, Path(current_app.config["INDEX_DIR"])))
    except BadParameter as exc:
        return _page(exc.message, typed, exc.status)
    return redirect(url_for("sources.sources_page"), code=303)


def _source(source_id: int) -> Source:
    found = sources().get(source_id)
    if found is None:
        abort(404, f"No source number {source_id} (removed already?).")
    return found


@bp.post("/sources/<int:source_id>/rescan")
def rescan_source(source_id: int) -> Any:
    sources().request_rescan(_source(source_id).id)
    return redirect(url_for("sources.sources_page"), code=303)


@bp.post("/sources/<int:source_id>/pause")
def pause_source(source_id: int) -> Any:
    sources().pause(_source(source_id).id, request.form.get("paused", "1") == "1")
    return redirect(url_for("sources.sources_page"), code=303)


@bp.post("/sources/<int:source_id>/remove")
def remove_source(source_id: int) -> Any:
    sources().request_removal(_source(source_id).id)
    return redirect(url_for("sources.sources_page"), code=303)


@bp.post("/name")
def rename() -> Any:
    """Name the archive (kept in its folder, so it goes wherever the folder goes)."""
    name = " ".join((request.form.get("name") or "").split())[:MAX_NAME_CHARS]
    if not name:
        return _page(BadParameter("give the archive a name", subject="name").message, status=400)
    sources().set_setting("name", name)
    return redirect(url_for("sources.sources_page"), code=303)


@bp.get("/sources/progress")
def progress_fragment() -> Any:
    """The progress box alone, for the page's script to swap in (the page without script refreshes itself)."""
    return render_template("_progress.html", progress=sources().progress(), sources=sources().all())


@bp.get("/api/sources")
def api_sources() -> Any:
    """Every source with its counts and state, and the indexer's progress."""
    rows = [
        {
            "id": s.id,
            "path": s.shown,
            "state": "removing" if s.removing else s.state,
            "paused": s.paused,
            "files": s.files,
            "articles": s.articles,
            "problems": s.problems,
            "last_scan": datetime.fromtimestamp(s.last_scan).astimezone().isoformat() if s.last_scan else None,
        }
        for s in sources().all()
    ]
    return jsonify({"sources": rows, "progress": sources().progress().to_dict()})


@bp.post("/quit")
def quit_app() -> Any:
    """Stop `archive app` from its page (there is no such button under `archive serve`)."""
    stop = current_app.config.get("SHUTDOWN")
    if not callable(stop):
        abort(404, "This server is not stopped from its pages.")
    threading.Timer(0.5, stop).start()  # after this answer has gone out
    return render_template("stopped.html")


def when(timestamp: float | datetime | None) -> str:
    """A time as the reader's clock shows it: `23:52` today, else `1 Dec 2026, 23:52`."""
    if timestamp is None:
        return "never"
    moment = timestamp if isinstance(timestamp, datetime) else datetime.fromtimestamp(timestamp).astimezone()
    moment = moment.astimezone()
    if moment.date() == datetime.now().astimezone().date():
        return moment.strftime("%H:%M:%S")
    return f"{moment.day} {moment.strftime('%b %Y, %H:%M')}"


def duration(seconds: float | None) -> str:
    """`about 40 s`, `about 3 min`, `about 2 h 5 min`."""
    if seconds is None:
        return "working it out"
    seconds = max(0, round(seconds))
    if seconds < 90:
        return f"about {seconds} s"
    if seconds < 5400:
        return f"about {round(seconds / 60)} min"
    return f"about {seconds // 3600} h {round(seconds % 3600 / 60)} min"


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(when=when, duration=duration, can_quit=lambda: callable(app.config.get("SHUTDOWN")))
    app.context_processor(lambda: {"archive_name": archive_name()})
