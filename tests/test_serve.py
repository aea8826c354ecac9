"""`archive serve` as a user runs it: a real process (waitress, threaded) on a free port, concurrent requests,
and a clean stop on SIGTERM with nothing left running."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import ROOT

START_SECONDS = 30


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=20) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture()
def served(seed_index: Path, tmp_path: Path):
    """The real `archive serve` on port 0 (a free port), its URL read from what it prints."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVE_INDEX": str(seed_index)}
    env.pop("ARCHIVE_ALLOWED_HOSTS", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "serve", "--port", "0", "--threads", "4"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    output: list[str] = []
    try:
        deadline = time.monotonic() + START_SECONDS
        url = None
        while url is None and time.monotonic() < deadline:
            try:
                output.append(lines.get(timeout=0.5))
            except queue.Empty:
                assert process.poll() is None, "".join(output)
                continue
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", output[-1])
            url = found and found.group(0)
        assert url, f"no URL printed in {START_SECONDS}s: {''.join(output)}"
        yield process, url.rstrip("/"), output, lines
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_serve_answers_concurrently_and_stops_on_sigterm(served):
    process, url, output, lines = served
    status, headers, body = get(f"{url}/api/search?q=erdogan")
    assert status == 200 and json.loads(body)["total"] >= 1
    assert headers["Server"] == "news-archive" and headers["X-Frame-Options"] == "DENY"

    paths = ["/search?q=putin", "/api/search", "/api/facets?country=TR", "/api/export?format=jsonl", "/saved"] * 6
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda path: get(url + path), paths))
    assert [status for status, _, _ in answers] == [200] * len(paths)
    assert all(b"Traceback" not in body for _, _, body in answers)

    os.killpg(process.pid, signal.SIGTERM)
    assert process.wait(timeout=15) == 0
    time.sleep(0.2)
    while not lines.empty():
        output.append(lines.get())
    text = "".join(output)
    assert "Stopped." in text, text
    assert "development server" not in text and "WARNING" not in text, text
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing of the process group is left
