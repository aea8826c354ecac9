"""`archive watch` survives every bad file: one line each, once, and it keeps watching; SIGTERM stops it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.helpers import start_watcher, stop_watcher, total, wait_for

STORY = "{word} news\n\nThe harbour board met on Monday and agreed that the {word} pier would be rebuilt this year.\n"


def test_the_watcher_tells_each_bad_file_once_and_keeps_watching(tmp_path: Path):
    folder, index_dir, log = tmp_path / "news", tmp_path / "index", tmp_path / "watch.log"
    folder.mkdir()
    (folder / "first.txt").write_text(STORY.format(word="quokka"))
    watcher = start_watcher(folder, index_dir, log, 0.3)
    try:
        assert wait_for(lambda: total(index_dir, "quokka") == 1), log.read_text()
        (folder / "empty.rss").write_bytes(b"")
        (folder / "empty.atom").write_bytes(b"")
        (folder / "binary.sgm").write_bytes(bytes(range(256)) * 10)
        (folder / "long.txt").write_text("Long\n\n" + "word " * 220_000)
        os.mkfifo(folder / "x.txt")
        (folder / os.fsdecode(b"caf\xe9.txt")).write_text(STORY.format(word="wombat"))
        (folder / "new\nline.html").write_bytes(b"\x00" * 50)
        os.symlink("loop.txt", folder / "loop.txt")
        assert wait_for(lambda: total(index_dir, "wombat") == 1 and total(index_dir, "word") == 1), log.read_text()
        time.sleep(1.5)  # a few more scans: nothing is told twice
        (folder / "later.txt").write_text(STORY.format(word="numbat"))
        assert wait_for(lambda: total(index_dir, "numbat") == 1), log.read_text()  # still watching
    finally:
        stop_watcher(watcher)
    output = log.read_text()
    assert watcher.returncode == 0 and output.rstrip().endswith("stopped"), output
    assert "Traceback" not in output
    for line in (
        f"{folder / 'empty.rss'}: no article text found (empty file)",
        f"{folder / 'binary.sgm'}: looks like binary data, not text",
        f"{folder / 'x.txt'}: not a regular file: left out (a FIFO)",
        f"{folder / 'loop.txt'}: cannot read this file (a loop of symbolic links)",
        f"{folder}/new\\nline.html: looks like binary data, not text",
    ):
        assert output.count(line) == 1, (line, output)
