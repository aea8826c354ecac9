"""The JSON API: search, facets, articles, entities, streamed export, and its OpenAPI description.

Errors are JSON with a status and a message that names the parameter (archive/web/handlers.py).
"""

from __future__ import annotations

import itertools
import json
from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, request

from archive.errors import BadParameter
from archive.facets import ENTITY_PAGES
from archive.search import (
    SearchRequest,
    entity,
    get_article,
    search,
    similar,
    versions,
)
from archive.search.export import csv_lines, export_name, rows
from archive.web.index_access import get_index
from archive.web.openapi import openapi_document
from archive.web.pages import article_link

bp = Blueprint("api", __name__, url_prefix="/api")

# Full Content-Type values, given as `content_type`: as a `mimetype`, Flask appends a second charset to text/csv.
EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
TEXT_OPTIONS = ("lead", "full")


def _search_request() -> SearchRequest:
    return SearchRequest.from_params(request.args.get, request.args.getlist)


@bp.get("/search")
def api_search() -> Any:
    """Same JSON as `archive search --json`."""
    return jsonify(search(get_index(), _search_request()))


@bp.get("/facets")
def api_facets() -> Any:
    """Only the facet counts and the date histogram of a search (no hits)."""
    result = search(get_index(), _search_request())
    return jsonify({key: result[key] for key in ("total", "facets", "histogram")})


@bp.get("/articles/<article_id>")
def api_article(article_id: str) -> Any:
    """One article as extracted and enriched."""
    article = get_article(get_index(), article_id)
    if article is None:
        return json_error(404, f"no article with id {article_id!r}")
    return jsonify(article)


RELATED = {"similar": similar, "versions": versions}  # 'more like this', and the other versions of its story


@bp.get("/articles/<article_id>/<any(similar, versions):relation>")
def api_related(article_id: str, relation: str) -> Any:
    """Articles related to one article: similar stories, or other versions of its own."""
    ix = get_index()
    if get_article(ix, article_id) is None:
        return json_error(404, f"no article with id {article_id!r}")
    return jsonify({"id": article_id, relation: RELATED[relation](ix, article_id)})


@bp.get("/entities/<facet>/<path:value>")
def api_entity(facet: str, value: str) -> Any:
    """An entity's article count, coverage by month, co-occurring entities and latest articles."""
    if facet not in ENTITY_PAGES:
        raise BadParameter(f"must be one of {', '.join(ENTITY_PAGES)}", subject="facet")
    summary = entity(get_index(), facet, value)
    if not summary["total"] and not summary["hidden"]:
        return json_error(404, f"no articles with {facet} {value!r}")
    return jsonify(summary)


@bp.get("/export")
def api_export() -> Any:
    """The whole result set, streamed as CSV or JSON Lines (entities, countries and topics included), with each
    story's lead (`text=full`: its whole text) and its link in this archive; named for the search and the day."""
    fmt = request.args.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        raise BadParameter(f"must be one of {', '.join(EXPORT_FORMATS)}", subject="format")
    text = request.args.get("text", "lead")
    if text not in TEXT_OPTIONS:
        raise BadParameter(f"must be one of {', '.join(TEXT_OPTIONS)}", subject="text")
    search_request = _search_request()
    records = rows(get_index(), search_request, article_link(), full_text=text == "full")
    # The first row is read before anything is sent, so an index that cannot be read is an error answer, not
    # an empty file (a failure further on can only cut the file short: the status line is already out).
    first = next(records, None)
    records = itertools.chain([first] if first is not None else [], records)
    if fmt == "csv":
        body = csv_lines(records, full_text=text == "full")
    else:
        body = (json.dumps(row, ensure_ascii=False) + "\n" for row in records)
    name = export_name(search_request, fmt, date.today())
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, content_type=EXPORT_FORMATS[fmt], headers=headers)


@bp.get("/openapi.json")
def api_openapi() -> Any:
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document())


def json_error(status: int, message: str) -> Any:
    """The API's error shape: `{"error": {"status": 400, "message": "q: ..."}}`."""
    return jsonify({"error": {"status": status, "message": message}}), status
