"""Stored articles as the read side hands them out: the one place an article's URL is made safe to link.

A feed or a page may carry any text as its URL (`javascript:…`, `data:…`, `vbscript:…`). Only an
absolute http(s) URL stays `url`, the key the pages, the API and the exports link; anything else is
kept as plain text under `url_text` and `url` becomes None.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from archive.store import article_from_stored

# No whitespace or control characters anywhere: browsers strip or skip them, which is how
# `java\tscript:` or a leading space slips a scheme past a naive prefix test.
_HTTP_URL = re.compile(r"https?://[^\x00-\x20\x7f]+", re.IGNORECASE)


def safe_url(value: Any) -> str | None:
    """`value` when it is an absolute http(s) URL with a host, else None."""
    if not isinstance(value, str) or not _HTTP_URL.fullmatch(value):
        return None
    try:
        host = urlsplit(value).hostname
    except ValueError:  # e.g. an unbalanced [ in the host
        return None
    return value if host else None


def with_safe_url(article: dict[str, Any]) -> dict[str, Any]:
    """The article with `url` kept only when it is safe to link; any other value moves to `url_text`."""
    raw = article.get("url")
    if raw is None or safe_url(raw) is not None:
        return article
    return {**article, "url": None, "url_text": raw}


def read_article(stored: dict[str, Any]) -> dict[str, Any]:
    """The article JSON of a stored document (with when it was indexed), its URL made safe to link."""
    return with_safe_url(article_from_stored(stored))
