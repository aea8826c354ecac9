"""`archive watch`: a real watcher process keeps the index in step while the web app reads it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from archive.ingest.watch import diff, scan
from archive.web import create_app
from tests.helpers import SEED, total, wait_for

STORY = "LONDON (Reuters) - British officials said on {day} that {word} talks would resume.\n"


def stop(watcher: subprocess.Popen) -> str:
    """SIGTERM (SIGINT is ignored where `make test` runs as a background job), then its output; a watcher
    that does not stop is killed, so no test leaves one behind."""
    watcher.send_signal(signal.SIGTERM)
    try:
        output, _ = watcher.communicate(timeout=120)  # a loaded machine may be mid-batch when asked to stop
    except subprocess.TimeoutExpired:
        watcher.kill()
        output, _ = watcher.communicate()
        raise AssertionError(f"the watcher did not stop on SIGTERM:\n{output}") from None
    return output


def test_scan_and_diff_see_new_changed_and_removed(tmp_path: Path):
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "b.txt").write_text("two")
    before = scan([tmp_path])
    (tmp_path / "a.txt").write_text("one, changed")
    (tmp_path / "b.txt").unlink()
    (tmp_path / "c.txt").write_text("three")
    changes = diff(before, scan([tmp_path]))
    assert [p.name for p in changes.changed] == ["a.txt", "c.txt"]
    assert [p.name for p in changes.removed] == ["b.txt"]
    assert not diff(scan([tmp_path]), scan([tmp_path]))


def test_watcher_indexes_new_changed_and_removed_files_while_the_web_reads(tmp_path: Path):
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    watcher = subprocess.Popen(
        [sys.executable, "-m", "archive", "watch", str(folder), "--index", str(index_dir), "--interval", "0.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # as in a background job
    )
    try:
        assert wait_for(lambda: total(index_dir, "Erdogan") == 1), "the first sync did not index the seed"
        client = create_app({"INDEX_DIR": index_dir}).test_client()

        (folder / "london.txt").write_text(STORY.format(day="Monday", word="zanzibarian"))
        assert wait_for(lambda: total(index_dir, "zanzibarian") == 1)
        assert client.get("/api/search?q=zanzibarian").get_json()["total"] == 1

        (folder / "london.txt").write_text(STORY.format(day="Tuesday", word="quixotic"))
        assert wait_for(lambda: total(index_dir, "quixotic") == 1 and total(index_dir, "zanzibarian") == 0)

        (folder / "london.txt").unlink()
        assert wait_for(lambda: total(index_dir, "quixotic") == 0)
        for _ in range(20):  # the reader keeps answering while the writer works
            assert client.get("/api/search?q=Erdogan").status_code == 200
        assert total(index_dir, "Erdogan") == 1
    finally:
        output = stop(watcher)
    assert "1 indexed" in output and "1 updated" in output and "1 removed" in output, output
    assert "Traceback" not in output and "stopped" in output
