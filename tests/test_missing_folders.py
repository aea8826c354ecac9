"""A folder indexed before that is now missing or unreadable never counts as "its files were deleted"."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.search import SearchRequest, search
from archive.store import open_index

STORY = "{word} news\n\nThe harbour board met on Monday and agreed that the {word} pier would be rebuilt this year.\n"


def index(index_dir: Path, folder: Path):
    return CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder)])


def total(index_dir: Path) -> int:
    return search(open_index(index_dir), SearchRequest(q=""))["total"]


@pytest.fixture()
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    folder, index_dir = tmp_path / "usb" / "news", tmp_path / "index"
    (folder / "old").mkdir(parents=True)
    for word in ("quokka", "wombat"):
        (folder / f"{word}.txt").write_text(STORY.format(word=word))
    (folder / "old" / "bilby.txt").write_text(STORY.format(word="bilby"))
    assert "3 indexed" in index(index_dir, folder).output
    return folder, index_dir


def test_a_folder_that_is_gone_keeps_its_articles(indexed: tuple[Path, Path]):
    folder, index_dir = indexed
    shutil.move(folder.parent, folder.parent.with_name("unplugged"))  # the drive is unplugged
    result = index(index_dir, folder)
    assert result.exit_code == 1, result.output
    assert f"{folder}: cannot read this file (no such folder: the 3 file(s) indexed from it are kept" in result.output
    assert "0 removed" in result.output and total(index_dir) == 3


def test_a_file_that_cannot_be_looked_at_is_not_taken_for_deleted(
    indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
):
    folder, index_dir = indexed
    os.chmod(folder / "old", 0)  # what a user meets; root passes permissions, so stat is made to refuse as well
    real_stat, real_scandir = os.stat, os.scandir

    def refuse(path: object) -> bool:
        return str(path).startswith(str(folder / "old"))

    def stat(path, *args, **kwargs):
        if refuse(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    def scandir(path):
        if refuse(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "scandir", scandir)
    try:
        result = index(index_dir, folder)
    finally:
        os.chmod(folder / "old", 0o755)
    assert "Permission denied" in result.output and "0 removed" in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert total(index_dir) == 3


def test_files_really_deleted_still_leave(indexed: tuple[Path, Path]):
    folder, index_dir = indexed
    (folder / "wombat.txt").unlink()
    shutil.rmtree(folder / "old")
    (folder / "old").write_text("the folder is a file now\n")  # its files are gone: ENOTDIR
    result = index(index_dir, folder)
    assert "2 removed" in result.output, result.output
    assert total(index_dir) == 1
