"""Odd files and names: every file found gets an outcome, on one line, and none stops or hangs a run.

Names that are not UTF-8, FIFOs, link loops, broken links, newlines in names, unlistable folders and
folders of types the archive does not read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.names import path_of, printable, stored_name
from archive.search import SearchRequest, search
from archive.store import open_index
from tests.helpers import ROOT, SEED

LATIN1_NAME = os.fsdecode(b"caf\xe9.txt")  # what Python makes of a Latin-1 name: a lone surrogate
GOOD = "Harbour news\n\nThe harbour board met on Monday and agreed to rebuild the old pier before the winter.\n"


def index(index_dir: Path, *paths: Path | str):
    return CliRunner().invoke(main, ["index", "--index", str(index_dir), *map(str, paths)])


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m archive ...` as a user runs it, this worktree's code first; a hang fails, never blocks."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "archive", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def test_stored_names_round_trip_and_show_escaped():
    name = "/news/" + LATIN1_NAME
    assert stored_name(name).encode("utf-8")  # any encoder takes it
    assert path_of(stored_name(name)) == Path(name)
    assert stored_name("/news/café.txt") == "/news/café.txt"
    assert printable(name) == printable(stored_name(name)) == "/news/caf\\xe9.txt"
    assert printable("a\nb\tc\x1bd\u202e") == "a\\nb\\tc\\x1bd\\u202e"


def test_a_name_that_is_not_utf8_is_indexed_extracted_and_kept(tmp_path: Path):
    folder = tmp_path / "news"
    folder.mkdir()
    odd = folder / LATIN1_NAME
    odd.write_bytes(SEED.read_bytes())
    result = index(tmp_path / "index", folder)
    assert result.exit_code == 0 and "1 indexed" in result.output, result.output
    with open_index(tmp_path / "index").searcher() as searcher:
        (stored,) = list(searcher.all_stored_fields())
    assert path_of(stored["file"]) == odd.resolve()  # the stored file reopens the same file
    assert path_of(json.loads(stored["data"])["source"]) == odd.resolve()
    again = index(tmp_path / "index", folder)
    assert "1 unchanged, 0 removed" in again.output, again.output
    assert search(open_index(tmp_path / "index"), SearchRequest(q="Erdogan"))["total"] == 1

    extracted = CliRunner().invoke(main, ["extract", "--json", str(folder)])
    assert extracted.exit_code == 0, extracted.output
    (line,) = [line for line in extracted.output.splitlines() if line.startswith("{")]
    assert path_of(json.loads(line)["source"]) == odd.resolve()
    shown = CliRunner().invoke(main, ["extract", str(folder)])
    assert "caf\\xe9.txt" in shown.output, shown.output


def test_a_fifo_is_left_out_with_a_line_not_waited_on(tmp_path: Path):
    folder = tmp_path / "news"
    folder.mkdir()
    os.mkfifo(folder / "x.txt")
    (folder / "good.txt").write_text(GOOD)
    done = run_cli("index", "--index", str(tmp_path / "index"), str(folder), str(folder / "x.txt"), timeout=90)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(f"{folder / 'x.txt'}: not a regular file: left out (a FIFO)") == 2, done.stderr
    assert "1 indexed" in done.stderr and "Traceback" not in done.stderr


def test_link_loops_and_broken_links_are_one_clean_line(tmp_path: Path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    os.symlink("b.txt", folder / "a.txt")
    os.symlink("a.txt", folder / "b.txt")
    os.symlink("nowhere.txt", folder / "broken.txt")
    result = index(tmp_path / "index", folder, folder / "a.txt")
    assert result.exit_code == 1, result.output  # a loop is broken input
    assert result.output.count(f"{folder / 'a.txt'}: cannot read this file (a loop of symbolic links)") == 2
    assert f"{folder / 'broken.txt'}: not a regular file: left out (a symbolic link to nothing)" in result.output
    assert "1 indexed" in result.output and not isinstance(result.exception, RuntimeError)
    assert "Traceback" not in result.output


def test_a_newline_in_a_name_stays_on_its_line(tmp_path: Path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "bad\nname.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "good\x1b[31m.txt").write_text(GOOD)
    result = index(tmp_path / "index", folder)
    assert result.exit_code == 1
    failed = [line for line in result.output.splitlines() if line.startswith("failed")]
    assert failed == [f"failed {folder}/bad\\nname.txt: looks like binary data, not text"], result.output
    assert "\x1b" not in result.output and "1 indexed" in result.output


def test_a_folder_of_only_unsupported_files_says_so(tmp_path: Path):
    folder = tmp_path / "office"
    folder.mkdir()
    for name in ("a.xlsx", "b.xlsx", "c.pptx", "d.zip", "e.csv", "f.tar.gz", "README"):
        (folder / name).write_bytes(b"PK not for us")
    result = index(tmp_path / "index", folder)
    assert result.exit_code == 0, result.output  # other types are not errors
    assert "0 files:" in result.output
    assert "7 not read (2 .xlsx, 1 .csv, 1 .pptx, 1 .tar.gz, 1 .zip, 1 without suffix)" in result.output, result.output
    assert "0 skipped" in result.output  # not skips: never meant to be read


def test_an_unlistable_folder_gets_a_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "news"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "inside.txt").write_text(GOOD)
    (folder / "good.txt").write_text(GOOD.replace("pier", "jetty"))
    os.chmod(folder / "locked", 0)  # enough for a user; root reads anyway, so scandir is made to refuse too
    real_scandir = os.scandir

    def scandir(path):
        if Path(path) == folder / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    try:
        result = index(tmp_path / "index", folder)
    finally:
        os.chmod(folder / "locked", 0o755)
    assert f"{folder / 'locked'}: cannot read this file (cannot list this folder: Permission denied)" in result.output
    assert result.exit_code == 1 and "1 indexed" in result.output, result.output
