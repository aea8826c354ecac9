"""What the tests share: where things are, ../shared found in one place, and small builders of test input.

Test modules import from here, never from one another (nor from conftest, which only holds fixtures).
"""

from __future__ import annotations

import contextlib
import io
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter
from werkzeug.serving import make_server

from archive.cli import main
from archive.ingest.identity import with_stable_id
from archive.ingest.readers.formats import read_file
from archive.names import stored_name
from archive.web import create_app

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_5f80274b52949b65.txt"
# Articles written for these tests (tests/data/README.md): what the read-side tests search, in every format.
CORPUS = ROOT / "tests" / "data" / "corpus"
# Research corpora that may not be redistributed sit beside the repo in CI and on the team's machines only.
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
NO_CORPORA = f"needs ../shared/corpora beside the repo ({CORPORA} is missing; CI has it, a fresh clone does not)"
CAPTURED = "2024-03-05T08:15:00Z"
# The browser tests: Debian's Chromium, and where their screenshots go.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "test-output" / "screenshots"
# Without these, Chromium keeps trying to reach Google's hosts, which this machine's network refuses.
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def serve(index_dir: Path, saved: Path | None = None) -> Iterator[str]:
    """The real app over an index, served on a free port in a thread, for a browser: yields its URL."""
    app = create_app({"INDEX_DIR": index_dir, **({"SAVED_SEARCHES": saved} if saved else {})})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def page_total(page: object) -> int:
    """The story count a search page shows (a Playwright page)."""
    return int(page.locator("#results-title strong").inner_text().replace(",", ""))  # type: ignore[attr-defined]


def need_corpora(*parts: str) -> Path:
    """The path under ../shared/corpora, or skip the test with the reason."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/corpora/{'/'.join(parts)} not found: {NO_CORPORA}")
    return path


def index_with_cli(index_dir: Path, *folders: Path) -> str:
    """Index folders by the real CLI, as a user would; the run's summary."""
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), *map(str, folders)])
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output, result.output
    return result.output


def article_page(code_word: str, *, published: str | None = None, charset: str = "utf-8") -> str:
    """A small hand-written news page; `code_word` makes it findable, `published` puts a date in its metadata."""
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    prose = (
        f"The harbour authority said on Monday that the {code_word} ferry would resume sailings next week, after "
        "engineers replaced a cracked propeller shaft that had kept the ship in dry dock since January.",
        "Passengers who booked crossings during the repairs will be offered refunds or new tickets, a spokeswoman "
        "said, adding that the timetable for the summer season had not changed.",
        "Local businesses on the island, which depend on day visitors, welcomed the news and said the closure had "
        "cost them a large part of their spring trade.",
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in prose)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="{charset}"><title>Ferry {code_word} sails again</title>'
        f'{meta}</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article>'
        f"<h1>Ferry {code_word} sails again</h1>{paragraphs}</article><footer>© The Island Post</footer></body></html>"
    )


def real_page() -> bytes:
    """A full news page as a site serves it (JSON-LD, navigation, a sidebar), from the committed corpus.

    It is a story of its own, not the ferry template: beside ferry pages it must not join their story.
    """
    return (CORPUS / "web" / "norway-fund.html").read_bytes()


def warc_bytes(records: list[tuple[str, str, bytes, str, str]], *, compress: bool = True) -> bytes:
    """A WARC of (record type, URI, body, content type, HTTP status) records, as a crawler writes one."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for rec_type, uri, body, content_type, status in records:
        if rec_type == "request":
            record = writer.create_warc_record(uri, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
        else:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, rec_type, payload=io.BytesIO(body), http_headers=headers)
        record.rec_headers.replace_header("WARC-Date", CAPTURED)
        writer.write_record(record)
    return buffer.getvalue()


def indexed_ids(path: Path, root: Path | None = None) -> list[str]:
    """The ids `archive index ROOT` gives the articles of `path` (ROOT: the file itself by default)."""
    roots = [stored_name((root or path).resolve())]
    return [with_stable_id(a, roots).id for a in read_file(path, max_bytes=50 * 2**20).articles]


def csrf_token(client, page: str = "/search") -> str:
    """The CSRF token a page's forms carry for this test client's session (what a browser would post back)."""
    html = client.get(page).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token in {page}"
    return match.group(1)


def wait_for(condition: Callable[[], bool], seconds: float = 120) -> bool:
    """Poll `condition` until it holds (errors count as not yet: an index may not exist while a watcher starts)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except Exception:
            pass
        time.sleep(0.3)
    return False


def total(index_dir: Path, q: str) -> int:
    """How many stories a search finds (-1 while there is no index yet)."""
    from archive.errors import IndexMissing
    from archive.search import SearchRequest, search
    from archive.store import open_index

    try:
        return search(open_index(index_dir), SearchRequest(q=q))["total"]
    except IndexMissing:
        return -1


def start_watcher(folder: Path, index_dir: Path, log: Path, interval: float) -> subprocess.Popen:
    """`archive watch` as a real process writing to `log`, with SIGINT ignored as under `make test &`."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
    with log.open("w") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "archive",
                "watch",
                str(folder),
                "--index",
                str(index_dir),
                "--interval",
                str(interval),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )


def stop_watcher(watcher: subprocess.Popen) -> int:
    """SIGTERM and its exit status; a watcher that does not stop is killed, so no test leaves one behind."""
    watcher.send_signal(signal.SIGTERM)
    try:
        return watcher.wait(timeout=120)
    except subprocess.TimeoutExpired:
        watcher.kill()
        watcher.wait()
        raise AssertionError("the watcher did not stop on SIGTERM") from None


class Started:
    """A real `archive` process (its own process group) with the URL it printed and its output so far."""

    def __init__(
        self, args: list[str], *, cwd: Path, env: dict[str, str], seconds: float = 60, exe: list[str] | None = None
    ):
        self.process = subprocess.Popen(
            [*(exe or [sys.executable, "-m", "archive"]), *args],
            cwd=cwd,
            env={**env, "PYTHONUNBUFFERED": "1", **({} if exe else {"PYTHONPATH": str(ROOT)})},  # this checkout's
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stdout], daemon=True).start()  # type: ignore[union-attr]
        found = self.wait_for_line(r"(?:Serving .* on |Open |open already: )(http://127\.0\.0\.1:\d+)/", seconds)
        self.url = found.group(1)

    def wait_for_line(self, pattern: str, seconds: float = 60) -> re.Match[str]:
        """The first line of output (from the start) that matches, waiting for it; fails with the output."""
        deadline = time.monotonic() + seconds
        seen = 0
        while True:
            for line in self.output[seen:]:
                if found := re.search(pattern, line):
                    return found
            seen = len(self.output)
            try:
                self.output.append(self.lines.get(timeout=0.3))
            except queue.Empty:
                assert self.process.poll() is None, f"exited with {self.process.returncode}: {self.text()}"
            assert time.monotonic() < deadline, f"no line matching {pattern!r} in {seconds}s: {self.text()}"

    def text(self) -> str:
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return "".join(self.output)

    def stop(self, timeout: float = 90) -> int:
        """SIGTERM to the process (not its group: it must stop its children itself); its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.kill()

    def kill(self) -> None:
        """Nothing of the process group is left behind, whatever happened."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True


def spans_of(text: str, *mentions: tuple[str, str]) -> list[tuple[int, int, str]]:
    """NER spans for mentions given in text order as (string, label); each is found after the previous one."""
    spans, at = [], 0
    for name, label in mentions:
        start = text.index(name, at)
        spans.append((start, start + len(name), label))
        at = start + len(name)
    return spans
