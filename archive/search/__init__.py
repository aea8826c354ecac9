"""Search: a query and filters in, stories with snippets, facet counts and a histogram out.

The web app, the JSON API and the CLI all call these functions and get the same JSON-ready
dicts; none of them touches Whoosh or the columns directly. The pipeline of one search:

- `request`   — `SearchRequest`: the parameters, validated, each bad one named
- `query`     — the query box: Whoosh's query language over the text fields; the words it asks for
- `selection` — which documents match: the words (Whoosh, unscored, once), dates and filters (columns)
- `ranking`   — the order: top-k by score (Whoosh) or by date (columns), one hit per story
- `counts`    — stories per facet value and per month, over the columns
- `highlight` — `<mark>`ed snippets for the page and whole article bodies
- `spelling`  — "did you mean"
- `results`   — `search()`: one page of results, assembled from the above
- `articles`  — one article, its versions, similar stories, entity pages, news since a date
- `changes`   — what changed between two versions of a story, word by word
- `citation`  — one article cited: plain, BibTeX, CSL-JSON
- `entities`  — found names joined into entities across the archive, and the user's corrections (`prepare`
                keeps the view beside the index for the next process)
- `watchlist` — a list of names, each with its stories
- `export`    — every matching story streamed: flat rows (CSV) or whole articles (JSON Lines)
"""

from archive.search.articles import (
    count_since,
    entity,
    get_article,
    linked,
    new_since,
    similar,
    source_file,
    versions,
)
from archive.search.changes import what_changed
from archive.search.citation import cite
from archive.search.corrections import CORRECTED, TYPES
from archive.search.entities import correct, corrected, prepare
from archive.search.export import EXPORT_COLUMNS
from archive.search.highlight import marked_body
from archive.search.overview import overview
from archive.search.request import FACET_LIMIT, MAX_PAGE, SORTS, SearchRequest
from archive.search.results import search

__all__ = [
    "CORRECTED",
    "EXPORT_COLUMNS",
    "FACET_LIMIT",
    "MAX_PAGE",
    "SORTS",
    "TYPES",
    "SearchRequest",
    "cite",
    "correct",
    "corrected",
    "count_since",
    "entity",
    "get_article",
    "linked",
    "marked_body",
    "new_since",
    "overview",
    "prepare",
    "search",
    "similar",
    "source_file",
    "versions",
    "what_changed",
]
