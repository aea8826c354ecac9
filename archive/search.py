"""Search: a query and filters in, hits with snippets and facet counts out.

The web app, the JSON API and the CLI all call `search` and get the same JSON-ready
dict; none of them touches Whoosh directly.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from whoosh import highlight, query, sorting
from whoosh.index import Index
from whoosh.qparser import AndGroup, MultifieldParser, QueryParser
from whoosh.searching import Hit, Searcher

from archive.errors import BadParameter, BadQuery
from archive.store import FACETS, NAME_ANALYZER, TEXT_ANALYZER, article_from_stored

TEXT_FIELDS = ["headline", "body", "names", "byline", "dateline"]
SORTS = ("relevance", "newest", "oldest")
MAX_QUERY_CHARS = 1000
MAX_FILTER_VALUES = 50
MAX_PAGE = 10_000
PER_PAGE = 20
FACET_LIMIT = 25
SNIPPET_CHARS = 240
HISTOGRAM_MAX_MONTHS = 48
SIMILAR = 5
SUGGEST_RARE = 3  # words in this many articles or more are never "corrected": names are often rare
SUGGEST_RATIO = 10  # a rare word is only corrected to one this many times commoner
ENTITY_LATEST = 10
EXPORT_COLUMNS = (
    "id", "headline", "published", "authors", "place", "agency", "countries", "topics",
    "people", "organizations", "places", "url", "source", "indexed", "versions",
)  # fmt: skip
ENTITY_FACETS = ("person", "org", "country", "topic", "place", "author", "source")  # facets with their own pages
ENTITY_COMPANY = ("person", "org", "country", "topic", "place")
ENTITY_COMPANY_LIMIT = 10
TABLE_FIELDS = (*FACETS, "month", "group", "copy_of")
YEAR = re.compile(r"\d{4}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Values of these facets are codes or slugs: normalise what users type.
NORMALISE: dict[str, Callable[[str], str]] = {"country": str.upper, "topic": str.lower}


@dataclass(frozen=True)
class SearchRequest:
    """A validated search: query, filters (OR within a facet, AND across), a date range, sort and page."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    expand: frozenset[str] = frozenset()  # facets whose every value is listed, not only the top FACET_LIMIT

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
            if facet == "year" and not all(YEAR.fullmatch(v) for v in values):
                raise BadParameter("must be a four-digit year", subject="year")
            if values:
                filters[facet] = tuple(NORMALISE.get(facet, str)(v) for v in values)
        date_from, date_to = _date_param(get, "from"), _date_param(get, "to")
        if date_from and date_to and date_to < date_from:
            raise BadParameter("must not be before from", subject="to")
        expand = frozenset(getlist("expand"))
        if not expand <= set(FACETS):
            raise BadParameter(f"must be one of {', '.join(FACETS)}", subject="expand")
        return cls(q, filters, date_from, date_to, sort, int(page_text), expand=expand)

    def params(self) -> list[tuple[str, str]]:
        """The request as query-string pairs (what a saved search keeps, and links rebuild)."""
        pairs = [("q", self.q)] if self.q else []
        pairs += [(facet, value) for facet, values in self.filters.items() for value in values]
        pairs += [(name, d.isoformat()) for name, d in (("from", self.date_from), ("to", self.date_to)) if d]
        return pairs + ([("sort", self.sort)] if self.sort != "relevance" else [])


def _date_param(get: Callable[[str], str | None], name: str) -> date | None:
    text = (get(name) or "").strip()
    if not text:
        return None
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BadParameter("must be a date as YYYY-MM-DD", subject=name) from exc


def parse_query(ix: Index, text: str) -> query.Query:
    """Whoosh query language over the text fields, AND by default; empty or `*` matches everything."""
    if not text or text == "*":
        return query.Every()
    parser = MultifieldParser(TEXT_FIELDS, ix.schema, group=AndGroup)
    try:
        parsed = parser.parse(text)
    except Exception as exc:  # the parser has many failure modes on hostile input; all mean "bad query"
        raise BadQuery(str(exc), subject="q") from exc
    if _is_null(parsed) and not any(ch.isalnum() for ch in text):
        return query.Every()  # punctuation alone: nothing to search for, so browse everything
    if _is_null(parsed) or any(_is_null(leaf) for leaf in parsed.leaves()):
        # Whoosh drops what it cannot read (published:xyz) without a word; searching the rest would mislead.
        raise BadQuery("part of it cannot be read, e.g. a field given a value of the wrong kind", subject="q")
    return parsed


def _is_null(q: query.Query) -> bool:
    return isinstance(q, type(query.NullQuery))


def date_query(date_from: date | None, date_to: date | None) -> query.Query | None:
    """Publication dates from the start of `date_from` to the end of `date_to`; undated articles fall outside."""
    if not date_from and not date_to:
        return None
    start = datetime.combine(date_from, time.min) if date_from else None
    end = datetime.combine(date_to, time.max) if date_to else None
    return query.DateRange("published", start, end)


def ranked_query(q: query.Query, request: SearchRequest) -> query.Query:
    """The query with the filters, scored by the query alone, exact copies left out.

    The filters are part of the query, not Whoosh's `filter=`: its filter collector bypasses
    collapsing, and one story would show once per version.
    """
    parts = [query.Or([query.Term(facet, value) for value in values]) for facet, values in request.filters.items()]
    dates = date_query(request.date_from, request.date_to)
    parts += [dates] if dates else []
    required = query.Require(q, query.And(parts)) if parts else q
    return query.AndNot(required, query.Every("copy_of"))


def search(ix: Index, request: SearchRequest) -> dict[str, Any]:
    """Hits for one page, the total, facet counts, a date histogram and a spelling suggestion.

    Results are stories: the versions of one story (see archive.ingest.duplicates) show as one
    hit, the best-placed, and every count counts stories. Each facet's counts leave out that
    facet's own selection, so ticking Turkey still shows how many stories Russia would add;
    the hits and the histogram obey every filter.
    """
    q = parse_query(ix, request.q)
    with ix.searcher() as searcher:
        table = facet_table(ix, searcher)
        base, passing, matched = _matching(searcher, table, q, request)
        total = len(table.stories(matched))
        pages = max(1, -(-total // request.per_page))
        page = min(request.page, pages)
        try:
            results = searcher.search_page(
                ranked_query(q, request),
                page,
                pagelen=request.per_page,
                sortedby=_sortedby(request),
                terms=True,
                collapse=table.story_facet(),
                optimize=False,  # Whoosh's block-quality skipping trips an assertion inside Require/AndNot
            )
        except (ValueError, TypeError, RecursionError) as exc:
            raise BadQuery(str(exc), subject="q") from exc
        results.results.fragmenter = highlight.PinpointFragmenter(maxchars=SNIPPET_CHARS, surround=60, autotrim=True)
        results.results.formatter = highlight.HtmlFormatter(tagname="mark", classname="match", between=" … ")
        hits = [_hit(hit, table) for hit in results]
        facets = {}
        for facet in FACETS:
            others = [docs for other, docs in passing.items() if other != facet]
            docs = base.intersection(*others) if facet in passing else matched
            limit = None if facet in request.expand else FACET_LIMIT
            facets[facet] = count_values(table.values[facet], docs, limit, facet, table.groups)
        suggestion = suggest(ix, searcher, request.q)
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
        "histogram": histogram(table.values["month"], matched, table.groups),
        "suggestion": suggestion,
    }


def _sortedby(request: SearchRequest) -> sorting.MultiFacet | None:
    return None if request.sort == "relevance" else by_date(newest=request.sort == "newest")


def by_date(*, newest: bool) -> sorting.MultiFacet:
    """Publication date order with undated articles last either way (alone, Whoosh puts them first for newest)."""
    dated = sorting.QueryFacet({"dated": query.Every("published")}, other="undated")
    return sorting.MultiFacet([dated, sorting.FieldFacet("published", reverse=newest)])


def _matching(
    searcher: Searcher, table: DocTable, q: query.Query, request: SearchRequest
) -> tuple[set[int], dict[str, set[int]], set[int]]:
    """(documents matching the query and dates, those passing each facet's selection, those passing all).

    Exact copies never match: they have no text of their own, and their original stands for them.
    """
    try:
        base = _docset(searcher, q, date_query(request.date_from, request.date_to)) - table.copies
    except (ValueError, TypeError, RecursionError) as exc:
        raise BadQuery(str(exc), subject="q") from exc
    passing = {
        facet: {d for d in base if not set(values).isdisjoint(table.values[facet][d])}
        for facet, values in request.filters.items()
    }
    return base, passing, base.intersection(*passing.values())


def _docset(searcher: Searcher, q: query.Query, filter_: query.Query | None) -> set[int]:
    """Unscored: which documents match, the cheap way."""
    return set(searcher.search(q, filter=filter_, limit=None, scored=False).docs())


def count_values(
    per_doc: list[tuple[str, ...]], docnums: Iterable[int], limit: int | None, facet: str, groups: list[str]
) -> dict[str, int]:
    """Value -> number of stories, most frequent first (years newest first), at most `limit` of them.

    A story counts once under a value when any of its matching versions has it, so the count is
    what ticking that value would show.
    """
    pairs = {(groups[d], value) for d in docnums if d < len(per_doc) for value in per_doc[d]}
    counted = Counter(value for _, value in pairs)
    order = (lambda kv: kv[0]) if facet == "year" else (lambda kv: (-kv[1], kv[0]))
    items = sorted(counted.items(), key=order, reverse=facet == "year")
    return dict(items[:limit])


def histogram(months: list[tuple[str, ...]], docnums: Iterable[int], groups: list[str]) -> dict[str, Any]:
    """Matching stories per month (per year when they span more than HISTOGRAM_MAX_MONTHS), undated apart.

    A story whose versions fall in two months counts in both, as narrowing to either would show it.
    """
    dated = {(groups[d], months[d][0]) for d in docnums if d < len(months) and months[d]}
    counted = Counter(month for _, month in dated)
    undated = len({groups[d] for d in docnums} - {group for group, _ in dated})
    if not counted:
        return {"interval": "month", "bins": [], "undated": undated}
    first, last = min(counted), max(counted)
    span = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1
    bins = []
    if span <= HISTOGRAM_MAX_MONTHS:
        year, month = int(first[:4]), int(first[5:])
        for _ in range(span):
            label = f"{year:04d}-{month:02d}"
            end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            bins.append({"label": label, "from": f"{label}-01", "to": end.isoformat(), "count": counted[label]})
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return {"interval": "month", "bins": bins, "undated": undated}
    per_year = Counter({label[:4]: 0 for label in counted})
    for label, count in counted.items():
        per_year[label[:4]] += count
    for year in range(int(first[:4]), int(last[:4]) + 1):
        bins.append({"label": str(year), "from": f"{year}-01-01", "to": f"{year}-12-31", "count": per_year[str(year)]})
    return {"interval": "year", "bins": bins, "undated": undated}


def suggest(ix: Index, searcher: Searcher, text: str) -> str | None:
    """'Did you mean': the query with unknown or very rare words replaced by a close, much commoner word.

    Words are looked up unstemmed (the `spell_body` field), so suggestions are real words; Whoosh's own
    ReaderCorrector ranks every distance alike and counts frequencies on stems, which picks odd words.
    """
    if not text or text == "*" or "spell_body" not in ix.schema:
        return None
    try:
        parsed = QueryParser("body", ix.schema, group=AndGroup).parse(text)
        spans = sorted({(t.startchar, t.endchar) for t in parsed.all_tokens() if t.fieldname == "body"})
    except Exception:  # a query the parser cannot read has no suggestion; search reports it instead
        return None
    reader = searcher.reader()
    out, last = [], 0
    for start, end in spans:
        word = text[start:end] if start is not None and end is not None else ""
        better = _commoner_neighbour(reader, word) if word.isalpha() else None
        if better:
            out += [text[last:start], better.capitalize() if word[0].isupper() else better]
            last = end
    return "".join([*out, text[last:]]) if out else None


def _commoner_neighbour(reader: Any, word: str) -> str | None:
    folded = next((token.text for token in NAME_ANALYZER(word)), "")
    own = reader.doc_frequency("spell_body", folded)
    if own >= SUGGEST_RARE:
        return None
    near = [
        (_edits(folded, w), -reader.doc_frequency("spell_body", w), w)
        for w in reader.terms_within("spell_body", folded, 2, prefix=1)
        if w != folded
    ]
    best = min(near, default=None)
    return best[2] if best and -best[1] > SUGGEST_RATIO * own else None


def _edits(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit (`visti` -> `visit`), as typists make them."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cost = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, prev2[j - 2] + 1)
            cur.append(cost)
        prev2, prev = prev, cur
    return prev[-1]


@dataclass(frozen=True)
class DocTable:
    """Per document: its facet values, its story (group) and whether it is an exact copy."""

    values: dict[str, list[tuple[str, ...]]]
    groups: list[str]  # an article indexed before grouping existed is a story of its own
    copies: frozenset[int]
    group_sizes: Counter[str]

    @classmethod
    def read(cls, searcher: Searcher) -> DocTable:
        values = _facet_values(searcher)
        groups = [g[0] if g else f"#{d}" for d, g in enumerate(values["group"])]
        copies = frozenset(d for d, c in enumerate(values["copy_of"]) if c)
        reader = searcher.reader()
        live = [groups[d] for d in range(len(groups)) if not reader.is_deleted(d)]
        return cls(values, groups, copies, Counter(live))

    def stories(self, docnums: Iterable[int]) -> set[str]:
        return {self.groups[d] for d in docnums}

    def story_facet(self) -> sorting.FunctionFacet:
        """A Whoosh facet keyed by story, to collapse a story's versions into one hit."""
        return sorting.FunctionFacet(lambda _searcher, docnum: self.groups[docnum])

    def other_versions(self, docnum: int) -> int:
        return self.group_sizes[self.groups[docnum]] - 1


def facet_table(ix: Index, searcher: Searcher) -> DocTable:
    """Per document facet values and stories: read once per index generation instead of once per query."""
    key = (str(getattr(ix.storage, "folder", id(ix.storage))), searcher.reader().generation())
    table = _FACET_CACHE.get(key)
    if table is None:
        table = DocTable.read(searcher)
        _FACET_CACHE.clear()  # one generation at a time: an older one is never asked for again
        _FACET_CACHE[key] = table
    return table


_FACET_CACHE: dict[tuple[str, int], DocTable] = {}


def _facet_values(searcher: Searcher) -> dict[str, list[tuple[str, ...]]]:
    size = searcher.doc_count_all()
    values: dict[str, list[tuple[str, ...]]] = {}
    reader = searcher.reader()
    for facet in TABLE_FIELDS:
        per_doc: list[list[str]] = [[] for _ in range(size)]
        if facet in reader.schema:  # an index made before the field existed has no values for it
            for term in reader.lexicon(facet):
                text = term.decode("utf-8")
                for docnum in reader.postings(facet, term).all_ids():
                    per_doc[docnum].append(text)
        values[facet] = [tuple(v) for v in per_doc]
    return values


def _hit(hit: Hit, table: DocTable) -> dict[str, Any]:
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
        "score": round(hit.score, 4) if isinstance(hit.score, float) else None,  # date sorts give keys, not scores
        "versions": table.other_versions(hit.docnum),
    }


def get_article(ix: Index, article_id: str) -> dict[str, Any] | None:
    """The stored article JSON for an id, or None.

    An exact copy is its own metadata (source, URL, date) over its original's text and entities,
    with `copy_of` naming the original.
    """
    with ix.searcher() as searcher:
        stored = searcher.document(id=article_id)
        original = searcher.document(id=stored["copy_of"]) if stored and stored.get("copy_of") else None
    if not stored:
        return None
    article = article_from_stored(stored)
    if original:
        article = {**article_from_stored(original), **article, "copy_of": stored["copy_of"]}
    return article


def versions(ix: Index, article_id: str) -> list[dict[str, Any]]:
    """The other versions of this article's story, oldest first; exact copies say so."""
    with ix.searcher() as searcher:
        stored = searcher.document(id=article_id)
        if not stored or not stored.get("group"):
            return []
        found = [
            article_from_stored(s) | {"copy": bool(s.get("copy_of"))} for s in searcher.documents(group=stored["group"])
        ]
    found = [a for a in found if a["id"] != article_id]
    keys = ("id", "headline", "published", "dateline", "source", "url", "copy")
    return sorted(
        ({k: a.get(k) for k in keys} for a in found), key=lambda a: (a["published"] is None, a["published"] or "")
    )


def marked_body(ix: Index, text_query: str, body: str) -> list[str]:
    """The body's paragraphs as escaped HTML with the query's words in `<mark>`, however long the article.

    Words are matched the way the index matches them (stemmed, accents folded), wildcards expanded.
    """
    terms: set[str] = set()
    if text_query and text_query != "*":
        try:
            parsed = parse_query(ix, text_query)
            with ix.searcher() as searcher:
                reader = searcher.reader()
                # Leaf by leaf: Query.existing_terms mixes str and bytes in whoosh-reloaded and finds nothing.
                found = [t for leaf in _wanted_leaves(parsed) for t in leaf.expanded_terms(reader)]
        except (BadQuery, ValueError, TypeError, RecursionError):
            found = []
        terms = {t if isinstance(t, str) else t.decode("utf-8") for field, t in found if field in ("body", "headline")}
    return [_mark(paragraph, terms) for paragraph in body.split("\n\n")]


def _wanted_leaves(q: query.Query) -> Iterator[query.Query]:
    """The query's leaves except those under NOT: words the reader asked to leave out are not marked."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from _wanted_leaves(q.a)
    elif q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from _wanted_leaves(child)


def _mark(text: str, terms: set[str]) -> str:
    if not terms:
        return html.escape(text)
    out, last = [], 0
    for token in TEXT_ANALYZER(text, chars=True, removestops=False):
        if token.text in terms:
            out += [html.escape(text[last : token.startchar]), '<mark class="match">']
            out += [html.escape(text[token.startchar : token.endchar]), "</mark>"]
            last = token.endchar
    return "".join([*out, html.escape(text[last:])])


def similar(ix: Index, article_id: str, top: int = SIMILAR) -> list[dict[str, Any]]:
    """'More like this': other stories sharing the most telling body words with this one (one hit a story)."""
    with ix.searcher() as searcher:
        docnum = searcher.document_number(id=article_id)
        original = searcher.stored_fields(docnum).get("copy_of") if docnum is not None else None
        if original:  # an exact copy has no text of its own to compare: its original's is the same
            docnum = searcher.document_number(id=original)
        if docnum is None:
            return []
        table = facet_table(ix, searcher)
        seen, out = {table.groups[docnum]}, []
        for hit in searcher.more_like(docnum, "body", top=top * 4):
            if table.groups[hit.docnum] not in seen:
                seen.add(table.groups[hit.docnum])
                out.append(_brief(hit))
        return out[:top]


def _brief(hit: Hit) -> dict[str, Any]:
    article = article_from_stored(hit.fields())
    keys = ("id", "headline", "published", "dateline", "countries", "topics")
    return {key: article[key] for key in keys}


def entity(ix: Index, facet: str, value: str, *, latest: int = ENTITY_LATEST) -> dict[str, Any]:
    """One person, organisation, country, topic…: its story count, coverage over time, company and latest."""
    with ix.searcher() as searcher:
        table = facet_table(ix, searcher)
        docs = _docset(searcher, query.Term(facet, value), None)
        company = {}
        for other in ENTITY_COMPANY:
            counts = count_values(table.values[other], docs, None, other, table.groups)
            if other == facet:
                counts.pop(value, None)
            company[other] = dict(list(counts.items())[:ENTITY_COMPANY_LIMIT])
        newest = searcher.search(
            query.Term(facet, value), limit=latest, sortedby=by_date(newest=True), collapse=table.story_facet()
        )
        articles = [_brief(hit) for hit in newest]
    return {
        "facet": facet,
        "value": value,
        "total": len(table.stories(docs)),
        "histogram": histogram(table.values["month"], docs, table.groups),
        "cooccurring": company,
        "latest": articles,
    }


def export(ix: Index, request: SearchRequest) -> Iterator[dict[str, Any]]:
    """Every story the search matches (not one page), in its sort order, one flat record at a time.

    The query is parsed here, before anything streams, so a bad one is an error and not a cut-off file.
    """
    return _export_rows(ix, parse_query(ix, request.q), request)


def _export_rows(ix: Index, q: query.Query, request: SearchRequest) -> Iterator[dict[str, Any]]:
    """A generator that keeps its searcher open while the caller streams, so memory stays flat."""
    with ix.searcher() as searcher:
        table = facet_table(ix, searcher)
        hits = searcher.search(
            ranked_query(q, request), limit=None, sortedby=_sortedby(request), collapse=table.story_facet()
        )
        for hit in hits:
            article = article_from_stored(hit.fields())
            yield {
                "id": article["id"],
                "headline": article["headline"],
                "published": article["published"],
                "authors": article["authors"],
                "place": article["dateline"]["place"],
                "agency": article["dateline"]["agency"],
                "countries": article["countries"],
                "topics": article["topics"],
                "people": article["entities"]["people"],
                "organizations": article["entities"]["organizations"],
                "places": article["entities"]["places"],
                "url": article["url"],
                "source": article["source"],
                "indexed": article.get("indexed"),
                "versions": table.other_versions(hit.docnum),
            }


def count_since(ix: Index, request: SearchRequest, since: datetime) -> int:
    """How many stories matching the search gained an article indexed after `since` (new for a saved search)."""
    q = parse_query(ix, request.q)
    with ix.searcher() as searcher:
        table = facet_table(ix, searcher)
        _, _, matched = _matching(searcher, table, q, request)
        fresh = _docset(searcher, query.DateRange("indexed", since, None, startexcl=True), None)
    return len(table.stories(matched & fresh))
