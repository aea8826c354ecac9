"""Empty feeds (0-byte `.rss`, `.atom`, `.xml`, an empty `.rss.gz`) are skipped with a line, never a crash."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.errors import NoArticleText
from archive.ingest.readers.formats import read_file
from tests.helpers import SEED

EMPTY = {"a.rss": b"", "b.atom": b"", "c.xml": b"", "d.rss.gz": gzip.compress(b""), "e.rss.gz": b"", "f.rss": b" \n"}


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_an_empty_feed_is_no_article_text(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_bytes(EMPTY[name])
    result = read_file(path, max_bytes=1 << 20)
    assert not result.articles
    (error,) = result.errors
    assert isinstance(error, NoArticleText) and str(path) in error.message


def test_indexing_a_folder_of_empty_feeds_keeps_the_good_file(tmp_path: Path):
    folder = tmp_path / "news"
    folder.mkdir()
    for name, data in EMPTY.items():
        (folder / name).write_bytes(data)
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    result = CliRunner().invoke(main, ["index", "--index", str(tmp_path / "index"), str(folder)])
    assert result.exit_code == 0, result.output
    assert "1 indexed" in result.output and f"{len(EMPTY)} skipped" in result.output, result.output
    for name in EMPTY:
        assert f"{folder / name}: no article text found (empty file)" in result.output
    assert "Traceback" not in result.output
