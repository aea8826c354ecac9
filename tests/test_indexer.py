"""Incremental indexing: new, changed, unchanged and removed files, and bad files that don't stop a run."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from whoosh.query import Every

from archive.cli import main
from archive.store import open_index
from tests.helpers import SEED

STORY = "LONDON (Reuters) - British officials said on {day} that talks with France would resume.\n"


def run_index(index_dir: Path, *paths: Path, extra: tuple[str, ...] = ()):
    return CliRunner().invoke(main, ["index", "--index", str(index_dir), *extra, *map(str, paths)])


def doc_count(index_dir: Path) -> int:
    with open_index(index_dir).searcher() as searcher:
        return searcher.doc_count()


def test_new_unchanged_updated_removed(tmp_path: Path):
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    (folder / "london.txt").write_text(STORY.format(day="Monday"))

    first = run_index(index_dir, folder)
    assert first.exit_code == 0, first.output
    assert "2 indexed, 0 updated, 0 unchanged" in first.output

    again = run_index(index_dir, folder)
    assert "0 indexed, 0 updated, 2 unchanged" in again.output

    (folder / "london.txt").write_text(STORY.format(day="Tuesday"))
    changed = run_index(index_dir, folder)
    assert "0 indexed, 1 updated, 1 unchanged" in changed.output
    with open_index(index_dir).searcher() as searcher:
        assert "Tuesday" in searcher.document(file=str((folder / "london.txt").resolve()))["body"]

    (folder / "london.txt").unlink()
    kept = run_index(index_dir, folder, extra=("--keep-missing",))
    assert "0 removed" in kept.output and doc_count(index_dir) == 2
    removed = run_index(index_dir, folder)
    assert "1 removed" in removed.output and doc_count(index_dir) == 1


def test_bad_files_are_reported_and_the_run_goes_on(tmp_path: Path):
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 10)
    (folder / "empty.txt").write_bytes(b"")
    result = run_index(index_dir, folder)
    assert result.exit_code == 1  # something failed: the exit status says so
    assert f"{folder.resolve() / 'junk.txt'}: looks like binary data" in result.output
    assert "empty.txt: no article text found" in result.output
    assert "1 indexed" in result.output and "1 skipped, 1 failed" in result.output
    assert doc_count(index_dir) == 1


def test_a_failed_file_does_not_remove_what_the_index_has(tmp_path: Path):
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    story = folder / "london.txt"
    story.write_text(STORY.format(day="Monday"))
    run_index(index_dir, folder)
    story.write_bytes(b"\x00\x01binary now")
    result = run_index(index_dir, folder)
    assert result.exit_code == 1
    assert doc_count(index_dir) == 1
    with open_index(index_dir).searcher() as searcher:
        assert len(list(searcher.search(Every()))) == 1


def test_a_partly_broken_file_keeps_the_articles_it_no_longer_yields(tmp_path: Path):
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    export = folder / "export.jsonl"
    lines = [
        '{"id": "a", "title": "Talks resume", "body": "LONDON (Reuters) - Talks resumed on Monday."}',
        '{"id": "b", "title": "Markets rise", "body": "NEW YORK (Reuters) - Stocks rose on Monday."}',
    ]
    export.write_text("\n".join(lines) + "\n")
    assert "2 indexed" in run_index(index_dir, folder).output
    export.write_text(lines[0] + "\n{not json\n")
    result = run_index(index_dir, folder)
    assert result.exit_code == 1 and "export.jsonl#line 2" in result.output
    assert "0 removed" in result.output and doc_count(index_dir) == 2
