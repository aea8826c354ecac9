"""The article: one frozen record that every layer passes along.

Readers and parsers fill the text fields; enrichment fills entities, countries
and topics with `dataclasses.replace`; the index stores it and search returns it.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Dateline:
    """Where and from whom wire copy was filed, as the dateline says it."""

    place: str | None = None
    agency: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Entities:
    """Named entities merged within one article, most mentioned first."""

    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # nationalities, religious and political groups (NORP)
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """One news story with its metadata; `source` names the file it came from."""

    source: str
    body: str
    headline: str = ""
    headline_derived: bool = False
    url: str | None = None
    byline: str | None = None
    authors: tuple[str, ...] = ()
    dateline: Dateline = field(default_factory=Dateline)
    published: str | None = None  # ISO 8601 date or datetime, from the story itself
    subheads: tuple[str, ...] = ()
    credits: dict[str, tuple[str, ...]] = field(default_factory=dict)
    language: str | None = None
    entities: Entities = field(default_factory=Entities)
    # NER has run on this text (here, or in the archive that exported it), so `entities` is its answer even
    # when empty: an import of the archive's own records runs none.
    entities_recognised: bool = False
    countries: tuple[str, ...] = ()  # what the story is about, most relevant first
    country_mentions: dict[str, int] = field(default_factory=dict)  # every country named, with counts
    country_evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code -> words that pointed there
    topics: tuple[str, ...] = ()  # IPTC Media Topics top-level slugs, most confident first
    topic_scores: dict[str, float] = field(default_factory=dict)  # slug -> confidence
    topic_evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)  # slug -> terms that weighed most
    # Documents (PDF, Office, e-mail, scans): what the file says about itself (title, author, created, ...),
    # kept apart from what its text says; where each page starts in `body` (page N at page_starts[N - 1]);
    # whether the text came from OCR, and Tesseract's mean word confidence (0-1) when it did.
    metadata: dict[str, str] = field(default_factory=dict)
    page_starts: tuple[int, ...] = ()
    ocr: bool = False
    ocr_confidence: float | None = None
    # E-mail: the message an attachment came with, and the attachments read from a message (article ids).
    attachment_of: str | None = None
    attachments: tuple[str, ...] = ()
    # What the id is made of: the source with its path relative to the folder it was indexed from
    # (archive.ingest.identity), so moving that folder keeps every id; None: the source as it is.
    id_source: str | None = None
    # Abbreviations the text defines, as (short, long): "the Organization of Petroleum Exporting Countries
    # (OPEC)" gives ("OPEC", "Organization of Petroleum Exporting Countries"); the archive joins them everywhere.
    aliases: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        """A short stable id derived from the source, so re-indexing updates in place."""
        return article_id(self.id_source or self.source)

    def page_at(self, offset: int) -> int | None:
        """The page (from 1) that the body's character `offset` is on, or None for text without pages."""
        return page_at(self.page_starts, offset)

    @property
    def content_hash(self) -> str:
        """A hash of what was read, so unchanged articles can be skipped."""
        text = "\x1f".join([self.headline, self.byline or "", self.published or "", self.url or "", self.body])
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The article as JSON-ready data (the shape of `extract --json` and the API)."""
        # Field by field, not dataclasses.asdict: its deep copy was a tenth of an import's time.
        data: dict[str, Any] = {"id": self.id}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, tuple):
                value = [list(v) if isinstance(v, tuple) else v for v in value]
            elif isinstance(value, Dateline):
                value = {"place": value.place, "agency": value.agency, "date": value.date}
            elif isinstance(value, Entities):
                value = {kind: list(getattr(value, kind)) for kind in value.__dataclass_fields__}
            elif isinstance(value, dict):
                value = {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
            data[name] = value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """The article `to_dict` gave `data` for (as the index stores it); `id` is derived, so it is ignored."""
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["dateline"] = Dateline(**data.get("dateline") or {})
        fields["entities"] = Entities(**{k: tuple(v) for k, v in (data.get("entities") or {}).items()})
        for name in _TUPLE_FIELDS:
            fields[name] = tuple(data.get(name) or ())
        for name in _DICT_OF_TUPLES:
            fields[name] = {k: tuple(v) for k, v in (data.get(name) or {}).items()}
        pairs = data.get("aliases") or ()
        fields["aliases"] = tuple((str(p[0]), str(p[1])) for p in pairs if isinstance(p, list | tuple) and len(p) == 2)
        return cls(**fields)


# The fields JSON gives back as lists, which the frozen article keeps as tuples.
_TUPLE_FIELDS = ("authors", "subheads", "countries", "topics", "page_starts", "attachments")
_DICT_OF_TUPLES = ("credits", "country_evidence", "topic_evidence")


def article_id(source: str) -> str:
    """The id for an article read from `source` (a path, or `path#item`)."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


def page_at(page_starts: tuple[int, ...] | list[int], offset: int) -> int | None:
    """The page (from 1) a body offset is on, given where each page starts; None when there are no pages.

    A page with no text of its own starts where the next one does: the offset belongs to the last of them.
    """
    return max(1, bisect.bisect_right(page_starts, offset)) if page_starts else None
