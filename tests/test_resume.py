"""Killed at any moment (kill -9), the index still opens and a re-run finishes the job: none missing, none twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.errors import IndexMissing
from archive.store import open_index
from archive.store.check import check_index
from tests.helpers import indexed_ids, need_corpora


def doc_count(index_dir: Path) -> int:
    with open_index(index_dir).searcher() as searcher:
        return searcher.doc_count()


def stored_ids(index_dir: Path) -> list[str]:
    with open_index(index_dir).searcher() as searcher:
        return [fields["id"] for fields in searcher.all_stored_fields()]


@pytest.mark.corpus
def test_kill_9_mid_run_then_resume(tmp_path: Path):
    files = [need_corpora("reuters21578", f"reut2-00{n}.sgm") for n in (4, 5, 6)]
    expected = {article_id for f in files for article_id in indexed_ids(f)}
    index_dir = tmp_path / "index"
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "index", "--index", str(index_dir), *map(str, files)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ARCHIVE_COMMIT_ARTICLES": "256"},  # several commits in these 3,000 articles
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if doc_count(index_dir) >= 256:  # at least one batch committed; more in flight
                break
        except IndexMissing:  # not created yet
            pass
        time.sleep(0.2)
    assert process.poll() is None, "the run finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    partial = stored_ids(index_dir)  # the index still opens
    assert check_index(index_dir) == []  # and its columns say what its segments say
    assert 0 < len(partial) < len(expected)
    assert len(partial) == len(set(partial))

    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), *map(str, files)])
    assert result.exit_code == 0, result.output
    assert f"{len(partial)} unchanged" in result.output
    final = stored_ids(index_dir)
    assert check_index(index_dir) == []
    assert len(final) == len(set(final)) == len(expected)
    assert set(final) == expected
