"""The query box: Whoosh's query language over the text fields, and the words a query asks for."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from whoosh import query
from whoosh.index import Index
from whoosh.qparser import AndGroup, MultifieldParser

from archive.errors import BadQuery

TEXT_FIELDS = ["headline", "body", "names", "byline", "dateline"]
QUERY_ERRORS = (ValueError, TypeError, RecursionError)  # what Whoosh raises on queries it cannot run
MARKED_WORDS = 2_000  # words a wildcard marks at most on an article page (a search refuses more)


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


def matches_everything(q: query.Query) -> bool:
    return isinstance(q, query.Every) and not q.fieldname


def _is_null(q: query.Query) -> bool:
    return isinstance(q, type(query.NullQuery))


def wanted_leaves(q: query.Query) -> Iterator[query.Query]:
    """The query's leaves except those under NOT: words the reader asked to leave out are not marked."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from wanted_leaves(q.a)
    elif q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from wanted_leaves(child)


def wanted_terms(reader: Any, q: query.Query, fields: tuple[str, ...]) -> set[str]:
    """The indexed words (stemmed, wildcards expanded) that the query looks for in these fields."""
    try:
        # Leaf by leaf: Query.existing_terms mixes str and bytes in whoosh-reloaded and finds nothing.
        found = [t for leaf in wanted_leaves(q) for t in islice(leaf.expanded_terms(reader), MARKED_WORDS)]
    except QUERY_ERRORS:
        return set()
    return {t if isinstance(t, str) else t.decode("utf-8") for field, t in found if field in fields}
