"""An unexpected error in one file's reader, or in enriching one article, fails that one, named; the rest is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.ingest.enrich.pipeline import Enricher
from archive.ingest.readers import formats
from archive.search import SearchRequest, search
from archive.store import open_index

STORY = "{word} news\n\nThe harbour board met on Monday and agreed that the {word} pier would be rebuilt this year.\n"
WORDS = ("quokka", "wombat", "numbat", "bilby", "dingo")


def make_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for word in WORDS:
        (folder / f"{word}.txt").write_text(STORY.format(word=word))
    return folder


def found(index_dir: Path, word: str) -> int:
    return search(open_index(index_dir), SearchRequest(q=word))["total"]


def test_a_reader_crash_fails_that_file_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real = formats.READERS[".txt"]

    def reader(data: bytes, path: str):
        if "wombat" in path:
            raise TypeError("'NoneType' object is not subscriptable\nsecond line")
        return real(data, path)

    monkeypatch.setitem(formats.READERS, ".txt", reader)
    folder = make_folder(tmp_path)
    result = CliRunner().invoke(main, ["index", "--index", str(tmp_path / "index"), str(folder)])
    assert result.exit_code == 1, result.output  # a failure, not "no article text"
    line = f"failed {folder / 'wombat.txt'}: cannot read this file (the reader failed: TypeError: 'NoneType' object"
    assert line in result.output, result.output
    assert "second line" not in result.output
    assert "4 indexed" in result.output and "0 skipped, 1 failed" in result.output
    assert all(found(tmp_path / "index", w) == 1 for w in WORDS if w != "wombat")


def test_an_enrichment_crash_loses_only_its_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real = Enricher._enrich_one

    def enrich_one(self, article, spans):
        if "numbat" in article.body:
            raise KeyError("a bug met by one article")
        return real(self, article, spans)

    monkeypatch.setattr(Enricher, "_enrich_one", enrich_one)
    folder = make_folder(tmp_path)
    result = CliRunner().invoke(main, ["index", "--index", str(tmp_path / "index"), str(folder)])
    assert result.exit_code == 1, result.output
    assert f"failed {folder / 'numbat.txt'}" in result.output and "could not be enriched or written: KeyError" in (
        result.output
    )
    assert "4 indexed" in result.output and "1 failed" in result.output, result.output
    assert [found(tmp_path / "index", w) for w in WORDS] == [1, 1, 0, 1, 1]
    monkeypatch.setattr(Enricher, "_enrich_one", real)  # fixed: the next run indexes it
    again = CliRunner().invoke(main, ["index", "--index", str(tmp_path / "index"), str(folder)])
    assert again.exit_code == 0 and "1 indexed, 0 updated, 4 unchanged" in again.output, again.output
