"""Other sites kept out: the Host check (DNS rebinding), CSRF on every POST, security headers, a CSP the pages keep."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archive.web import create_app
from archive.web.security import CSP
from tests.helpers import csrf_token

PAGES = (
    "/search",
    "/search?q=cocoa",
    "/saved",
    "/entities/country/TR",
    "/",
    "/sources",
    "/static/style.css",
    "/api/search?q=cocoa",
)


def article_id(client) -> str:
    return client.get("/api/search?q=cocoa").get_json()["hits"][0]["id"]


def test_every_response_carries_the_security_headers(client):
    for url in (*PAGES, f"/articles/{article_id(client)}", "/no-such-page", "/api/search?page=0", "/api/openapi.json"):
        headers = client.get(url).headers
        assert headers["Content-Security-Policy"] == CSP, url
        assert "frame-ancestors 'none'" in CSP and "script-src 'self';" in CSP  # only this server's own script files
        assert "unsafe" not in CSP
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["X-Frame-Options"] == "DENY", url
        assert headers["Referrer-Policy"] == "same-origin", url


def test_the_pages_need_nothing_the_csp_refuses(client):
    """No inline script or style, no event handler attributes, nothing loaded from another origin."""
    for url in (*PAGES[:6], f"/articles/{article_id(client)}"):
        html = client.get(url).get_data(as_text=True)
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S)
        assert all(body == "" for body in scripts), url  # no inline script: only files this server serves
        tags = re.findall(r"<script[^>]*>", html)
        assert all(re.fullmatch(r'<script src="/static/[\w.]+" defer>', tag) for tag in tags), url
        assert "<style" not in html and " style=" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html.replace('href="https://', "")), url


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:5000", "127.0.0.1:8080", "[::1]:5000", "LOCALHOST", "localhost."]
)
def test_local_host_names_are_answered(client, host):
    assert client.get("/api/search", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:5000", "localhost.evil.example", "10.0.0.7", ""])
def test_other_host_names_are_a_400_even_under_dns_rebinding(client, host):
    api = client.get("/api/search?q=cocoa", headers={"Host": host})
    assert api.status_code == 400 and api.get_json()["error"]["message"].startswith("Host: ")
    assert "hits" not in api.get_data(as_text=True)
    page = client.get("/search?q=cocoa", headers={"Host": host})
    assert page.status_code == 400 and "ARCHIVE_ALLOWED_HOSTS" in page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"] == CSP


def test_allowed_hosts_from_the_environment_and_the_config(corpus_index, tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_ALLOWED_HOSTS", "archive.lan, Search.Example.org")
    client = create_app({"INDEX_DIR": corpus_index}).test_client()
    assert client.get("/api/search", headers={"Host": "search.example.org:443"}).status_code == 200
    assert client.get("/api/search", headers={"Host": "archive.lan"}).status_code == 200
    assert client.get("/api/search", headers={"Host": "localhost"}).status_code == 400  # the list replaces the default
    client = create_app({"INDEX_DIR": corpus_index, "ALLOWED_HOSTS": "*"}).test_client()
    assert client.get("/api/search", headers={"Host": "anything.example"}).status_code == 200


def saved_file(client) -> Path:
    return client.application.config["SAVED_SEARCHES"]


def test_a_form_from_the_page_saves_and_deletes(client):
    token = csrf_token(client)
    same = {"Origin": "http://localhost"}
    assert client.post("/saved", data={"q": "cocoa", "csrf_token": token}, headers=same).status_code == 303
    entry = json.loads(saved_file(client).read_text())[0]
    html = client.get("/saved").get_data(as_text=True)
    assert f'name="csrf_token" value="{token}"' in html  # the delete buttons carry it too
    referer = {"Referer": "http://localhost/saved"}
    assert client.post(f"/saved/{entry['id']}/delete", data={"csrf_token": token}, headers=referer).status_code == 303
    assert json.loads(saved_file(client).read_text()) == []


@pytest.mark.parametrize(
    ("headers", "with_token", "named"),
    [
        ({}, False, "csrf_token"),  # a form from anywhere without the token
        ({"Origin": "https://evil.example"}, True, "Origin"),  # a stolen token from another site
        ({"Origin": "null"}, True, "Origin"),  # a sandboxed frame or a data: page
        ({"Referer": "https://evil.example/page"}, True, "Referer"),
        ({"Origin": "http://localhost:9999"}, True, "Origin"),  # another port is another origin
    ],
)
def test_cross_site_posts_are_refused_and_change_nothing(client, headers, with_token, named):
    token = csrf_token(client)
    data = {"q": "cocoa", "name": "mine", "csrf_token": token}
    assert client.post("/saved", data=data).status_code == 303
    before = saved_file(client).read_text()
    entry_id = json.loads(before)[0]["id"]
    forged = {"q": "forged", **({"csrf_token": token} if with_token else {})}
    for url in ("/saved", f"/saved/{entry_id}/delete"):
        response = client.post(url, data=forged, headers=headers)
        assert response.status_code == 403, url
        assert named in response.get_data(as_text=True), url
    assert saved_file(client).read_text() == before


def test_a_token_from_another_session_is_refused(client, corpus_index, tmp_path):
    token = csrf_token(client)
    other = create_app({"INDEX_DIR": corpus_index, "SAVED_SEARCHES": tmp_path / "other.json"}).test_client()
    assert other.post("/saved", data={"q": "cocoa", "csrf_token": token}).status_code == 403
    assert not (tmp_path / "other.json").exists()


def test_a_future_post_is_protected_too(client):
    """Any state-changing method on any path passes the same check (here one no route takes)."""
    assert client.post("/api/search").status_code == 403
    assert client.delete("/saved").get_data(as_text=True).count("csrf_token") == 1
    token = csrf_token(client)
    assert client.post("/api/search", data={"csrf_token": token}).status_code == 405  # then the router answers
