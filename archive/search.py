"""Search: a query and filters in, hits with snippets and facet counts out.

The web app, the JSON API and the CLI all call `search` and get the same JSON-ready
dict; none of them touches Whoosh directly.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from whoosh import highlight, query, sorting
from whoosh.index import Index
from whoosh.qparser import AndGroup, MultifieldParser
from whoosh.searching import Hit, Searcher

from archive.errors import BadParameter, BadQuery
from archive.store import FACETS, article_from_stored

TEXT_FIELDS = ["headline", "body", "names", "byline", "dateline"]
SORTS = ("relevance", "newest", "oldest")
MAX_QUERY_CHARS = 1000
MAX_FILTER_VALUES = 50
MAX_PAGE = 10_000
PER_PAGE = 20
FACET_LIMIT = 25
SNIPPET_CHARS = 240
# Values of these facets are codes or slugs: normalise what users type.
NORMALISE: dict[str, Callable[[str], str]] = {"country": str.upper, "topic": str.lower}


@dataclass(frozen=True)
class SearchRequest:
    """A validated search: query text, filters (OR within a facet, AND across), sort and page."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_params(cls, get: Callable[[str], str | None], getlist: Callable[[str], list[str]]) -> SearchRequest:
        """Build from request parameters (Flask's `args.get`/`args.getlist`), naming any bad one."""
        q = (get("q") or "").strip()
        if len(q) > MAX_QUERY_CHARS:
            raise BadParameter(f"longer than {MAX_QUERY_CHARS} characters", subject="q")
        sort = get("sort") or "relevance"
        if sort not in SORTS:
            raise BadParameter(f"must be one of {', '.join(SORTS)}", subject="sort")
        page_text = get("page") or "1"
        if not page_text.isdigit() or not 1 <= int(page_text) <= MAX_PAGE:
            raise BadParameter(f"must be a whole number from 1 to {MAX_PAGE}", subject="page")
        filters = {}
        for facet in FACETS:
            values = tuple(dict.fromkeys(v.strip() for v in getlist(facet) if v.strip()))
            if len(values) > MAX_FILTER_VALUES:
                raise BadParameter(f"at most {MAX_FILTER_VALUES} values", subject=facet)
            if values:
                filters[facet] = tuple(NORMALISE.get(facet, str)(v) for v in values)
        return cls(q=q, filters=filters, sort=sort, page=int(page_text))


def parse_query(ix: Index, text: str) -> query.Query:
    """Whoosh query language over the text fields, AND by default; empty or `*` matches everything."""
    if not text or text == "*":
        return query.Every()
    parser = MultifieldParser(TEXT_FIELDS, ix.schema, group=AndGroup)
    try:
        parsed = parser.parse(text)
    except Exception as exc:  # the parser has many failure modes on hostile input; all mean "bad query"
        raise BadQuery(str(exc), subject="q") from exc
    if parsed is query.NullQuery:
        return query.Every()
    return parsed


def filter_query(filters: Mapping[str, tuple[str, ...]]) -> query.Query | None:
    """OR within each facet, AND across facets."""
    parts = [query.Or([query.Term(facet, value) for value in values]) for facet, values in filters.items() if values]
    return query.And(parts) if parts else None


def search(ix: Index, request: SearchRequest) -> dict[str, Any]:
    """Hits for one page, the total, and facet counts over the whole result set."""
    q = parse_query(ix, request.q)
    sortedby = (
        None if request.sort == "relevance" else sorting.FieldFacet("published", reverse=request.sort == "newest")
    )
    with ix.searcher() as searcher:
        try:
            results = searcher.search_page(
                q,
                request.page,
                pagelen=request.per_page,
                filter=filter_query(request.filters),
                sortedby=sortedby,
                terms=True,
            )
            matched = searcher.search(q, filter=filter_query(request.filters), limit=None, scored=False).docs()
        except (ValueError, TypeError, RecursionError) as exc:
            raise BadQuery(str(exc), subject="q") from exc
        results.results.fragmenter = highlight.PinpointFragmenter(maxchars=SNIPPET_CHARS, surround=60, autotrim=True)
        results.results.formatter = highlight.HtmlFormatter(tagname="mark", classname="match", between=" … ")
        hits = [_hit(hit) for hit in results]
        facets = count_facets(ix, searcher, matched)
    return {
        "query": request.q,
        "filters": {k: list(v) for k, v in request.filters.items()},
        "sort": request.sort,
        "page": results.pagenum,
        "pages": results.pagecount,
        "total": results.total,
        "hits": hits,
        "facets": facets,
    }


def count_facets(ix: Index, searcher: Searcher, docnums: set[int]) -> dict[str, dict[str, int]]:
    """Value -> number of matched documents, per facet, most frequent first."""
    key = (str(getattr(ix.storage, "folder", id(ix.storage))), searcher.reader().generation())
    values = _FACET_CACHE.get(key)
    if values is None:
        values = _facet_values(searcher)
        _FACET_CACHE.clear()  # one generation at a time: an older one is never asked for again
        _FACET_CACHE[key] = values
    counts = {}
    for facet in FACETS:
        per_doc = values[facet]
        counted = Counter(chain.from_iterable(per_doc[d] for d in docnums if d < len(per_doc)))
        counts[facet] = dict(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_LIMIT])
    return counts


_FACET_CACHE: dict[tuple[str, int], dict[str, list[tuple[str, ...]]]] = {}


def _facet_values(searcher: Searcher) -> dict[str, list[tuple[str, ...]]]:
    """Per facet, each document's values, read once per index generation instead of once per query."""
    size = searcher.doc_count_all()
    values: dict[str, list[tuple[str, ...]]] = {}
    reader = searcher.reader()
    for facet in FACETS:
        per_doc: list[list[str]] = [[] for _ in range(size)]
        for term in reader.lexicon(facet):
            text = term.decode("utf-8")
            for docnum in reader.postings(facet, term).all_ids():
                per_doc[docnum].append(text)
        values[facet] = [tuple(v) for v in per_doc]
    return values


def _hit(hit: Hit) -> dict[str, Any]:
    article = article_from_stored(hit.fields())
    snippet = hit.highlights("body", top=2).replace("\n\n", " ")
    if not snippet:
        body = article["body"]
        snippet = html.escape(body[:SNIPPET_CHARS].rsplit(" ", 1)[0] + ("…" if len(body) > SNIPPET_CHARS else ""))
    return {
        "id": article["id"],
        "headline": article["headline"],
        "headline_derived": article["headline_derived"],
        "published": article["published"],
        "authors": article["authors"],
        "byline": article["byline"],
        "dateline": article["dateline"],
        "countries": article["countries"],
        "topics": article["topics"],
        "source": article["source"],
        "url": article["url"],
        "snippet": snippet,
        "score": round(hit.score, 4) if hit.score is not None else None,
    }


def get_article(ix: Index, article_id: str) -> dict[str, Any] | None:
    """The stored article JSON for an id, or None."""
    with ix.searcher() as searcher:
        stored = searcher.document(id=article_id)
    return article_from_stored(stored) if stored else None
