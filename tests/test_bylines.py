"""Bylines: one cleaner, so wire copy, web pages, feeds and JSON Lines name the same authors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.ingest.readers.bylines import author_names, parse_byline
from archive.ingest.readers.formats import read_file
from archive.ingest.readers.html import parse_html
from archive.ingest.readers.wire import parse_wire_text

MB = 1 << 20
BODY = "ANKARA (Reuters) - Turkish officials said on Monday that talks with Russia would resume next week."


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Orhan Coskun", ("Orhan Coskun",)),
        ("By Allan Saunderson and Antonia Sharpe, Reuters", ("Allan Saunderson", "Antonia Sharpe")),
        ("BY Jane Doe, John Roe and Ann Poe", ("Jane Doe", "John Roe", "Ann Poe")),
        ("by Maggie McNeil, Reuters", ("Maggie McNeil",)),
        ("By STEPHEN JUKES AND PHILIP SHEHADI, Reuters", ("Stephen Jukes", "Philip Shehadi")),
        ("By Anna Berg, Senior Correspondent", ("Anna Berg",)),
        ("By Ana Lima and Tom Baker | The Gazette", ("Ana Lima", "Tom Baker")),
        ("By Orhan Coskun in Ankara", ("Orhan Coskun",)),
    ],
)
def test_bylines(line, authors):
    assert parse_byline(line) == (line, authors)


def test_not_a_byline():
    assert parse_byline("Byzantine politics returned to the fore on Monday.") is None


def test_names_without_by():
    assert author_names("Anna Berg, Senior Correspondent") == ("Anna Berg",)
    assert author_names("Reuters Staff") == ()
    assert author_names("Ana Lima, Harbour Gazette", {"harbour gazette"}) == ("Ana Lima",)


CASES = [
    ("Anna Berg, Senior Correspondent", ("Anna Berg",)),
    ("By Ana Lima and Tom Baker | The Gazette", ("Ana Lima", "Tom Baker")),
]


@pytest.mark.parametrize(("credit", "authors"), CASES)
def test_every_format_names_the_same_authors(tmp_path: Path, credit: str, authors: tuple[str, ...]):
    """The same credit gives the same people in a web page, a feed, a JSON Lines export and wire copy."""
    html = parse_html(
        f'<html><body><article><p class="byline">{credit}</p><p>{BODY}</p><p>{BODY}</p></article></body></html>',
        "page.html",
    )
    feed = tmp_path / "feed.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>Talks</title>'
        f"<guid>t1</guid><dc:creator xmlns:dc='http://purl.org/dc/elements/1.1/'>{credit}</dc:creator>"
        f"<description>{BODY}</description></item></channel></rss>",
        encoding="utf-8",
    )
    export = tmp_path / "export.jsonl"
    export.write_text(json.dumps({"headline": "Talks", "body": BODY, "author": credit}) + "\n", encoding="utf-8")
    wire = parse_wire_text(f"Talks to resume\n\nBy {credit.removeprefix('By ')}\n\n{BODY}\n", "wire.txt")
    found = {
        "html": html.authors,
        "feed": read_file(feed, max_bytes=MB).articles[0].authors,
        "jsonl": read_file(export, max_bytes=MB).articles[0].authors,
        "wire": wire.authors,
    }
    assert found == dict.fromkeys(found, authors)
