"""The HTML pages: search with facets and dates, articles, entities, saved searches. No JavaScript needed."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from archive.article import page_at
from archive.display import country_flag, country_name, topic_label
from archive.errors import ArchiveError, BadParameter, IndexMissing
from archive.facets import BY_NAME, ENTITY_PAGES, NAMES, REGISTRY
from archive.names import printable
from archive.search import (
    CORRECTED,
    FACET_LIMIT,
    TYPES,
    SearchRequest,
    cite,
    correct,
    corrected,
    count_since,
    entity,
    get_article,
    linked,
    marked_body,
    new_since,
    search,
    similar,
    source_file,
    versions,
    what_changed,
)
from archive.search.watchlist import csv_rows, read_names, watchlist
from archive.store.sources import original_file
from archive.web import saved
from archive.web.feed import CONTENT_TYPE as FEED_TYPE
from archive.web.feed import FEED_ENTRIES, atom_feed
from archive.web.index_access import get_index
from archive.web.sources import archive_name

bp = Blueprint("pages", __name__)

# Keys that describe a search; paging and "show all" are how it is looked at, not what it is.
SEARCH_KEYS = ("q", *NAMES, "from", "to", "sort")


@bp.get("/search")
def search_page() -> Any:
    """Query box, facet sidebar with counts, date histogram, and a page of highlighted hits."""
    args = request.args
    try:
        search_request = SearchRequest.from_params(args.get, args.getlist)
        result = search(get_index(), search_request)
    except ArchiveError as exc:
        return render_template("search.html", result=None, message=exc.message, args=args), exc.status
    return render_template(
        "search.html", result=result, message=None, args=args, FACET_LIMIT=FACET_LIMIT, saved_news=news_to_show()
    )


def news_to_show() -> list[tuple[dict[str, Any], int]]:
    """The saved searches with stories new since they were last opened, newest saved first, with their counts.
    A saved-searches file that cannot be read shows nothing here (/saved says what is wrong with it)."""
    try:
        entries = saved.load(saved_path())
    except (OSError, ValueError, KeyError, TypeError):
        return []
    news = saved_news(entries)
    return [(entry, news[entry["id"]]) for entry in entries[::-1] if news.get(entry["id"])]


@bp.get("/articles/<article_id>")
def article_page(article_id: str) -> Any:
    """One article, the query's words marked in it, its entities linked, its story's other versions, similar stories."""
    try:
        ix = get_index()
        article = get_article(ix, article_id)
    except IndexMissing:
        abort(404)
    if article is None:
        abort(404, f"No article with id {article_id}.")
    q = request.args.get("q", "")[:1000]
    texts = article["body"].split("\n\n")
    link = url_for("pages.article_page", article_id=article_id, _external=True)
    return render_template(
        "article.html",
        article=article,
        paragraphs=list(zip(texts, marked_body(ix, q, article["body"]), _page_marks(article, texts), strict=True)),
        q=q,
        similar=similar(ix, article_id),
        versions=versions(ix, article_id),
        changes=what_changed(ix, article_id, request.args.get("compare")),
        citation=cite(article, link, datetime.now(UTC).date()),
        attachments=linked(ix, list(article.get("attachments") or [])),
        attached_to=linked(ix, [article["attachment_of"]]) if article.get("attachment_of") else [],
    )


def _page_marks(article: dict[str, Any], paragraphs: list[str]) -> list[int | None]:
    """For each paragraph, the page it starts (the first paragraph on a page), else None; all None without pages."""
    starts = article.get("page_starts") or []
    marks: list[int | None] = []
    offset, shown = 0, 0
    for paragraph in paragraphs:
        page = page_at(starts, offset)
        marks.append(page if page and page > shown else None)
        shown = max(shown, page or 0)
        offset += len(paragraph) + 2
    return marks


@bp.get("/articles/<article_id>/original")
def original(article_id: str) -> Any:
    """The file an article was read from, as a download; only from inside a folder (or a file) that was indexed.

    Nothing the request names is opened: the id finds the stored file, whose real path (links resolved) must
    lie inside a recorded source.
    """
    try:
        ix = get_index()
        file = source_file(ix, article_id)
    except IndexMissing:
        abort(404)
    if file is None:
        abort(404, f"No article with id {article_id}.")
    found = original_file(current_app.config["INDEX_DIR"], file)
    if found is None:
        abort(404, "The original file is gone, or is not inside a folder that was indexed.")
    path, stream = found
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return send_file(stream, mimetype=mimetype, as_attachment=True, download_name=printable(path.name), max_age=0)


@bp.get("/entities")
def corrections_page() -> Any:
    """Every correction in entities.toml, hidden entities among them, each linked to its page."""
    return render_template("corrections.html", summary=corrected(get_index()))


@bp.get("/entities/<facet>/<path:value>")
def entity_page(facet: str, value: str) -> Any:
    """A person, organisation, country, topic…: how much, when, with whom, and the latest stories."""
    if facet not in ENTITY_PAGES:
        abort(404, f"No entity pages for {facet!r}.")
    try:
        summary = entity(get_index(), facet, value)
    except IndexMissing:
        abort(404)
    if (summary["facet"], summary["value"]) != (facet, value):  # a name it gathers, or its name before a rename
        return redirect(url_for("pages.entity_page", facet=summary["facet"], value=summary["value"]))
    if not summary["total"] and not summary["hidden"]:
        abort(404, f"No articles about {facet_label(facet, value)}.")
    return render_template("entity.html", entity=summary, title=BY_NAME[facet].singular)


@bp.post("/entities/<facet>/<path:value>")
def correct_entity(facet: str, value: str) -> Any:
    """A correction from the entity page's forms (rename or merge, type, hide, show, separate a name),
    kept in entities.toml; then the entity's page, wherever it is now."""
    form = request.form
    action = form.get("action", "")
    argument = form.get({"rename": "name", "merge": "name", "type": "type", "separate": "alias"}.get(action, ""), "")
    shown_facet, shown_name = correct(get_index(), facet, value, action, argument)
    return redirect(url_for("pages.entity_page", facet=shown_facet, value=shown_name), code=303)


MAX_WATCHLIST_BYTES = 1 << 20


@bp.get("/watchlist")
def watchlist_page() -> Any:
    """Paste or upload a list of names; each comes back with its stories."""
    return render_template("watchlist.html", rows=None, names="")


@bp.post("/watchlist")
def watchlist_results() -> Any:
    """The names pasted (`names`) or uploaded (`file`, one a line or CSV with a `name` column), each with its
    story count, latest story and search; `format=csv` downloads the same rows."""
    if (request.content_length or 0) > MAX_WATCHLIST_BYTES:
        raise BadParameter(f"the list is larger than {MAX_WATCHLIST_BYTES >> 20} MiB", subject="file")
    upload = request.files.get("file")
    text = request.form.get("names", "")
    subject = "names"
    if upload is not None and upload.filename:
        subject = f"file ({printable(upload.filename)})"
        try:
            text = upload.read(MAX_WATCHLIST_BYTES + 1).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadParameter("is not UTF-8 text (save it as UTF-8 CSV or plain text)", subject=subject) from exc
    names = read_names(text, subject=subject)
    if not names:
        raise BadParameter("no names in it: one a line, or CSV with a name column", subject=subject)
    rows = watchlist(get_index(), names)
    if request.form.get("format") == "csv":
        body = csv_rows(rows, url_for("pages.search_page", _external=True))
        headers = {"Content-Disposition": 'attachment; filename="watchlist.csv"'}
        return Response(body, content_type="text/csv; charset=utf-8", headers=headers)
    return render_template("watchlist.html", rows=rows, names="\n".join(names))


@bp.get("/saved")
def saved_page() -> Any:
    """Saved searches, each with what it asks for, how many matching stories arrived since it was last opened,
    its feed, a rename form and a delete that asks first."""
    entries = saved.load(saved_path())
    news = saved_news(entries)
    rows = [{**entry, "new": news.get(entry["id"]), "asks": asks(entry["params"])} for entry in entries]
    return render_template("saved.html", rows=rows[::-1])


@bp.post("/saved")
def save_search() -> Any:
    """Save the search the form carries (POST, then back to the list)."""
    form = request.form
    search_request = SearchRequest.from_params(form.get, form.getlist)  # refuses what search would refuse
    name = (form.get("name") or "").strip()[: saved.MAX_NAME_CHARS] or describe(search_request)
    saved.add(saved_path(), name, search_request.params())
    return redirect(url_for("pages.saved_page"), code=303)


@bp.get("/saved/<entry_id>")
def open_saved(entry_id: str) -> Any:
    """Open a saved search: from now on only later articles count as new."""
    entry = saved.touch(saved_path(), entry_id)
    if entry is None:
        abort(404, "No such saved search.")
    return redirect(url_for("pages.search_page") + "?" + urlencode(entry["params"]), code=303)


@bp.post("/saved/<entry_id>/rename")
def rename_saved(entry_id: str) -> Any:
    name = (request.form.get("name") or "").strip()
    if not name:
        raise BadParameter("must not be empty", subject="name")
    if saved.rename(saved_path(), entry_id, name[: saved.MAX_NAME_CHARS]) is None:
        abort(404, "No such saved search.")
    return redirect(url_for("pages.saved_page"), code=303)


@bp.post("/saved/<entry_id>/delete")
def delete_saved(entry_id: str) -> Any:
    if not saved.remove(saved_path(), entry_id):
        abort(404, "No such saved search.")
    return redirect(url_for("pages.saved_page"), code=303)


@bp.get("/saved/<entry_id>/feed.atom")
def saved_feed(entry_id: str) -> Any:
    """The stories that arrived after the search was saved, as Atom; reading it opens nothing."""
    entry = saved.get(saved_path(), entry_id)
    if entry is None:
        abort(404, "No such saved search.")
    params = entry["params"]
    since = datetime.fromisoformat(entry["created"])
    stories = new_since(get_index(), saved_request(params), since, limit=FEED_ENTRIES)
    body = atom_feed(
        entry,
        stories,
        title=f"{entry['name']} – {archive_name()}",
        self_url=request.base_url,
        search_url=url_for("pages.search_page", _external=True) + "?" + urlencode(params),
        article_link=article_link(),
        author=archive_name(),
    )
    return Response(body, content_type=FEED_TYPE)


def article_link() -> Callable[[str], str]:
    """An article's absolute address on this server, made once per request (export rows stream after it ends)."""
    head, tail = url_for("pages.article_page", article_id="ID", _external=True).rsplit("ID", 1)
    return lambda article_id: head + article_id + tail


def saved_news(entries: list[dict[str, Any]]) -> dict[str, int | None]:
    """Saved search id -> stories new since it was last opened (None: its search is no longer valid).

    Kept until the index gains a commit or the saved searches change, so the search page can show news
    on every visit without running every saved search each time.
    """
    ix = get_index()
    path = saved_path()
    try:
        stat = path.stat()
        key = (ix.latest_generation(), stat.st_mtime_ns, stat.st_size, str(path))
    except FileNotFoundError:
        return {}
    cached = current_app.extensions.get("saved_news")
    if cached and cached[0] == key:
        return cached[1]
    news: dict[str, int | None] = {}
    for entry in entries:
        try:
            since = datetime.fromisoformat(entry["last_opened"])
            news[entry["id"]] = count_since(ix, saved_request(entry["params"]), since)
        except ArchiveError:
            news[entry["id"]] = None  # a search saved before its syntax was refused still lists, to be deleted
    current_app.extensions["saved_news"] = (key, news)
    return news


def asks(params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What a saved search asks for, as (what, value) pairs a reader can check: words, each filter, dates, order."""
    pairs = dict(params)
    shown = [("Words", pairs["q"])] if pairs.get("q") else []
    shown += [(BY_NAME[k].singular, facet_label(k, v)) for k, v in params if k in BY_NAME]
    if pairs.get("from") or pairs.get("to"):
        shown.append(("Dates", f"{pairs.get('from') or '…'} to {pairs.get('to') or '…'}"))
    if pairs.get("sort"):
        shown.append(("Sorted", pairs["sort"]))
    return shown or [("Everything", "every story")]


def saved_request(params: list[tuple[str, str]]) -> SearchRequest:
    """A saved search's parameters as the search they ask for (refused as a search would be)."""
    return SearchRequest.from_params(dict(params).get, lambda name: [value for key, value in params if key == name])


def saved_path() -> Any:
    return current_app.config["SAVED_SEARCHES"]


def describe(search_request: SearchRequest) -> str:
    """A readable default name for a saved search: its words, filters and dates."""
    parts = [f"“{search_request.q}”"] if search_request.q else []
    parts += [facet_label(f, v) for f, values in search_request.filters.items() for v in values]
    if search_request.date_from or search_request.date_to:
        parts.append(f"{search_request.date_from or '…'} to {search_request.date_to or '…'}")
    return ", ".join(parts) or "Everything"


def facet_label(facet: str, value: str) -> str:
    """What a facet value reads as on the page."""
    if facet == "country":
        return f"{country_flag(value)} {country_name(value)}".strip()
    if facet == "topic":
        return topic_label(value)
    if facet == "star":
        return "★ Starred"
    return value


def _pairs(drop: tuple[str, ...] = ("page",)) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.args.items(multi=True) if k not in drop]


def _search_url(pairs: list[tuple[str, str]]) -> str:
    return url_for("pages.search_page") + ("?" + urlencode(pairs) if pairs else "")


def toggle_url(facet: str, value: str) -> str:
    """The current search with `value` added to or removed from `facet`, back on page 1."""
    pairs = _pairs()
    if (facet, value) in pairs:
        pairs.remove((facet, value))
    else:
        pairs.append((facet, value))
    return _search_url(pairs)


def dates_url(date_from: str | None, date_to: str | None) -> str:
    """The current search narrowed to a date range (a histogram bar), or with the range cleared."""
    pairs = _pairs(("page", "from", "to"))
    pairs += [(k, v) for k, v in (("from", date_from), ("to", date_to)) if v]
    return _search_url(pairs)


def bin_link(bin_: dict[str, Any]) -> str:
    """A histogram bar's link: the current search narrowed to that month or year."""
    return dates_url(bin_["from"], bin_["to"])


def entity_bin_link(facet: str, value: str) -> Callable[[dict[str, Any]], str]:
    """An entity chart's bar links: a search for that entity in that month or year."""
    return lambda bin_: (
        url_for("pages.search_page") + "?" + urlencode([(facet, value), ("from", bin_["from"]), ("to", bin_["to"])])
    )


def page_url(page: int) -> str:
    """The current search on another page."""
    return _search_url([*_pairs(), ("page", str(page))])


def query_url(q: str) -> str:
    """The current search with other words (the 'did you mean' link)."""
    return _search_url([*_pairs(("page", "q")), ("q", q)])


def export_url(fmt: str, text: str = "lead") -> str:
    """The whole result set of the current search as a file (`text="full"`: each story's whole text, not its lead)."""
    extra = [("text", text)] if text != "lead" else []
    return (
        url_for("api.api_export")
        + "?"
        + urlencode([*_pairs(("page", "expand", "format", "text")), ("format", fmt), *extra])
    )


def filter_url(facet: str, value: str) -> str:
    """A new search filtered to one value."""
    return url_for("pages.search_page") + "?" + urlencode([(facet, value)])


def entity_url(facet: str, value: str) -> str:
    """The entity page for a facet value, or a filtered search where there are no such pages (years)."""
    if facet in ENTITY_PAGES:
        return url_for("pages.entity_page", facet=facet, value=value)
    return filter_url(facet, value)


def article_url(article_id: str, q: str = "") -> str:
    """An article, carrying the query so its words are marked there."""
    return url_for("pages.article_page", article_id=article_id, **({"q": q} if q else {}))


def month_label(label: str) -> str:
    """`1987-03` -> `Mar 1987`; a year stays a year."""
    if len(label) == 7:
        return date(int(label[:4]), int(label[5:]), 1).strftime("%b %Y")
    return label


def search_fields() -> list[tuple[str, str]]:
    """The current search's parameters, for forms that carry it (save, dates, sort)."""
    return [(k, v) for k, v in request.args.items(multi=True) if k in SEARCH_KEYS]


def capitalize_first(text: str) -> str:
    """A notice as a sentence: its first letter capital, the rest as written (names keep their case)."""
    return text[:1].upper() + text[1:]


def register_template_helpers(app: Flask) -> None:
    """Helpers the templates call (the error pages are archive/web/handlers.py)."""
    app.jinja_env.filters["capitalize_first"] = capitalize_first
    app.jinja_env.globals.update(
        facet_label=facet_label,
        toggle_url=toggle_url,
        dates_url=dates_url,
        bin_link=bin_link,
        entity_bin_link=entity_bin_link,
        page_url=page_url,
        query_url=query_url,
        export_url=export_url,
        filter_url=filter_url,
        entity_url=entity_url,
        article_url=article_url,
        month_label=month_label,
        search_fields=search_fields,
        country_name=country_name,
        country_flag=country_flag,
        topic_label=topic_label,
        FACETS=REGISTRY,
        CORRECTED=CORRECTED,
        TYPES=TYPES,
        FACET_NAMES=NAMES,
        FACET=BY_NAME,
    )
