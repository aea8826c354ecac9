"""The Whoosh index on disk: its schema (the one place it is defined), and reading and writing articles.

Articles are stored whole as JSON next to the indexed fields, so the API can return
an article exactly as it was extracted without a second store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from whoosh import fields, index
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map
from whoosh.writing import IndexWriter

from archive.article import Article
from archive.errors import IndexMissing

# Accents are folded before stemming so `Erdoğan` and `Erdogan` meet in one term.
TEXT_ANALYZER = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter() | StemFilter()
NAME_ANALYZER = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)

# Keyword fields that facets and filters work on; the web, the API and the CLI share these names.
FACETS = ("country", "topic", "person", "org", "place", "author", "source", "year")


def _facet() -> fields.KEYWORD:
    return fields.KEYWORD(stored=False, commas=True, lowercase=False, scorable=False)


def make_schema() -> fields.Schema:
    """Full-text fields for the query box; keyword fields for facets and filters."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        file=fields.ID(stored=True),  # the path a source came from: what re-indexing and removal work by
        content_hash=fields.ID(stored=True),
        # spelling=True keeps the unstemmed words apart too, so "did you mean" suggests real words.
        headline=fields.TEXT(analyzer=TEXT_ANALYZER, stored=True, field_boost=2.0, spelling=True),
        body=fields.TEXT(analyzer=TEXT_ANALYZER, stored=True, chars=True, spelling=True),  # chars: fast snippets
        byline=fields.TEXT(analyzer=NAME_ANALYZER),
        names=fields.TEXT(analyzer=NAME_ANALYZER),  # entity and author names, for free-text name queries
        dateline=fields.TEXT(analyzer=NAME_ANALYZER),
        published=fields.DATETIME(stored=True, sortable=True),
        indexed=fields.DATETIME(stored=True),
        country=_facet(),
        topic=_facet(),
        person=_facet(),
        org=_facet(),
        place=_facet(),
        author=_facet(),
        source=_facet(),  # the dateline's agency, or the site a web page came from
        year=_facet(),  # the publication year, so a year is a facet like any other
        month=_facet(),  # YYYY-MM, what the date histogram counts; not offered as a filter
        # Duplicates (archive.ingest.duplicates): every version of a story shares `group`; an exact copy
        # of another article keeps only its own metadata and points at the article with `copy_of`.
        group=fields.ID(stored=True),
        copy_of=fields.ID(stored=True),
        exact=fields.ID(),  # the exact-copy key, on original articles only
        data=fields.STORED,
    )


def open_index(index_dir: Path, *, create: bool = False) -> index.Index:
    """Open the index, creating the directory and an empty index when asked to (the indexer does).

    The indexer's open also adds fields the schema gained since the index was made, so writing
    to an older index works; its older articles get the new values when re-indexed.
    """
    if index.exists_in(str(index_dir)):
        ix = index.open_dir(str(index_dir))
        missing = [(name, field) for name, field in make_schema().items() if name not in ix.schema]
        missing = [(name, field) for name, field in missing if not name.startswith("spell_")]
        if create and missing:
            with ix.writer() as writer:
                for name, field in missing:
                    writer.add_field(name, field)
            ix = index.open_dir(str(index_dir))
        return ix
    if not create:
        raise IndexMissing(subject=str(index_dir))
    index_dir.mkdir(parents=True, exist_ok=True)
    return index.create_in(str(index_dir), make_schema())


def _facet_value(values: Iterable[str]) -> str:
    return ",".join(v.replace(",", " ") for v in values if v)


def article_document(article: Article, content_hash: str, file: str, *, group: str, exact: str) -> dict[str, Any]:
    """The fields Whoosh stores for one article: its text, facets, and the keys that group its versions."""
    data = article.to_dict()
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
        "indexed": datetime.now(UTC).replace(tzinfo=None),
        "country": _facet_value(article.countries),
        "topic": _facet_value(article.topics),
        "person": _facet_value(ents.people),
        "org": _facet_value(ents.organizations),
        "place": _facet_value(ents.places),
        "author": _facet_value(article.authors),
        "source": _facet_value([article_source(article)]),
        "year": str(published.year) if published else "",
        "month": published.strftime("%Y-%m") if published else "",
        "group": group,
        "exact": exact,
        "data": json.dumps(data, ensure_ascii=False),
    }
    if published is not None:
        doc["published"] = published
    return doc


# What an exact copy keeps of its own: where and when it was published. The text and what
# enrichment found in it are the original's, read from there.
COPY_KEYS = ("id", "source", "url", "headline", "headline_derived", "byline", "authors", "dateline", "published")


def copy_document(article: Article, content_hash: str, file: str, *, copy_of: str, group: str) -> dict[str, Any]:
    """An exact copy: no text or facets (it is not searched), just enough to list it and find its original."""
    data = article.to_dict()
    return {
        "id": article.id,
        "file": file,
        "content_hash": content_hash,
        "group": group,
        "copy_of": copy_of,
        "indexed": datetime.now(UTC).replace(tzinfo=None),
        "data": json.dumps({key: data[key] for key in COPY_KEYS}, ensure_ascii=False),
    }


def article_source(article: Article) -> str:
    """Who published it: the dateline agency for wire copy, else the web site's host without `www.`."""
    if article.dateline.agency:
        return article.dateline.agency
    try:
        host = urlsplit(article.url).hostname if article.url else None
    except ValueError:  # a malformed URL names no site
        host = None
    return host.removeprefix("www.") if host else ""


def parse_published(value: str | None) -> datetime | None:
    """An ISO 8601 date or datetime as a naive UTC datetime, or None when it is not one."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def stored_hashes(searcher: Searcher, file: str) -> dict[str, str]:
    """id -> content hash of every article the index holds from `file`."""
    return {fields_["id"]: fields_["content_hash"] for fields_ in searcher.documents(file=file)}


def write_documents(writer: IndexWriter, documents: Iterable[dict[str, Any]]) -> int:
    """Add or replace documents (by id); returns how many."""
    count = 0
    for document in documents:
        writer.update_document(**document)
        count += 1
    return count


def find_exact(searcher: Searcher, exact: str) -> list[dict[str, Any]]:
    """Stored fields of the original articles with this exact-copy key."""
    return [searcher.stored_fields(docnum) for docnum in searcher.document_numbers(exact=exact)]


def find_articles(searcher: Searcher, ids: Iterable[str]) -> list[dict[str, Any]]:
    """Stored fields of the original articles (not copies) with these ids that are in the index."""
    found = (searcher.document(id=article_id) for article_id in ids)
    return [stored for stored in found if stored and not stored.get("copy_of")]


def copies_of(searcher: Searcher, ids: Iterable[str]) -> list[tuple[str, str]]:
    """(id, file) of every exact copy of these articles."""
    found = []
    for original in ids:
        found += [(s["id"], s["file"]) for s in searcher.documents(copy_of=original)]
    return found


def article_from_stored(stored: dict[str, Any]) -> dict[str, Any]:
    """The article JSON kept with a hit, with when it was indexed."""
    data = json.loads(stored["data"])
    if stored.get("indexed"):
        data["indexed"] = stored["indexed"].isoformat(timespec="seconds")
    return data
