"""`archive app`: the archive as a desktop program. One command serves the pages with waitress on a free port,
opens the default browser on them, and keeps the archive's sources indexed in a supervised child process
(`archive watch --until-stdin-closes`: the web process never loads spaCy).

Only what Python offers on every system is used: the child is a plain subprocess of the same Python,
stopped by closing its standard input (so it also stops when this process dies), and the stop signals
are those the system has (Ctrl-C, SIGTERM, a closed terminal's SIGHUP, Windows' Ctrl-Break).
"""

from __future__ import annotations

import _thread
import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

import waitress

from archive.store.sources import AlreadyASource, Sources, check_folder

DEFAULT_PORT = 5000
PORT_TRIES = 10  # the port asked for, then the next nine, then any free one
IN_USE = {errno.EADDRINUSE, errno.EACCES, getattr(errno, "WSAEADDRINUSE", -1), getattr(errno, "WSAEACCES", -1)}
STOP_WAIT = 60.0  # seconds the indexer gets to finish the file it is on
RESTART_DELAYS = (1, 5, 30, 60)  # after the indexer process died unexpectedly, a little longer each time


def bind(app: Any, host: str, port: int, threads: int) -> Any:
    """A waitress server on `port`, or on the first free one after it (then any free one) when it is taken."""
    candidates = [*range(port, min(port + PORT_TRIES, 65536)), 0] if port else [0]
    for candidate in candidates:
        try:
            return waitress.create_server(app, host=host, port=candidate, threads=threads, ident="news-archive")
        except OSError as exc:
            if exc.errno not in IN_USE or candidate == 0:
                raise
    raise AssertionError("port 0 always binds")  # pragma: no cover


def server_url(server: Any) -> str:
    host, port = server.effective_host, int(server.effective_port)
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def can_show_a_browser() -> bool:
    """Whether a graphical browser can open here: always on macOS and Windows; on Linux and the BSDs only in a
    desktop session (without one, Python's webbrowser would start a text browser in this terminal)."""
    if os.name == "nt" or sys.platform == "darwin":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def already_open(sources: Sources) -> str | None:
    """The URL of an `archive app` already serving this archive, when one answers there."""
    url = sources.setting("url")
    if not url or not sources.progress().running:
        return None
    try:
        with urllib.request.urlopen(url + "api/sources", timeout=2) as answer:
            return url if "sources" in json.loads(answer.read()) else None
    except (OSError, ValueError):
        return None


class IndexerProcess:
    """`archive watch` over the archive's sources, in a child process restarted if it dies, stopped on request."""

    def __init__(self, index_dir: Path, interval: float, say: Callable[[str], None]) -> None:
        self.command = [
            sys.executable,
            "-m",
            "archive",
            "watch",
            "--index",
            str(index_dir),
            "--interval",
            str(interval),
            "--until-stdin-closes",
        ]
        self.say = say
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._supervise, name="indexer-supervisor", daemon=True)

    def start(self) -> None:
        self.process = self._spawn()
        self.thread.start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        return subprocess.Popen(self.command, stdin=subprocess.PIPE, env=env)

    def _supervise(self) -> None:
        failures = 0
        while not self.stopping.wait(0.5):
            assert self.process is not None
            code = self.process.poll()
            if code is None:
                continue
            delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)]
            failures += 1
            self.say(f"the indexer stopped (exit status {code}); starting it again in {delay} s")
            if self.stopping.wait(delay):
                return
            self.process = self._spawn()

    def stop(self) -> None:
        """Ask the indexer to finish the file it is on and go; after STOP_WAIT it is ended."""
        self.stopping.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            assert process.stdin is not None
            process.stdin.close()
        except OSError:
            pass
        try:
            process.wait(timeout=STOP_WAIT)
        except subprocess.TimeoutExpired:
            self.say("the indexer did not stop in time; ending it (what it had committed is kept)")
            process.kill()
            process.wait()


def run_app(
    *,
    index_dir: Path,
    host: str,
    port: int,
    threads: int,
    open_browser: bool,
    add: tuple[Path, ...],
    name: str | None,
    interval: float,
    stop_signals: tuple[int, ...],
    say: Callable[[str], None],
) -> None:
    """Serve the archive at `index_dir`, keep its sources indexed, open the browser; return when stopped."""
    from archive.web import create_app
    from archive.web.security import allow_host

    index_dir = index_dir.resolve()
    sources = Sources(index_dir)
    for folder in add:  # a folder named on the command line (make run: seeds/) becomes a source, once
        with contextlib.suppress(AlreadyASource):
            sources.add(check_folder(str(folder.absolute()), index_dir))
    if name:
        sources.set_setting("name", name)
    url = already_open(sources)
    if url:
        say(f"This archive is open already: {url}")
        if open_browser and can_show_a_browser():
            webbrowser.open(url)
        return

    app = create_app({"INDEX_DIR": index_dir, "SHUTDOWN": lambda: _thread.interrupt_main()})
    allow_host(app, host)
    server = bind(app, host, port, threads)
    url = server_url(server)
    if port and int(server.effective_port) != port:
        say(f"Port {port} is in use (another program, or another archive); using {server.effective_port} instead.")

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(0)  # waitress closes its sockets and threads on SystemExit

    for signum in stop_signals:
        if signum != signal.SIGINT:  # Ctrl-C is Python's KeyboardInterrupt already
            signal.signal(signum, stop)
    # Stop on the Sources page interrupts the main thread as Ctrl-C does; a program started in the background
    # (a launcher, `make run &`, a CI job) inherits SIGINT ignored, and Python then never interrupts anything.
    if signal.SIGINT in stop_signals and signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)

    indexer = IndexerProcess(index_dir, interval, say)
    indexer.start()
    sources.set_setting("url", url)
    say(f"Serving {index_dir} (Ctrl-C, or Stop on the Sources page, stops it)")
    if open_browser and can_show_a_browser():
        threading.Thread(target=lambda: webbrowser.open(url) or say("open it in your browser"), daemon=True).start()
    say(f"Open {url}")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        say("Stopping…")
        server.close()
        indexer.stop()
        if sources.setting("url") == url:
            sources.set_setting("url", None)
        say("Stopped.")
