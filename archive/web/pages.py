"""The HTML pages: search with facets, and the article page. Plain links and forms: no JavaScript needed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, abort, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from archive.errors import ArchiveError, IndexMissing
from archive.labels import country_flag, country_name, topic_label
from archive.search import SearchRequest, get_article, search
from archive.store import FACETS
from archive.web.api import json_error
from archive.web.index_access import get_index

bp = Blueprint("pages", __name__)

FACET_TITLES = {
    "country": "Countries",
    "topic": "Topics",
    "person": "People",
    "org": "Organisations",
    "place": "Places",
    "author": "Authors",
}


@bp.get("/")
def home() -> Any:
    return redirect(url_for("pages.search_page"))


@bp.get("/search")
def search_page() -> Any:
    """Query box, facet sidebar with counts, and a page of highlighted hits."""
    args = request.args
    try:
        search_request = SearchRequest.from_params(args.get, args.getlist)
        result = search(get_index(), search_request)
    except IndexMissing as exc:
        return render_template("search.html", result=None, message=exc.message, args=args), 503
    except ArchiveError as exc:
        return render_template("search.html", result=None, message=exc.message, args=args), 400
    return render_template("search.html", result=result, message=None, args=args)


@bp.get("/articles/<article_id>")
def article_page(article_id: str) -> Any:
    """One article with its metadata, entities, countries and topics, and why each was given."""
    try:
        article = get_article(get_index(), article_id)
    except IndexMissing:
        abort(404)
    if article is None:
        abort(404, f"No article with id {article_id}.")
    return render_template("article.html", article=article)


def facet_label(facet: str, value: str) -> str:
    """What a facet value reads as on the page."""
    if facet == "country":
        return f"{country_flag(value)} {country_name(value)}".strip()
    if facet == "topic":
        return topic_label(value)
    return value


def toggle_url(facet: str, value: str) -> str:
    """The current search with `value` added to or removed from `facet`, back on page 1."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    if (facet, value) in pairs:
        pairs.remove((facet, value))
    else:
        pairs.append((facet, value))
    return url_for("pages.search_page") + ("?" + urlencode(pairs) if pairs else "")


def page_url(page: int) -> str:
    """The current search on another page."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"] + [("page", str(page))]
    return url_for("pages.search_page") + "?" + urlencode(pairs)


def filter_url(facet: str, value: str) -> str:
    """A new search filtered to one value (links from the article page)."""
    return url_for("pages.search_page") + "?" + urlencode([(facet, value)])


def register_template_helpers(app: Flask) -> None:
    """Helpers the templates call, and the app-wide error pages (JSON under /api)."""
    app.jinja_env.globals.update(
        facet_label=facet_label,
        toggle_url=toggle_url,
        page_url=page_url,
        filter_url=filter_url,
        country_name=country_name,
        country_flag=country_flag,
        topic_label=topic_label,
        FACETS=FACETS,
        FACET_TITLES=FACET_TITLES,
    )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if request.path.startswith("/api/"):
            return json_error(status, exc.description or exc.name)
        return render_template("error.html", status=status, message=exc.description or exc.name), status
