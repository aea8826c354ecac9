"""Writers wait for each other: `archive retag` and `archive index` while `archive watch` is writing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from archive.store import open_index
from tests.helpers import ROOT, start_watcher, stop_watcher, total, wait_for

STORY = "Story {i}\n\nThe {word} board met on Monday and agreed that pier number {i} would be rebuilt this year.\n"


def test_retag_and_index_wait_for_a_busy_watcher(tmp_path: Path):
    folder, other, index_dir, log = tmp_path / "news", tmp_path / "more", tmp_path / "index", tmp_path / "watch.log"
    folder.mkdir()
    other.mkdir()
    (folder / "first.txt").write_text(STORY.format(i=0, word="harbour"))
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
    watcher = start_watcher(folder, index_dir, log, 0.1)
    try:
        assert wait_for(lambda: total(index_dir, "harbour") == 1), log.read_text()
        for i in range(1, 120):  # keep the watcher committing batch after batch
            (folder / f"s{i}.txt").write_text(STORY.format(i=i, word="harbour"))
        for i in range(20):
            (other / f"o{i}.txt").write_text(STORY.format(i=i, word="estuary"))
        runs = []
        for _ in range(3):
            runs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "archive", "retag", "--index", str(index_dir)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    env=env,
                )
            )
        runs.append(
            subprocess.Popen(
                [sys.executable, "-m", "archive", "index", "--index", str(index_dir), str(other)],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env=env,
            )
        )
        outputs = []
        for run in runs:
            try:
                outputs.append((run.wait(timeout=300), run.communicate()[0]))
            finally:
                if run.poll() is None:
                    run.kill()
                    run.wait()
        for status, output in outputs:
            assert status == 0 and "LockError" not in output and "Traceback" not in output, output
        assert wait_for(lambda: total(index_dir, "harbour") == 120), log.read_text()
        assert total(index_dir, "estuary") == 20
    finally:
        stop_watcher(watcher)
    assert "Traceback" not in log.read_text() and "LockError" not in log.read_text(), log.read_text()


def held_lock_then(index_dir: Path, args: list[str], hold: float = 3.0) -> subprocess.CompletedProcess:
    """Run `archive ARGS` while this process holds the index's write lock for `hold` seconds."""
    ix = open_index(index_dir)
    writer = ix.writer()  # the lock, as a watcher mid-batch holds it
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen(
        [sys.executable, "-m", "archive", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    try:
        time.sleep(hold)
        assert run.poll() is None, run.communicate()[0]  # still waiting, not failed
    finally:
        writer.cancel()
    try:
        output = run.communicate(timeout=300)[0]
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    return subprocess.CompletedProcess(args, run.returncode, output)


def test_retag_waits_for_a_held_lock(tmp_path: Path):
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY.format(i=1, word="harbour"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "archive", "index", "--index", str(index_dir), str(folder)], env=env)
    done = held_lock_then(index_dir, ["retag", "--index", str(index_dir)])
    assert done.returncode == 0 and "1 articles re-tagged" in done.stdout, done.stdout


def test_an_older_index_gains_its_new_fields_after_waiting_for_the_lock(tmp_path: Path):
    from whoosh import index as whoosh_index

    from archive.store.schema import make_schema

    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY.format(i=1, word="harbour"))
    index_dir.mkdir()
    older = make_schema()
    older.remove("copy_of")  # an index made before the schema had this field
    whoosh_index.create_in(str(index_dir), older)
    done = held_lock_then(index_dir, ["index", "--index", str(index_dir), str(folder)])
    assert done.returncode == 0 and "1 indexed" in done.stdout, done.stdout
    assert "LockError" not in done.stdout and "copy_of" in open_index(index_dir).schema


def test_readers_open_the_index_while_a_writer_commits_again_and_again(tmp_path: Path):
    """A commit deletes the table of contents a reader has just listed, and merges delete segments: opening
    the index and bringing a snapshot up to date read again instead of failing."""
    from archive.store import snapshot
    from archive.store.writer import ArchiveWriter

    index_dir = tmp_path / "index"
    open_index(index_dir, create=True)
    script = (
        "import sys; from archive.store import open_index; from archive.store.writer import ArchiveWriter\n"
        "ix = open_index(sys.argv[1])\n"
        "for i in range(60):\n"
        "    with ArchiveWriter(ix, sys.argv[1], timeout=30) as w:\n"
        "        w.update_document(id=f'a{i}', file='f', headline='Harbour', body='harbour pier', data='{}')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, "-c", script, str(index_dir)], env=env)
    seen = 0
    try:
        while writer.poll() is None:
            ix = open_index(index_dir)  # lists the newest table of contents, then reads it
            seen = max(seen, snapshot(ix).searcher.doc_count())
    finally:
        writer.wait(timeout=120)
    assert writer.returncode == 0
    assert open_index(index_dir).doc_count() == 60 and seen > 0
    with ArchiveWriter(open_index(index_dir), index_dir) as w:  # and the index is sound to write to
        w.delete_by_term("id", "a0")


def test_a_read_that_lost_its_file_to_a_commit_is_tried_again():
    from archive.store.index import racing_a_commit

    calls = []

    def read() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise FileNotFoundError("_MAIN_7.toc")
        return "the new commit"

    assert racing_a_commit(read) == "the new commit" and len(calls) == 3
