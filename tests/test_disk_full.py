"""A full disk while indexing: one line naming the index, exit status 1, and the index as it was."""

from __future__ import annotations

import errno
import os
import random
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh.filedb.filestore import FileStorage

from archive.cli import main
from archive.search import SearchRequest, search
from archive.store import open_index
from tests.helpers import ROOT, SEED


def total(index_dir: Path, q: str = "") -> int:
    return search(open_index(index_dir), SearchRequest(q=q))["total"]


@pytest.fixture()
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    """An index of the seed, and beside it in its folder 40 new stories of random words (a big segment)."""
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder)])
    assert result.exit_code == 0, result.output
    rng = random.Random(1)
    words = ["".join(rng.choice("abcdefghijklmnop") for _ in range(7)) for _ in range(5000)]
    for i in range(40):
        (folder / f"s{i}.txt").write_text(f"Story {i}\n\n" + " ".join(rng.choice(words) for _ in range(3000)) + "\n")
    return folder, index_dir


def test_a_file_size_limit_mid_commit_is_one_line_and_the_index_survives(indexed: tuple[Path, Path]):
    folder, index_dir = indexed

    def small_files() -> None:  # a real write failure: past RLIMIT_FSIZE, write() fails with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "archive", "index", "--index", str(index_dir), str(folder)],
        preexec_fn=small_files,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [
        f"Error: {index_dir}: could not write to the index; every batch committed before is kept "
        "(File too large: the disk is full or a file-size limit was reached)"
    ], done.stderr
    assert total(index_dir) == 1 and total(index_dir, "Erdogan") == 1  # what was there is there
    again = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder)])
    assert "40 indexed" in again.output and again.exit_code == 0, again.output
    assert total(index_dir) == 41


def test_no_space_left_is_one_line_naming_the_index(indexed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch):
    folder, index_dir = indexed
    real = FileStorage.create_file

    def create_file(self, name, *args, **kwargs):
        if name.endswith(".pst"):  # the new segment's postings: the disk fills up now
            raise OSError(errno.ENOSPC, "No space left on device", name)
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(FileStorage, "create_file", create_file)
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder)])
    assert result.exit_code == 1
    assert f"{index_dir}: could not write to the index" in result.output
    assert "No space left on device: the disk is full" in result.output, result.output
    assert "Traceback" not in result.output
    monkeypatch.setattr(FileStorage, "create_file", real)
    assert total(index_dir) == 1
