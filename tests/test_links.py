"""Only http(s) URLs are links: `javascript:`, `data:`, `vbscript:` (however disguised) never reach an href, the API's
`url` or an export's `url`; the raw value stays as text under `url_text`."""

from __future__ import annotations

import csv
import io
import json

import pytest

from archive.search.stored import safe_url
from archive.web import create_app
from tests.helpers import index_with_cli

BODY = "LISBON (Reuters) - The harbour {word} said on Monday that ferries would sail again.\n\nTickets are on sale."
HOSTILE_URLS = {
    "zyxjs": "javascript:alert(document.domain)",
    "zyxdata": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "zyxvb": "vbscript:msgbox(1)",
    "zyxcase": "JaVaScRiPt:alert(1)",
    "zyxtab": "java\tscript:alert(1)",
    "zyxspace": " javascript:alert(1)",
    "zyxnohost": "http:alert(1)",
}
GOOD = "https://news.example/ferries?id=1&lang=en"


@pytest.fixture(scope="module")
def link_client(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("links")
    rows = [{"id": word, "headline": f"Ferry {word} sails", "body": BODY.format(word=word), "url": url}
            for word, url in {**HOSTILE_URLS, "zyxgood": GOOD}.items()]  # fmt: skip
    (folder / "export.jsonl").write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("links-index")
    index_with_cli(index_dir, folder)
    return create_app({"INDEX_DIR": index_dir, "SAVED_SEARCHES": index_dir / "saved.json"}).test_client()


def ids(client) -> dict[str, str]:
    """Code word -> article id."""
    hits = client.get("/api/search?q=ferry").get_json()["hits"]
    return {hit["headline"].split()[1]: hit["id"] for hit in hits}


def test_safe_url():
    assert safe_url(GOOD) == GOOD and safe_url("HTTP://Example.org/") == "HTTP://Example.org/"
    for url in [*HOSTILE_URLS.values(), "", None, 7, "//evil.example/", "ftp://x.example/", "https://[bad/"]:
        assert safe_url(url) is None, url


def test_the_api_links_only_http_urls_and_keeps_the_rest_as_text(link_client):
    found = ids(link_client)
    assert set(found) == {*HOSTILE_URLS, "zyxgood"}
    hits = {hit["headline"].split()[1]: hit for hit in link_client.get("/api/search?q=ferry").get_json()["hits"]}
    for word, raw in HOSTILE_URLS.items():
        article = link_client.get(f"/api/articles/{found[word]}").get_json()
        assert article["url"] is None and article["url_text"] == raw.strip(), word  # the reader trims it
        assert hits[word]["url"] is None, word
    good = link_client.get(f"/api/articles/{found['zyxgood']}").get_json()
    assert good["url"] == GOOD and "url_text" not in good and hits["zyxgood"]["url"] == GOOD


def test_exports_carry_only_http_urls(link_client):
    lines = link_client.get("/api/export?q=ferry&format=jsonl").get_data(as_text=True).splitlines()
    urls = {row["headline"].split()[1]: row["url"] for row in map(json.loads, lines)}
    assert urls == {**dict.fromkeys(HOSTILE_URLS), "zyxgood": GOOD}
    rows = list(csv.DictReader(io.StringIO(link_client.get("/api/export?q=ferry").get_data(as_text=True))))
    assert {row["headline"].split()[1]: row["url"] for row in rows} == {
        **dict.fromkeys(HOSTILE_URLS, ""),
        "zyxgood": GOOD,
    }


def test_pages_never_make_a_link_of_them(link_client):
    found = ids(link_client)
    for word, raw in HOSTILE_URLS.items():
        html = link_client.get(f"/articles/{found[word]}").get_data(as_text=True)
        scheme = raw.strip().split(":")[0].replace("\t", "").lower()
        assert f'href="{scheme}' not in html.lower().replace("\t", ""), word
        assert "<code>" in html, word  # shown as text
    html = link_client.get(f"/articles/{found['zyxgood']}").get_data(as_text=True)
    assert f'href="{GOOD.replace("&", "&amp;")}"' in html
    search = link_client.get("/search?q=ferry").get_data(as_text=True).lower()
    assert "javascript:" not in search and "vbscript:" not in search and 'href="data:' not in search


def test_the_committed_corpus_keeps_its_links(client):
    hits = client.get("/api/search?q=cocoa").get_json()["hits"]
    assert any(hit["url"] and hit["url"].startswith("https://") for hit in hits)
