"""Dates before 1990 are kept (archives go back to the 1800s) in JSON Lines, HTML and feeds; nonsense is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.ingest.readers.dates import iso_date
from archive.ingest.readers.formats import read_file
from tests.helpers import article_page

BODY = "The harbour board met on Monday and agreed to rebuild the old pier before the winter storms set in again."
LIMIT = 50 * 1024 * 1024


def read_one(path: Path):
    result = read_file(path, max_bytes=LIMIT)
    assert not result.errors, [e.message for e in result.errors]
    (article,) = result.articles
    return article


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("1987-02-26", "1987-02-26"),
        ("26 Feb 1987", "1987-02-26"),
        ("February 26, 1987 3:01 PM EST", "1987-02-26T15:01:00-05:00"),
        ("18870315", "1887-03-15"),
        ("1850-06-01T10:00:00Z", "1850-06-01T10:00:00+00:00"),
        ("March 3, 1887", "1887-03-03"),
        ("Posted 1987/3/5 10:00", "1987-03-05T10:00:00"),
    ],
)
def test_old_dates_are_read(written: str, iso: str):
    assert iso_date(written) == iso


@pytest.mark.parametrize("nonsense", ["0000-01-01", "0001-01-01", "9999-12-31", "2999-05-01", "1066-10-14"])
def test_nonsense_years_are_still_refused(nonsense: str):
    assert iso_date(nonsense) is None


def test_json_lines_keep_a_1987_date(tmp_path: Path):
    path = tmp_path / "old.jsonl"
    lines = [
        {"id": "a", "headline": "Pier to be rebuilt", "body": BODY, "date": "1987-03-05T09:17:32"},
        {"id": "b", "headline": "Pier board meets", "body": BODY + " Again.", "date": 542_000_000},  # Unix, 1987
        {"id": "c", "headline": "Far future", "body": BODY + " Later.", "date": "2999-01-01"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = read_file(path, max_bytes=LIMIT)
    dates = {a.source.rpartition("#")[2]: a.published for a in result.articles}
    assert dates == {"a": "1987-03-05T09:17:32", "b": "1987-03-06T03:33:20+00:00", "c": None}


def test_html_keeps_a_1987_date(tmp_path: Path):
    path = tmp_path / "old.html"
    path.write_text(article_page("halcyon", published="1987-10-19T08:30:00-05:00"))
    assert read_one(path).published == "1987-10-19T08:30:00-05:00"


def test_a_feed_keeps_an_1880s_date(tmp_path: Path):
    path = tmp_path / "old.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>'
        f"<item><title>Pier to be rebuilt</title><guid>p1</guid><description>{BODY}</description>"
        "<pubDate>Mon, 15 Mar 1887 10:00:00 +0000</pubDate></item>"
        f"<item><title>Nonsense</title><guid>p2</guid><description>{BODY} Again.</description>"
        "<pubDate>Mon, 15 Mar 2999 10:00:00 +0000</pubDate></item></channel></rss>"
    )
    result = read_file(path, max_bytes=LIMIT)
    assert [a.published for a in result.articles] == ["1887-03-15T10:00:00+00:00", None]
