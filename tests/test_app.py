"""`archive app` and `archive install-launcher` as a desktop user meets them: a taken port, a clean stop that
leaves no process behind, an archive opened twice, a launcher that runs the app."""

from __future__ import annotations

import json
import os
import shlex
import socket
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.desktop.launcher import launcher_text
from tests.helpers import Started, wait_for


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=20) as answer:
        return answer.status, answer.read().decode()


def test_app_takes_the_next_free_port_and_stops_its_indexer_on_sigterm(tmp_path: Path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    try:
        app = Started(
            ["app", "--index", str(tmp_path / "My desk"), "--port", str(port), "--no-browser"], cwd=tmp_path, env=env
        )
        try:
            assert f"Port {port} is in use" in app.text() and f"using {app.url.rsplit(':', 1)[1]} instead" in app.text()
            assert app.url != f"http://127.0.0.1:{port}"
            status, home = get(app.url + "/")
            assert status == 200 and "<title>My desk</title>" in home and "This archive is empty" in home
            assert "/sources" in home
            answer = json.loads(get(app.url + "/api/sources")[1])
            assert answer["sources"] == []
            # The indexer child is alive (its heartbeat says so) until the app is stopped.
            assert wait_for(lambda: json.loads(get(app.url + "/api/sources")[1])["progress"]["running"], 60)

            second = Started(["app", "--index", str(tmp_path / "My desk"), "--no-browser"], cwd=tmp_path, env=env)
            assert second.process.wait(timeout=30) == 0  # the same archive opened again: pointed at the open one
            assert f"This archive is open already: {app.url}/" in second.text()
        finally:
            code = app.stop()
        assert code == 0, app.text()
        assert "Stopped." in app.text() and "indexer stopped" in app.text()
        assert "Traceback" not in app.text() and "WARNING" not in app.text()
        assert not app.group_alive()  # no indexer left behind
    finally:
        taken.close()


def desktop_exec(text: str) -> list[str]:
    """A desktop entry's Exec line read back as the specification says: string escapes, `%%`, then the quoting."""
    value = next(line for line in text.splitlines() if line.startswith("Exec="))[5:]
    value = value.replace("\\\\", "\\").replace("%%", "%")
    return shlex.split(value.replace("\\$", "$").replace("\\`", "`"))


@pytest.mark.parametrize("kind", ["linux", "macos", "windows"])
def test_install_launcher_writes_one_that_runs_archive_app_on_this_archive(tmp_path: Path, kind: str):
    index_dir = tmp_path / "Elections 2024"
    result = CliRunner().invoke(
        main, ["install-launcher", "--index", str(index_dir), "--dir", str(tmp_path / "out"), "--system", kind]
    )
    assert result.exit_code == 0, result.output
    written = next((tmp_path / "out").iterdir())
    text = written.read_bytes().decode()
    expected = [sys.executable, "-m", "archive", "app", "--index", str(index_dir.resolve())]
    if kind == "linux":
        assert written.name == "news-archive-elections-2024.desktop"
        assert "Name=Elections 2024\n" in text and "Terminal=true\n" in text
        assert desktop_exec(text) == expected
    elif kind == "macos":
        assert written.name == "Elections 2024.command" and os.access(written, os.X_OK)
        assert text.startswith("#!/bin/sh\n") and shlex.split(text.splitlines()[-1]) == ["exec", *expected]
    else:
        assert written.name == "Elections 2024.bat" and text.startswith("@echo off\r\n")
        assert text.endswith(" ".join(f'"{arg}"' for arg in expected) + "\r\n")


def test_a_launcher_quotes_what_would_break_its_line(tmp_path: Path):
    _, text = launcher_text("linux", "A", tmp_path / 'odd "name" $HOME %u')
    assert desktop_exec(text)[-1] == str(tmp_path / 'odd "name" $HOME %u')
    _, bat = launcher_text("windows", "A", Path("C:/Users/me/100% news"))
    assert "100%% news" in bat
