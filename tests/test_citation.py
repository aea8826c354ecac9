"""Citations of an article (plain, BibTeX, CSL-JSON) and the page that shows them, on the corpus index."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from html import unescape

from archive.search.citation import cite

ARTICLE = {
    "id": "0123456789abcdef",
    "headline": "OPEC & Russia agree 5% cut_in {output}",
    "authors": ["Ayla Jean Yackley", "Dmitry Zhdannikov"],
    "dateline": {"place": "Vienna", "agency": "Reuters", "date": None},
    "published": "2024-03-05T08:15:00Z",
    "url": "https://www.example.com/opec?id=7",
}


def test_three_styles_carry_outlet_authors_headline_date_url_archive_link_and_access_date():
    styles = cite(ARTICLE, "http://archive.lan/articles/0123456789abcdef", date(2026, 12, 2))
    assert styles["plain"] == (
        "Ayla Jean Yackley and Dmitry Zhdannikov. “OPEC & Russia agree 5% cut_in {output}.” Reuters, 5 March 2024. "
        "https://www.example.com/opec?id=7. Archived copy: http://archive.lan/articles/0123456789abcdef "
        "(accessed 2 December 2026)."
    )
    bibtex = styles["bibtex"]
    assert bibtex.startswith("@misc{yackley2024_01234567,\n") and bibtex.endswith("\n}")
    assert "  title = {{OPEC \\& Russia agree 5\\% cut\\_in \\{output\\}}}" in bibtex  # TeX specials escaped
    assert "  author = {Ayla Jean Yackley and Dmitry Zhdannikov}" in bibtex and "  month = mar" in bibtex
    assert "  url = {https://www.example.com/opec?id=7}" in bibtex and "  urldate = {2026-12-02}" in bibtex
    assert "\\url{http://archive.lan/articles/0123456789abcdef}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")
    [item] = json.loads(styles["csl"])
    assert item["type"] == "article-newspaper" and item["container-title"] == "Reuters"
    assert item["author"][0] == {"family": "Yackley", "given": "Ayla Jean"}
    assert item["issued"] == {"date-parts": [[2024, 3, 5]]} and item["accessed"] == {"date-parts": [[2026, 12, 2]]}
    assert item["URL"] == ARTICLE["url"] and item["note"].endswith("/articles/0123456789abcdef")


def test_an_undated_page_without_author_or_agency_cites_its_site_and_n_d():
    article = {**ARTICLE, "authors": [], "dateline": {"place": None, "agency": None}, "published": None}
    styles = cite(article, "http://a/articles/x", date(2026, 1, 9))
    assert styles["plain"].startswith("“OPEC & Russia agree 5% cut_in {output}.” example.com, n.d. https://")
    assert styles["bibtex"].startswith("@misc{examplecomnd_01234567,") and "year =" not in styles["bibtex"]
    [item] = json.loads(styles["csl"])
    assert "issued" not in item and "author" not in item and item["container-title"] == "example.com"


def test_the_article_page_shows_the_citation_as_text(client):
    hit = client.get("/api/search?q=cocoa&sort=oldest").get_json()["hits"][0]
    html = client.get(f"/articles/{hit['id']}").get_data(as_text=True)
    plain = unescape(re.search(r'<p class="citation" id="citation-plain">(.*?)</p>', html, re.S).group(1))
    today = datetime.now(UTC).date()
    assert f"“{hit['headline'].rstrip('.')}.”" in plain and f"http://localhost/articles/{hit['id']}" in plain
    assert plain.endswith(f"(accessed {today.day} {today:%B %Y}).")
    bibtex = unescape(re.search(r'id="citation-bibtex">(.*?)</pre>', html, re.S).group(1))
    assert bibtex.startswith("@misc{") and f"urldate = {{{today.isoformat()}}}" in bibtex
    csl = json.loads(unescape(re.search(r'id="citation-csl">(.*?)</pre>', html, re.S).group(1)))
    assert csl[0]["id"] == hit["id"]
    assert '<button type="button" class="quiet" data-copy="citation-plain" hidden>Copy citation</button>' in html
