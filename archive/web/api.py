"""The JSON API: /api/search and /api/articles/<id>; errors are JSON with a status and a message."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from archive.errors import ArchiveError, IndexMissing
from archive.search import SearchRequest, get_article, search
from archive.web.index_access import get_index

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def api_search() -> Any:
    """Same JSON as `archive search --json`."""
    search_request = SearchRequest.from_params(request.args.get, request.args.getlist)
    return jsonify(search(get_index(), search_request))


@bp.get("/articles/<article_id>")
def api_article(article_id: str) -> Any:
    """One article as extracted and enriched."""
    article = get_article(get_index(), article_id)
    if article is None:
        return json_error(404, f"no article with id {article_id!r}")
    return jsonify(article)


@bp.errorhandler(ArchiveError)
def archive_error(exc: ArchiveError) -> Any:
    return json_error(503 if isinstance(exc, IndexMissing) else 400, exc.message)


def json_error(status: int, message: str) -> Any:
    """The API's error shape: `{"error": {"status": 400, "message": "q: ..."}}`."""
    return jsonify({"error": {"status": status, "message": message}}), status
