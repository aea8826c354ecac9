"""The Flask app through its test client: pages, JSON API, errors, and untrusted text kept as text."""

from __future__ import annotations

from html import unescape as html_unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.web import create_app

HOSTILE = (
    "<script>alert('headline')</script> Erdogan meets <b>Putin</b>\n\n"
    "SOCHI (Reuters) - Erdogan said <script>alert('body')</script> talks on Syria & Idlib went well.\n"
)


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.txt").write_text(HOSTILE)
    index_dir = tmp_path_factory.mktemp("hostile-index")
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder)])
    assert result.exit_code == 0, result.output
    return index_dir


def test_search_page_shows_hits_and_named_facets(client):
    page = client.get("/search?q=Erdogan")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Turkish President Tayyip Erdogan will visit Russia" in html
    assert "Turkey" in html and "country=TR" in html  # names, not only codes
    assert "politics and government" in html
    assert '<mark class="match' in html
    assert "By Orhan Coskun" in html and "Ankara" in html


def test_facet_link_filters_and_chip_removes(client):
    html = client.get("/search?q=Erdogan&country=TR").get_data(as_text=True)
    assert 'aria-label="Active filters"' in html
    assert 'href="/search?q=Erdogan"' in html  # the chip's link drops the filter
    assert "1</strong> story" in html


def test_article_page(client):
    article_id = client.get("/api/search?q=Erdogan").get_json()["hits"][0]["id"]
    html = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "Headline derived from the lead" in html
    assert "<h2>AREAS OF COOPERATION</h2>" in html
    assert "Writing by Tuvan Gumrukcu; Editing by Dominic Evans and Timothy Heritage" in html
    assert "Also mentioned" in html
    assert client.get("/articles/nope").status_code == 404


def test_api_search_and_article(client):
    data = client.get("/api/search?q=Erdogan&country=TR&topic=politics").get_json()
    assert data["total"] == 1 and set(data) >= {"total", "hits", "facets"}
    hit = data["hits"][0]
    assert set(hit) >= {"id", "headline", "published", "authors", "countries", "topics", "snippet", "score"}
    assert data["facets"]["country"]["TR"] == 1
    article = client.get(f"/api/articles/{hit['id']}").get_json()
    assert article["authors"] == ["Orhan Coskun"] and article["dateline"]["place"] == "Ankara"
    assert article["indexed"]


def test_api_errors_are_json_naming_the_parameter(client):
    for url, status, start in [
        ("/api/search?page=abc", 400, "page:"),
        ("/api/search?sort=x", 400, "sort:"),
        ("/api/search?q=" + "x" * 2000, 400, "q:"),
        ("/api/articles/nope", 404, "no article"),
        ("/api/nothing-here", 404, ""),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.get_json()["error"]["message"].startswith(start), url


def test_bad_query_on_the_page_is_a_message_not_a_trace(client):
    page = client.get("/search?page=-3")
    assert page.status_code == 400
    assert "page: invalid parameter" in page.get_data(as_text=True)


def test_no_index_yet_says_what_to_do(tmp_path):
    client = create_app({"INDEX_DIR": tmp_path / "none"}).test_client()
    page = client.get("/search")
    assert page.status_code == 503 and "archive index" in page.get_data(as_text=True)
    assert client.get("/api/search").get_json()["error"]["status"] == 503


def test_markup_in_articles_and_queries_stays_text(hostile_index):
    client = create_app({"INDEX_DIR": hostile_index}).test_client()
    for url in ("/search?q=Erdogan", "/search?q=<script>alert(1)</script>", "/search?q=script"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html, url
        assert "&lt;script&gt;" in html, url
    article_id = client.get("/api/search?q=Erdogan").get_json()["hits"][0]["id"]
    html = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;body&#x27;)&lt;/script&gt;" in html


def test_web_process_does_not_import_spacy():
    import subprocess
    import sys

    code = "import sys, wsgi; wsgi.app.test_client().get('/search'); print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_article_page_marks_the_query_words_to_the_last_paragraph(client):
    article_id = client.get("/api/search?q=Erdogan").get_json()["hits"][0]["id"]
    search_html = client.get("/search?q=drones").get_data(as_text=True)
    assert f'href="/articles/{article_id}?q=drones"' in search_html  # the result link carries the query
    html = client.get(f"/articles/{article_id}?q=drones OR Sochi").get_data(as_text=True)
    body = html.split('<div class="body">')[1].split("</div>")[0]
    assert '<mark class="match">drones</mark> to Ukraine' in body  # stemmed: `drones` and `drone` both match
    assert 'the <mark class="match">drone</mark> sales would be discussed in <mark class="match">Sochi</mark>' in body
    assert "<mark" not in client.get(f"/articles/{article_id}").get_data(as_text=True).split('<div class="body">')[1]


def test_more_like_this_and_its_api(client):
    article_id = client.get("/api/search?q=Erdogan").get_json()["hits"][0]["id"]
    data = client.get(f"/api/articles/{article_id}/similar").get_json()
    assert data["id"] == article_id and len(data["similar"]) == 5
    assert data["similar"][0]["headline"] == "Turkey and Germany sign high-speed rail deal"  # Ankara, Turkish officials
    assert article_id not in {s["id"] for s in data["similar"]}
    assert client.get("/api/articles/nope/similar").status_code == 404


def test_did_you_mean_help_and_a_malformed_query(client):
    html = client.get("/search?q=Erdgan+visti").get_data(as_text=True)
    assert 'Did you mean <a href="/search?q=Erdogan+visit">Erdogan visit</a>?' in html
    assert "Did you mean" not in client.get("/search?q=Erdogan").get_data(as_text=True)
    assert '<details class="help">' in html and "<summary>Search tips</summary>" in html
    bad = client.get("/search?q=published:yesterday")
    assert bad.status_code == 400
    page = html_unescape(bad.get_data(as_text=True))
    assert "search box (q): cannot search for this (“published:yesterday” could not be read: published takes" in page
    assert "Traceback" not in page
    message = client.get("/api/search?q=published:yesterday").get_json()["error"]["message"]
    assert message.startswith("search box (q):") and "published:yesterday" in message
