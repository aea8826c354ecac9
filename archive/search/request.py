"""A search as asked: words, filters (OR within a facet, AND across), dates, sort and page, validated.

Every bad parameter is refused here with its name, before any index is touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from archive.errors import BadParameter
from archive.facets import BY_NAME, NAMES

SORTS = ("relevance", "newest", "oldest")
MAX_QUERY_CHARS = 1000
MAX_FILTER_VALUES = 50
MAX_PAGE = 10_000
PER_PAGE = 20
FACET_LIMIT = 25
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
        page_text = (get("page") or "1").strip()
        if (
            not (page_text.isascii() and page_text.isdigit())
            or len(page_text) > 5
            or not 1 <= int(page_text) <= MAX_PAGE
        ):
            raise BadParameter(f"must be a whole number from 1 to {MAX_PAGE}", subject="page")
        filters = {}
        for name in NAMES:
            facet = BY_NAME[name]
            values = tuple(dict.fromkeys(v.strip() for v in getlist(name) if v.strip()))
            if len(values) > MAX_FILTER_VALUES:
                raise BadParameter(f"at most {MAX_FILTER_VALUES} values", subject=name)
            if facet.check and not all(facet.check(v) for v in values):
                raise BadParameter(facet.check_message, subject=name)
            if values:
                filters[name] = tuple(facet.normalise(v) for v in values)
        date_from, date_to = _date_param(get, "from"), _date_param(get, "to")
        if date_from and date_to and date_to < date_from:
            raise BadParameter("must not be before from", subject="to")
        expand = frozenset(getlist("expand"))
        if not expand <= set(NAMES):
            raise BadParameter(f"must be one of {', '.join(NAMES)}", subject="expand")
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
