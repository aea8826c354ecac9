"""The Whoosh schema (the one place it is defined) and the documents written for an article.

Articles are stored whole as JSON next to the indexed fields, so the API can return
an article exactly as it was extracted without a second store.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from whoosh import fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

from archive.article import Article
from archive.facets import INDEXED, parse_published

# Accents are folded before stemming so `Erdoğan` and `Erdogan` meet in one term.
TEXT_ANALYZER = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter() | StemFilter()
NAME_ANALYZER = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


def _keyword() -> fields.KEYWORD:
    return fields.KEYWORD(stored=False, commas=True, lowercase=False, scorable=False)


def _datetime(*, sortable: bool = False) -> fields.DATETIME:
    """A stored date field with 4 terms a value instead of Whoosh's 8 (16 bits a step, not 8): dates are
    filtered and sorted through the columns (archive.store.columns); only `published:[… TO …]` in
    the search box and "new since" read these terms, and a range costs a few more of them."""
    field = fields.DATETIME(stored=True, sortable=sortable)
    field.shift_step = 16
    return field


def make_schema() -> fields.Schema:
    """Full-text fields for the query box; a keyword field per facet (archive.facets) for filters."""
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        file=fields.ID(stored=True),  # the path a source came from: what re-indexing and removal work by
        content_hash=fields.STORED,  # read with the id, never looked up: no terms
        # spelling=True keeps the unstemmed words apart too, so "did you mean" suggests real words.
        headline=fields.TEXT(analyzer=TEXT_ANALYZER, stored=True, field_boost=2.0, spelling=True),
        body=fields.TEXT(analyzer=TEXT_ANALYZER, stored=True, chars=True, spelling=True),  # chars: fast snippets
        byline=fields.TEXT(analyzer=NAME_ANALYZER),
        names=fields.TEXT(analyzer=NAME_ANALYZER),  # entity and author names, for free-text name queries
        dateline=fields.TEXT(analyzer=NAME_ANALYZER),
        published=_datetime(sortable=True),
        indexed=_datetime(),
        month=_keyword(),  # YYYY-MM, what the date histogram counts; not offered as a filter
        # Duplicates (archive.ingest.grouping): every version of a story shares `group`; an exact copy
        # of another article keeps only its own metadata and points at the article with `copy_of`.
        group=fields.ID(stored=True),
        copy_of=fields.ID(stored=True),
        exact=fields.ID(),  # the exact-copy key, on original articles only
        # Abbreviations the text defines, `SHORT|Long Name`: its term list is the archive's list of them,
        # with how many articles define each (archive.search.entities joins the two names everywhere).
        aliases=_keyword(),
        data=fields.STORED,
    )
    for facet in INDEXED:
        schema.add(facet.name, _keyword())
    return schema


def _keyword_value(values: Any) -> str:
    return ",".join(v.replace(",", " ") for v in values if v)


def article_document(article: Article, content_hash: str, file: str, *, group: str, exact: str) -> dict[str, Any]:
    """The fields Whoosh stores for one article: its text, facets, and the keys that group its versions."""
    ents = article.entities
    published = parse_published(article.published)
    doc: dict[str, Any] = {
        "id": article.id,
        "file": file,
        "content_hash": content_hash,
        "headline": article.headline,
        "body": article.body,
        "byline": article.byline or "",
        "names": " ".join([*article.authors, *ents.people, *ents.organizations, *ents.places, *ents.groups]),
        "dateline": " ".join(filter(None, [article.dateline.place, article.dateline.agency])),
        "indexed": _now(),
        "month": published.strftime("%Y-%m") if published else "",
        "group": group,
        "exact": exact,
        "data": json.dumps(article.to_dict(), ensure_ascii=False),
    }
    for facet in INDEXED:
        doc[facet.name] = _keyword_value(facet.values(article))
    doc["aliases"] = _keyword_value(alias_term(short, long) for short, long in article.aliases)
    if published is not None:
        doc["published"] = published
    return doc


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


ALIAS_SEPARATOR = "|"


def alias_term(short: str, long: str) -> str:
    """One definition as the `aliases` field keeps it: `OPEC|Organization of Petroleum Exporting Countries`."""
    return f"{short.replace(ALIAS_SEPARATOR, ' ')}{ALIAS_SEPARATOR}{long.replace(ALIAS_SEPARATOR, ' ')}"


# What an exact copy keeps of its own: where and when it was published. The text and what
# enrichment found in it are the original's, read from there.
COPY_KEYS = (
    "id", "source", "url", "headline", "headline_derived", "byline", "authors", "dateline", "published",
    "metadata", "attachment_of", "attachments",  # a file's own metadata, and the e-mail it came with
)  # fmt: skip


def copy_document(article: Article, content_hash: str, file: str, *, copy_of: str, group: str) -> dict[str, Any]:
    """An exact copy: no text or facets (it is not searched), just enough to list it and find its original."""
    data = article.to_dict()
    doc = {
        "id": article.id,
        "file": file,
        "content_hash": content_hash,
        "group": group,
        "copy_of": copy_of,
        "indexed": _now(),
        "data": json.dumps({key: data[key] for key in COPY_KEYS}, ensure_ascii=False),
    }
    return doc


def article_from_stored(stored: dict[str, Any]) -> dict[str, Any]:
    """The article JSON kept with a hit, with when it was indexed."""
    data = json.loads(stored["data"])
    if stored.get("indexed"):
        data["indexed"] = stored["indexed"].isoformat(timespec="seconds")
    return data
