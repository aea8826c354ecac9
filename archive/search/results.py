"""A search answered: one page of hits with snippets, the total, facet counts, the histogram, a suggestion.

Results are stories: the versions of one story (archive.ingest.grouping) show as one hit, the
best-placed, and every count counts stories. Stored fields and snippets are read for the page only.
"""

from __future__ import annotations

from typing import Any

from whoosh.index import Index

from archive.article import page_at
from archive.facets import REGISTRY
from archive.search.counts import date_span, facet_counts, histogram
from archive.search.entities import view
from archive.search.highlight import snippets
from archive.search.query import read_query
from archive.search.ranking import ranked
from archive.search.request import FACET_LIMIT, SearchRequest
from archive.search.selection import select
from archive.search.spelling import suggest
from archive.search.stored import read_article
from archive.store import snapshot
from archive.store.annotations import Annotations

HIT_KEYS = (
    "id", "headline", "headline_derived", "published", "authors", "byline", "dateline", "countries", "topics",
    "source", "url",
)  # fmt: skip


def search(ix: Index, request: SearchRequest) -> dict[str, Any]:
    """Hits for one page, the total, facet counts, a date histogram, a spelling suggestion, the operator
    reading of lowercase `or`/`not` (`operators`), what the search box changed to read the query (`notices`)
    and the first and last day the whole archive covers (`span`).

    Each facet's counts leave out that facet's own selection, so ticking Turkey still shows how
    many stories Russia would add; the hits and the histogram obey every filter.
    """
    reading = read_query(ix, request.q)
    q = reading.query
    snap = snapshot(ix)
    columns = view(snap)
    chosen = select(snap, q, request)
    total = columns.count_stories(chosen.matched)
    pages = max(1, -(-total // request.per_page))
    page = min(request.page, pages)
    end = page * request.per_page
    placed = ranked(snap, q, chosen.matched, request.sort, end, chosen.postings)[end - request.per_page : end]
    stored = {docnum: snap.searcher.stored_fields(docnum) for docnum, _ in placed}
    articles = {docnum: read_article(fields) for docnum, fields in stored.items()}
    marked = snippets(snap.reader, q, {d: a["body"] for d, a in articles.items()})
    hits = []
    for docnum, score in placed:
        article = articles[docnum]
        hit = {key: article[key] for key in HIT_KEYS}
        hit["snippet"], start = marked[docnum]
        hit["page"] = page_at(article.get("page_starts") or (), start)  # "page 3" for a paged document
        hit["score"] = round(score, 4) if score is not None else None  # date orders have no scores
        hit["versions"] = columns.other_versions(docnum)
        hits.append(hit)
    kept = Annotations(snap.index_dir).of_many(hit["id"] for hit in hits)
    for hit in hits:  # the reader's own marks, shown with each hit
        hit["tags"], hit["starred"] = kept[hit["id"]]["tags"], kept[hit["id"]]["starred"]
    facets = {
        facet.name: facet_counts(
            snap, facet, chosen.for_facet(facet.name), None if facet.name in request.expand else FACET_LIMIT
        )
        for facet in REGISTRY
    }
    return {
        "query": request.q,
        "filters": {k: list(v) for k, v in request.filters.items()},
        "from": request.date_from.isoformat() if request.date_from else None,
        "to": request.date_to.isoformat() if request.date_to else None,
        "sort": request.sort,
        "page": page,
        "pages": pages,
        "total": total,
        "hits": hits,
        "facets": facets,
        "histogram": histogram(columns, chosen.matched),
        "span": date_span(columns),
        "suggestion": suggest(ix, snap.reader, request.q),
        "operators": reading.operator_reading,
        "notices": reading.notices,
    }
