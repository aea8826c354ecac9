"""Tags, stars, notes and collections: the article page's forms, the collection pages, and their JSON API.

One change function (`apply_change`) serves the forms and the API, so both accept and refuse the same
things. Every write is a POST or DELETE, so it passes the app's CSRF check (archive/web/security.py):
forms carry the hidden token, API clients send the `X-CSRF-Token` header with the token `GET /api/csrf`
gives. The pages work without JavaScript (tags are suggested by a `<datalist>`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, redirect, render_template, request, url_for

from archive.errors import BadParameter, IndexMissing, NotFound
from archive.search import get_article
from archive.search.export import articles_by_id, csv_lines, rows_by_id
from archive.store.annotations import Annotations
from archive.web.index_access import get_index
from archive.web.pages import article_link
from archive.web.security import csrf_token

bp = Blueprint("notes", __name__)
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


def annotations() -> Annotations:
    return Annotations(current_app.config["INDEX_DIR"])


def _article_or_404(article_id: str) -> dict[str, Any]:
    try:
        article = get_article(get_index(), article_id)
    except IndexMissing:
        abort(404)
    if article is None:
        abort(404, f"No article with id {article_id}.")
    return article


def _collection_id(value: Any) -> int:
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise BadParameter("must be a collection's number", subject="collection")
    return int(text)


def _strings(change: Mapping[str, Any], key: str) -> list[str]:
    value = change.get(key)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise BadParameter("must be a string or a list of strings", subject=key)
    return [str(v) for v in values]


def apply_change(article_id: str, change: Mapping[str, Any]) -> dict[str, Any]:
    """Apply one change to a story's annotations and return them all. Keys (each optional): `tag`/`untag` (a
    tag or a list), `starred` (true/false), `note` (text to add), `edit_note` ({id, text}), `delete_note` (id),
    `collection` (names to add it to, made when new), `uncollect` (collection ids to take it out of)."""
    store = annotations()
    for tag in _strings(change, "tag"):
        store.add_tag(article_id, tag)
    for tag in _strings(change, "untag"):
        store.remove_tag(article_id, tag)
    if "starred" in change:
        starred = change["starred"]
        if isinstance(starred, str):
            starred = starred.lower() in ("1", "true", "on", "yes")
        if not isinstance(starred, bool | int):
            raise BadParameter("must be true or false", subject="starred")
        store.set_star(article_id, bool(starred))
    if change.get("note") is not None:
        store.add_note(article_id, change["note"])
    edit = change.get("edit_note")
    if edit is not None:
        if not isinstance(edit, Mapping):
            raise BadParameter("must be an object with id and text", subject="edit_note")
        store.edit_note(article_id, _note_id(edit.get("id")), edit.get("text"))
    if change.get("delete_note") is not None:
        store.delete_note(article_id, _note_id(change["delete_note"]))
    for name in _strings(change, "collection"):
        store.add_to(store.create_collection(name)["id"], article_id)
    for value in _strings(change, "uncollect"):
        store.remove_from(_collection_id(value), article_id)
    return store.of(article_id)


def _note_id(value: Any) -> int:
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise BadParameter("must be a note's number", subject="note_id")
    return int(text)


# --- the pages ----------------------------------------------------------------------------------

FORM_KEYS = ("tag", "untag", "starred", "note", "delete_note", "collection", "uncollect")


@bp.post("/articles/<article_id>/annotations")
def annotate_form(article_id: str) -> Any:
    """The article page's forms: one change, then back to the article (where the change shows)."""
    _article_or_404(article_id)
    form = request.form
    change: dict[str, Any] = {}
    for key in FORM_KEYS:
        if values := [v for v in form.getlist(key) if v.strip()]:  # an empty box submitted is no change
            change[key] = values
    if "starred" in change:
        change["starred"] = change["starred"][-1]
    for key in ("note", "delete_note"):
        if key in change:
            change[key] = change[key][-1]
    apply_change(article_id, change)
    return redirect(url_for("pages.article_page", article_id=article_id) + "#annotations", code=303)


@bp.get("/collections")
def collections_page() -> Any:
    """Every collection, with a form to start one."""
    return render_template("collections.html", collections=annotations().collections())


@bp.post("/collections")
def create_collection_form() -> Any:
    made = annotations().create_collection(request.form.get("name"))
    return redirect(url_for("notes.collection_page", collection_id=made["id"]), code=303)


@bp.get("/collections/<int(max=2147483647):collection_id>")
def collection_page(collection_id: int) -> Any:
    """A collection: its stories, latest added first, with their tags and notes; its export."""
    collection = annotations().collection(collection_id)
    stories = _stories(collection["ids"])
    return render_template("collection.html", collection=collection, stories=stories)


@bp.post("/collections/<int(max=2147483647):collection_id>")
def change_collection_form(collection_id: int) -> Any:
    """Rename (`name`) or delete (`delete`) a collection."""
    store = annotations()
    if request.form.get("delete"):
        store.delete_collection(collection_id)
        return redirect(url_for("notes.collections_page"), code=303)
    store.rename_collection(collection_id, request.form.get("name"))
    return redirect(url_for("notes.collection_page", collection_id=collection_id), code=303)


def _stories(ids: list[str]) -> list[dict[str, Any]]:
    """Brief rows for a collection's stories (ids no longer in the index are listed as gone)."""
    ix = get_index()
    kept = annotations().of_many(ids)
    out = []
    for article_id in ids:
        article = get_article(ix, article_id)
        brief = {"id": article_id, "gone": article is None, **kept[article_id]}
        if article is not None:
            brief |= {k: article.get(k) for k in ("headline", "published", "dateline", "source", "url")}
        out.append(brief)
    return out


# --- the API ------------------------------------------------------------------------------------


@bp.get("/api/csrf")
def api_csrf() -> Any:
    """The token a client sends as `X-CSRF-Token` with the session cookie this answer sets."""
    return jsonify({"token": csrf_token(), "header": "X-CSRF-Token"})


@bp.get("/api/articles/<article_id>/annotations")
def api_annotations(article_id: str) -> Any:
    _api_article(article_id)
    return jsonify({"id": article_id, **annotations().of(article_id)})


@bp.post("/api/articles/<article_id>/annotations")
def api_annotate(article_id: str) -> Any:
    """One change (see `apply_change`), as a JSON object; answers with all the story's annotations."""
    _api_article(article_id)
    change = request.get_json(silent=True)
    if not isinstance(change, dict):
        raise BadParameter("the body must be a JSON object", subject="body")
    return jsonify({"id": article_id, **apply_change(article_id, change)})


@bp.get("/api/tags")
def api_tags() -> Any:
    """Tags in use that start with `prefix`, most used first (what the tag box suggests)."""
    prefix = (request.args.get("prefix") or "")[:80]
    return jsonify({"prefix": prefix, "tags": annotations().tags(prefix)})


@bp.get("/api/collections")
def api_collections() -> Any:
    return jsonify({"collections": annotations().collections()})


@bp.post("/api/collections")
def api_create_collection() -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadParameter("the body must be a JSON object with a name", subject="body")
    made = annotations().create_collection(body.get("name"))
    status = 201 if made.pop("created") else 200
    return jsonify(made), status


@bp.get("/api/collections/<int(max=2147483647):collection_id>")
def api_collection(collection_id: int) -> Any:
    collection = annotations().collection(collection_id)
    return jsonify({k: collection[k] for k in ("id", "name", "created")} | {"stories": _stories(collection["ids"])})


@bp.post("/api/collections/<int(max=2147483647):collection_id>")
def api_change_collection(collection_id: int) -> Any:
    """Rename (`{"name"}`), add stories (`{"add": [ids]}`) or take them out (`{"remove": [ids]}`)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadParameter("the body must be a JSON object", subject="body")
    store = annotations()
    store.collection(collection_id)  # NotFound first
    if body.get("name") is not None:
        store.rename_collection(collection_id, body["name"])
    for article_id in _strings(body, "add"):
        _api_article(article_id)
        store.add_to(collection_id, article_id)
    for article_id in _strings(body, "remove"):
        store.remove_from(collection_id, article_id)
    return api_collection(collection_id)


@bp.delete("/api/collections/<int(max=2147483647):collection_id>")
def api_delete_collection(collection_id: int) -> Any:
    store = annotations()
    store.collection(collection_id)
    store.delete_collection(collection_id)
    return jsonify({"deleted": collection_id})


@bp.get("/api/collections/<int(max=2147483647):collection_id>/export")
def api_collection_export(collection_id: int) -> Any:
    """A collection's stories as CSV (with tags and notes) or JSON Lines (whole articles with `annotations`)."""
    fmt = request.args.get("format", "csv")
    if fmt not in EXPORT_TYPES:
        raise BadParameter(f"must be one of {', '.join(EXPORT_TYPES)}", subject="format")
    collection = annotations().collection(collection_id)
    ix = get_index()
    ids = collection["ids"]
    records = rows_by_id(ix, ids, article_link()) if fmt == "csv" else articles_by_id(ix, ids)
    first = next(records, None)
    records = itertools.chain([first] if first is not None else [], records)
    body = csv_lines(records) if fmt == "csv" else (json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    name = "".join(ch if ch.isalnum() else "-" for ch in collection["name"]).strip("-")[:60] or "collection"
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    return Response(body, content_type=EXPORT_TYPES[fmt], headers=headers)


def _api_article(article_id: str) -> None:
    if get_article(get_index(), article_id) is None:
        raise NotFound(subject=f"article {article_id}")


# --- old ids ------------------------------------------------------------------------------------


def redirect_old_id(article_id: str) -> Response | None:
    """A redirect to where an article is now, for an id it had before stable ids (or in an imported export)."""
    new = annotations().redirect(article_id)
    if new is None:
        return None
    path = request.path.replace(f"/articles/{article_id}", f"/articles/{new}", 1)
    query = request.query_string.decode("latin-1")
    return redirect(path + (f"?{query}" if query else ""), code=308)


def register(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def follow_old_ids() -> Any:
        """Links with an old id (in notes, mails, bookmarks) answer with a redirect to the article's id now."""
        view = request.view_args or {}
        article_id = view.get("article_id")
        if not article_id or request.method not in ("GET", "HEAD"):
            return None
        try:
            if get_article(get_index(), article_id) is not None:
                return None
        except IndexMissing:
            return None
        return redirect_old_id(article_id)

    app.jinja_env.globals.update(
        all_collections=lambda: annotations().collections(),
        known_tags=lambda: annotations().tags(limit=200),
        article_annotations=lambda article_id: annotations().of(article_id),
    )
