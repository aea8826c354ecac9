"""The Sources page and the home page through the Flask client: what a typed folder may be, the CSRF and
origin checks on every change, the archive's name, and a home page that agrees with the search."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from archive.store.sources import Sources
from archive.web import create_app
from tests.helpers import SEED, csrf_token


@pytest.fixture()
def desk(tmp_path: Path):
    index_dir = tmp_path / "Desk"
    app = create_app({"INDEX_DIR": index_dir, "TESTING": True})
    return app.test_client(), index_dir, tmp_path


def add(client, path: str, token: str, **headers: str):
    return client.post("/sources", data={"path": path, "csrf_token": token}, headers=headers)


def test_a_typed_folder_is_checked_and_each_refusal_says_why(desk):
    client, index_dir, tmp_path = desk
    news = tmp_path / "all" / "news"
    (news / "inner").mkdir(parents=True)
    (news / SEED.name).write_bytes(SEED.read_bytes())
    token = csrf_token(client, "/sources")
    refusals = {
        "": "type the full path of a folder",
        "news": "is not a full path",
        str(tmp_path / "missing"): "no such folder",
        str(news / SEED.name): "is a file, not a folder",
        str(tmp_path): "holds the archive's own index",
        str(index_dir / "sub"): "no such folder",
    }
    for typed, why in refusals.items():
        answer = add(client, typed, token)
        page = html.unescape(answer.get_data(as_text=True))
        assert answer.status_code == 400 and why in page, (typed, page[-2000:])
        assert f'value="{typed}"' in page  # what was typed stays in the box, to be corrected
    assert add(client, f"  {news}  ", token).status_code == 303
    assert [s.path for s in Sources(index_dir).all()] == [str(news)]
    for typed, why in {
        str(news): "already in the archive",
        str(news / "inner"): "which is watched",
        str(tmp_path / "all"): "already a source; remove that one first",
    }.items():
        answer = add(client, typed, token)
        assert answer.status_code == 400 and why in html.unescape(answer.get_data(as_text=True)), typed
    page = client.get("/sources").get_data(as_text=True)
    assert str(news) in page and "The indexer is not running" in page  # nothing indexes under a bare web app


def test_every_change_needs_the_token_and_this_archive_as_its_origin(desk):
    client, index_dir, tmp_path = desk
    token = csrf_token(client, "/sources")
    assert add(client, str(tmp_path / "elsewhere"), "").status_code == 403
    (tmp_path / "news").mkdir()
    refused = add(client, str(tmp_path / "news"), token, Origin="http://evil.example")
    assert refused.status_code == 403 and "another site" in refused.get_data(as_text=True)
    assert Sources(index_dir).all() == []
    assert add(client, str(tmp_path / "news"), token, Origin="http://localhost").status_code == 303
    source = Sources(index_dir).all()[0]
    for action in ("rescan", "pause", "remove"):
        assert client.post(f"/sources/{source.id}/{action}").status_code == 403
        assert client.post(f"/sources/{source.id}/{action}", data={"csrf_token": token}).status_code == 303
    assert client.post("/sources/999/rescan", data={"csrf_token": token}).status_code == 404
    source = Sources(index_dir).all()[0]
    assert source.rescan and source.paused and source.removing
    assert client.post("/quit", data={"csrf_token": token}).status_code == 404  # only `archive app` stops from a page


def test_the_archive_is_named_by_its_folder_then_by_its_user(desk):
    client = desk[0]
    assert "<title>Desk</title>" in client.get("/").get_data(as_text=True)
    token = csrf_token(client, "/sources")
    assert client.post("/name", data={"name": "  Elections   2024 ", "csrf_token": token}).status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert "<title>Elections 2024</title>" in home and 'class="brand" href="/">Elections 2024</a>' in home
    assert "– Elections 2024</title>" in client.get("/search?q=x").get_data(as_text=True)
    assert client.post("/name", data={"name": " ", "csrf_token": token}).status_code == 400


def test_the_home_page_says_what_the_archive_holds(client, corpus_index):
    overview = client.get("/api/search").get_json()
    home = client.get("/").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", home))
    assert f"{overview['total']:,} stories" in text
    months = [b["label"] for b in overview["histogram"]["bins"]]
    span = re.search(r"published from (\d{4}-\d\d)-\d\d to (\d{4}-\d\d)-\d\d", text)
    assert span and (span.group(1), span.group(2)) == (months[0], months[-1])
    assert f"{overview['histogram']['undated']:,} undated" in text
    for source in list(overview["facets"]["source"])[:3]:
        assert source in text
    assert "Last indexed" in text and "none watched" in text
