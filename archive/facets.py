"""The facets: every way of narrowing a search, defined once.

A facet is a keyword field in the index, a column beside it (archive.store.columns), a filter
parameter in the API and on the command line, a block of the search page's sidebar and, for most,
an entity page. Adding a facet is one `Facet(...)` entry in `REGISTRY`; the schema, the columns,
the request parser, the CLI options, the OpenAPI document and the templates all read it from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from archive.article import Article

YEAR = re.compile(r"\d{4}")


def _identity(value: str) -> str:
    return value


def _none(article: Article) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class Facet:
    """One facet: what it is called, where its values come from, and how users type them."""

    name: str  # the index field, the query parameter and the CLI option (`--person`)
    title: str  # the sidebar heading: "People"
    singular: str  # the entity page's heading: "Person"
    values: Callable[[Article], Iterable[str]]  # what an article contributes
    help: str  # one line for `--help` and the OpenAPI document
    entity_key: str | None = None  # the key under an article's `entities` (people, organizations…)
    ner_labels: tuple[str, ...] = ()  # spaCy labels whose mentions become this facet's values
    entity_pages: bool = True  # whether /entities/<name>/<value> exists
    company: bool = False  # listed among "appears with" on entity pages
    normalise: Callable[[str], str] = field(default=_identity)  # what a typed value becomes
    newest_first: bool = False  # values sort by themselves, newest first (years), not by count
    check: Callable[[str], bool] | None = None  # a typed value this refuses is a bad parameter
    check_message: str = ""
    # Kept in the annotations database (archive.store.annotations), not in the index: readers' tags,
    # stars and collections change with a click and outlive re-indexing; `values` gives nothing.
    annotation: bool = False


def country_code(typed: str) -> str:
    """A typed country as its code: `tr`, `Turkey` and `Turkish` are `TR`; anything else upper-cased."""
    from archive.display import country_codes  # pycountry's tables load on first use, not with the registry

    codes = country_codes(typed)
    return codes[0] if codes else typed.upper()


def published_year(article: Article) -> list[str]:
    """The publication year, so a year is a facet like any other."""
    published = parse_published(article.published)
    return [str(published.year)] if published else []


def article_source(article: Article) -> str:
    """Who published it: the dateline agency for wire copy, else the web site's host without `www.`."""
    return publisher(article.dateline.agency, article.url)


def publisher(agency: str | None, url: str | None) -> str:
    """The source facet's value from a dateline agency and a URL (what `article_source` reads off an article)."""
    if agency:
        return agency
    try:
        host = urlsplit(url).hostname if url else None
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


REGISTRY: tuple[Facet, ...] = (
    Facet(
        "country", "Countries", "Country", lambda a: a.countries,
        "ISO 3166 code or country name, e.g. TR or Turkey (case-insensitive)", normalise=country_code, company=True,
    ),
    Facet(
        "topic", "Topics", "Topic", lambda a: a.topics,
        "IPTC Media Topic slug, e.g. politics", normalise=str.lower, company=True,
    ),
    Facet(
        "person", "People", "Person", lambda a: a.entities.people,
        "person name as the facet lists it", entity_key="people", ner_labels=("PERSON",), company=True,
    ),
    Facet(
        "org", "Organisations", "Organisation", lambda a: a.entities.organizations,
        "organisation name", entity_key="organizations", ner_labels=("ORG",), company=True,
    ),
    Facet(
        "place", "Places", "Place", lambda a: a.entities.places,
        "place name", entity_key="places", ner_labels=("GPE", "LOC", "FAC"), company=True,
    ),
    Facet("author", "Authors", "Author", lambda a: a.authors, "author name"),
    Facet(
        "source", "Sources", "Source", lambda a: [article_source(a)],
        "the dateline's agency (Reuters) or a web page's site (example.com)",
    ),
    Facet(
        "year", "Years", "Year", published_year, "publication year, four digits",
        entity_pages=False, newest_first=True, check=YEAR.fullmatch, check_message="must be a four-digit year",
    ),
    Facet("tag", "Tags", "Tag", _none, "a tag given to stories in the archive", entity_pages=False, annotation=True),
    Facet(
        "star", "Starred", "Starred", _none, "`starred`: the stories given a star",
        entity_pages=False, annotation=True, normalise=str.lower, check=lambda v: v.lower() == "starred",
        check_message="must be starred",
    ),
    Facet(
        "collection", "Collections", "Collection", _none, "a collection (case file) by its name",
        entity_pages=False, annotation=True,
    ),
)  # fmt: skip

BY_NAME: dict[str, Facet] = {facet.name: facet for facet in REGISTRY}
NAMES: tuple[str, ...] = tuple(BY_NAME)
INDEXED: tuple[Facet, ...] = tuple(f for f in REGISTRY if not f.annotation)  # a field and columns in the index
INDEXED_NAMES: tuple[str, ...] = tuple(f.name for f in INDEXED)
ANNOTATION_NAMES: tuple[str, ...] = tuple(f.name for f in REGISTRY if f.annotation)
ENTITY_PAGES: tuple[str, ...] = tuple(f.name for f in REGISTRY if f.entity_pages)
COMPANY: tuple[str, ...] = tuple(f.name for f in REGISTRY if f.company)
ENTITY_KEYS: dict[str, str] = {f.name: f.entity_key for f in REGISTRY if f.entity_key}
