"""JSON Lines exports: the documented field mapping, ids from `id` or the line, bad lines named and passed over."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from archive.errors import NoArticleText, UnreadableFile
from archive.ingest.readers.formats import read_file

MB = 1024 * 1024
BODY = "PARIS (Reuters) - The minister said on Monday that talks would resume.\n\nA second round is planned in May."


def write_lines(path: Path, lines: list[object | str]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def test_every_mapped_field_is_read(tmp_path: Path):
    path = write_lines(
        tmp_path / "export.jsonl",
        [
            {
                "id": "cms-17",
                "headline": "Talks to resume",
                "body": BODY,
                "authors": ["Ann Lee", {"name": "Bob Ray"}],
                "date": "2024-03-01T10:00:00Z",
                "url": "https://news.example/17",
            },
            {
                "id": 18,
                "title": "Storm closes port",
                "text": "<p>The port closed on <b>Friday</b>.</p><script>track()</script><p>Ships waited offshore.</p>",
                "byline": "By Carl Sagan and Ada Byron",
                "published": "March 3, 2024 5:52 PM EST",
                "link": "https://news.example/18",
            },
            {
                "content": "Quiet day.\nNothing else happened in the valley.",
                "author": {"name": "Dee Dee"},
                "datePublished": 1709286000,
            },
            {"body": "Milliseconds.", "date": 1709286000000},
            {"body": "Undated.", "date": "sometime soon"},
        ],
    )
    result = read_file(path, max_bytes=MB)
    assert not result.errors
    talks, storm, quiet, millis, undated = result.articles
    name = str(path.resolve())

    assert talks.source == f"{name}#cms-17"
    assert talks.headline == "Talks to resume" and not talks.headline_derived
    assert talks.body == "The minister said on Monday that talks would resume.\n\nA second round is planned in May."
    assert talks.dateline.place == "Paris" and talks.dateline.agency == "Reuters"
    assert talks.authors == ("Ann Lee", "Bob Ray") and talks.byline is None
    assert talks.published == "2024-03-01T10:00:00+00:00"
    assert talks.url == "https://news.example/17"

    assert storm.source == f"{name}#18"
    assert storm.body == "The port closed on Friday.\n\nShips waited offshore."  # HTML by its paragraphs
    assert storm.byline == "By Carl Sagan and Ada Byron" and storm.authors == ("Carl Sagan", "Ada Byron")
    assert storm.published == "2024-03-03T17:52:00-05:00"
    assert storm.url == "https://news.example/18"

    assert quiet.source == f"{name}#3"  # no id: the line number
    assert quiet.headline_derived and quiet.authors == ("Dee Dee",)
    assert quiet.published == "2024-03-01T09:40:00+00:00"  # Unix seconds
    assert millis.published == "2024-03-01T09:40:00+00:00"  # Unix milliseconds
    assert undated.published is None


def test_bad_lines_are_named_and_the_rest_is_read(tmp_path: Path):
    path = write_lines(
        tmp_path / "export.ndjson",
        [
            {"id": "a", "body": "First story of the export."},
            '{"id": "b", "body": "cut off',
            "",
            {"id": "c", "title": "A headline and no body"},
            "[1, 2, 3]",
            {"id": "a", "body": "Same id again: told apart by its line."},
            {"id": "e", "body": 42},
        ],
    )
    result = read_file(path, max_bytes=MB)
    name = str(path.resolve())
    assert [a.source for a in result.articles] == [f"{name}#a", f"{name}#6"]
    assert [(type(e), e.subject) for e in result.errors] == [
        (UnreadableFile, f"{name}#line 2"),
        (NoArticleText, f"{name}#line 4"),
        (UnreadableFile, f"{name}#line 5"),
        (NoArticleText, f"{name}#line 7"),
    ]
    assert "invalid JSON" in result.errors[0].message and "line 2" in result.errors[0].message


def test_ids_are_stable_and_gzip_and_mojibake_are_handled(tmp_path: Path):
    line = json.dumps({"id": "x1", "title": "CafÃ© society", "body": "Itâ€™s the cafÃ© of the year."})
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(gzip.compress(line.encode()))
    [article] = read_file(path, max_bytes=MB).articles
    assert article.headline == "Café society" and article.body == "It’s the café of the year."
    assert article.id == read_file(path, max_bytes=MB).articles[0].id


def test_files_that_are_not_json_lines(tmp_path: Path):
    pretty = tmp_path / "pretty.jsonl"
    pretty.write_text(json.dumps([{"body": "x"}, {"body": "y"}], indent=2))
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    for path, error_type in ((pretty, UnreadableFile), (empty, NoArticleText)):
        result = read_file(path, max_bytes=MB)
        assert not result.articles
        assert [type(e) for e in result.errors] == [error_type]
        assert result.errors[0].subject == str(path.resolve())
