"""A damaged index (segment files truncated or overwritten, the table of contents lost) is a clear error naming
its folder: JSON under /api/, a page elsewhere, the traceback in the log; and no unexpected error is a bare 500."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from archive.web import create_app

URLS = ("/search?q=cocoa", "/api/search?q=cocoa", "/api/export?q=cocoa", "/api/search", "/api/facets?country=TR")


def truncate(path: Path) -> None:
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size // 3)


def overwrite(path: Path) -> None:
    path.write_bytes(b"\0" * path.stat().st_size)


DAMAGE: dict[str, tuple[str, Callable[[Path], None]]] = {
    "truncated terms": ("MAIN_*.trm", truncate),
    "overwritten terms": ("MAIN_*.trm", overwrite),
    "truncated stored fields": ("MAIN_*_stored.col", truncate),
    "truncated postings": ("MAIN_*.pst", truncate),
    "overwritten column terms": ("columns/terms.sqlite", overwrite),
    "lost table of contents": ("_MAIN_*.toc", Path.unlink),
    "overwritten table of contents": ("_MAIN_*.toc", overwrite),
}


@pytest.fixture()
def damaged(corpus_index: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    pattern, damage = DAMAGE[request.param]
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index, index_dir)
    files = list(index_dir.glob(pattern))
    assert files, pattern
    for path in files:
        damage(path)
    return index_dir


@pytest.mark.parametrize("damaged", list(DAMAGE), indirect=True)
def test_a_damaged_index_is_a_clear_error_naming_it(damaged, tmp_path, caplog):
    client = create_app({"INDEX_DIR": damaged, "SAVED_SEARCHES": tmp_path / "saved.json"}).test_client()
    for url in URLS:
        with caplog.at_level(logging.ERROR):
            response = client.get(url)
        if response.status_code == 200 and not url.endswith("search?q=cocoa"):
            continue  # a search that reads no damaged part may still answer
        assert response.status_code == 500, url
        if url.startswith("/api/"):
            assert response.is_json, url
            message = response.get_json()["error"]["message"]
        else:
            assert response.mimetype == "text/html", url
            message = response.get_data(as_text=True)
        assert str(damaged) in message and "damaged" in message and "archive rebuild" in message, url
        assert "Traceback" not in message, url
    assert any(record.exc_info for record in caplog.records)  # the traceback is in the log


def test_an_unexpected_error_is_logged_and_answered_in_kind(client, caplog, monkeypatch):
    """A bug (not the index): JSON under /api/, a page elsewhere, and the traceback in the log."""
    from archive.web import api, pages

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(api, "search", broken)
    monkeypatch.setattr(pages, "search", broken)
    with caplog.at_level(logging.ERROR):
        api_answer = client.get("/api/search?q=x")
        page = client.get("/search?q=x")
    assert api_answer.status_code == 500 and api_answer.get_json()["error"]["message"].startswith("the server failed")
    assert page.status_code == 500 and page.mimetype == "text/html" and "in its log" in page.get_data(as_text=True)
    assert "damaged" not in page.get_data(as_text=True)
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is ZeroDivisionError]
    assert len(logged) == 2 and "/api/search?q=x" in logged[0].getMessage()
