"""Reuters-21578 SGML: every story read, with title, dateline, date, author and no sign-off."""

from __future__ import annotations

import pytest

from archive.errors import NoArticleText
from archive.ingest.readers.reuters import iter_stories, parse_date, read_reuters
from tests.helpers import need_corpora


def test_parse_date():
    assert parse_date("26-FEB-1987 15:01:01.79") == "1987-02-26T15:01:01"
    assert parse_date(" 5-MAR-1987 09:17:32.30") == "1987-03-05T09:17:32"
    assert parse_date("31-MAR-1987 605:12:19.12") == "1987-03-31"
    assert parse_date("garbage") is None


@pytest.mark.corpus
def test_every_story_in_a_file_becomes_an_article_or_an_error(reuters_000):
    sgml = reuters_000.read_text(encoding="latin-1")
    items = list(read_reuters(sgml, str(reuters_000)))
    articles = [a for a in items if not isinstance(a, NoArticleText)]
    assert len(items) == 1000
    assert len(articles) > 950
    first = articles[0]
    assert first.source.endswith("reut2-000.sgm#1")
    assert first.headline == "BAHIA COCOA REVIEW"
    assert first.dateline.place == "Salvador" and first.dateline.date == "Feb 26"
    assert first.published == "1987-02-26T15:01:01"
    assert first.body.startswith("Showers continued throughout the week")
    assert not any(a.body.rstrip().endswith((" Reuter", "\x03")) for a in articles)
    flash = next(a for a in articles if a.headline.startswith("ASSETS OF MONEY MARKET MUTUAL FUNDS"))
    assert flash.body == flash.headline  # a title-only flash: its filler body is not kept
    assert not any("Blah blah blah" in a.body for a in articles)


@pytest.mark.corpus
def test_authors_and_datelines_across_the_collection():
    path = need_corpora("reuters21578", "reut2-003.sgm")
    articles = [a for a in read_reuters(path.read_text(encoding="latin-1"), str(path)) if not isinstance(a, Exception)]
    with_authors = [a for a in articles if a.authors]
    assert ("Allan Saunderson", "Antonia Sharpe") in [a.authors for a in with_authors]
    assert all("Reuter" not in name for a in with_authors for name in a.authors)
    placed = [a for a in articles if a.dateline.place]
    assert len(placed) / len(articles) > 0.8
    assert all(not a.dateline.place.isupper() or len(a.dateline.place) <= 4 for a in placed)


@pytest.mark.corpus
def test_places_kept_for_benchmarks_only(reuters_000):
    story = next(iter_stories(reuters_000.read_text(encoding="latin-1")))
    assert story.places == ("el-salvador", "usa", "uruguay")
    assert story.topics == ("cocoa",)
