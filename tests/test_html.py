"""The HTML news-page parser: metadata on hand-written pages, body quality on real ones."""

from __future__ import annotations

import importlib.util
import json

import pytest

from archive.errors import NoArticleText
from archive.ingest.readers.html import parse_html
from tests.helpers import ROOT, need_corpora

PROSE = [
    "The city council voted on Tuesday to close the old harbour bridge to cars, ending a debate that has run for "
    "more than a decade and divided the waterfront neighbourhoods.",
    "Engineers told the council that the steel frame, built in 1931, could no longer carry heavy traffic safely, "
    "and that repairs would cost more than a new crossing.",
    "Shop owners on the north bank said the closure would cut them off from customers, while residents on the "
    "south side welcomed the end of lorries rumbling past their windows at night.",
]


def page(head: str = "", body: str = "", *, lang: str = "en") -> str:
    """A news page with navigation, share buttons, a related box, a newsletter box and a footer around `body`."""
    paragraphs = "".join(f"<p>{text}</p>" for text in PROSE)
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>
    <header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
      <li><a href="/sport">Sport</a></li></ul></nav></header>
    <div class="cookie-notice">We use cookies to improve your experience on our website. By browsing you agree.</div>
    <main><article>{body}
      <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a></div>
      <div class="story-body">{paragraphs}</div>
      <aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Another story about the bridge that
      went on for a while</a></li></ul></aside>
      <div class="newsletter-signup"><p>Sign up for our morning newsletter and get the day's news in your inbox
      every day before breakfast.</p></div>
    </article></main>
    <footer><p>Copyright 2024 The Harbour Gazette. All rights reserved. Contact us at news@example.com.</p></footer>
    </body></html>"""


def test_json_ld_with_a_list_of_authors() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "The Harbour Gazette"},
            {
                "@type": "NewsArticle",
                "headline": "Council closes the harbour bridge to cars",
                "datePublished": "2024-03-05T09:30:00+01:00",
                "author": [
                    {"@type": "Person", "name": "Ana Lima"},
                    "Tom Baker",
                    {"@type": "Organization", "name": "The Harbour Gazette"},
                ],
                "publisher": {"@type": "Organization", "name": "The Harbour Gazette"},
            },
        ],
    }
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta property="og:title" content="Bridge closed | The Harbour Gazette">'
        '<link rel="canonical" href="https://gazette.example/2024/bridge">'
    )
    article = parse_html(page(head), "bridge.html", url="https://gazette.example/x?utm=1")
    assert article.source == "bridge.html"
    assert article.headline == "Council closes the harbour bridge to cars"
    assert article.authors == ("Ana Lima", "Tom Baker")
    assert article.published == "2024-03-05T09:30:00+01:00"
    assert article.url == "https://gazette.example/2024/bridge"
    assert article.language == "en"
    assert article.body == "\n\n".join(PROSE)
    assert article.dateline.place is None and article.entities.people == () and article.topics == ()


def test_json_ld_article_body_stands_in_for_a_page_rendered_by_scripts() -> None:
    text = "\n".join([*PROSE, "The mayor&#8217;s office said the decision was final."])
    ld = {"@type": "NewsArticle", "headline": "Bridge closes", "articleBody": text}
    markup = (
        f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head>'
        '<body><div id="app"></div><script>render()</script></body></html>'
    )
    article = parse_html(markup, "app.html")
    assert article.body == "\n\n".join([*PROSE, "The mayor’s office said the decision was final."])
    assert article.subheads == ()


def test_site_logo_in_h1_and_an_undeclared_site_suffix() -> None:
    head = '<meta property="og:title" content="Council closes the harbour bridge - Harbour Gazette Online">'
    body = '<h1 class="logo"><a href="/">Harbour Gazette Online</a></h1><h1>Council closes the harbour bridge</h1>'
    markup = page(head).replace("<header>", f"<header>{body}")
    assert parse_html(markup, "logo.html").headline == "Council closes the harbour bridge"


def test_json_ld_wrapped_in_cdata() -> None:
    ld = json.dumps({"@type": "NewsArticle", "headline": "Bridge closes", "author": {"name": "Ana Lima"}})
    head = f'<script type="application/ld+json">//<![CDATA[\n{ld};\n//]]></script>'
    article = parse_html(page(head), "cdata.html")
    assert (article.headline, article.authors) == ("Bridge closes", ("Ana Lima",))


def test_opengraph_only() -> None:
    head = (
        '<meta property="og:title" content="Le pont du port fermé aux voitures | La Gazette">'
        '<meta property="og:site_name" content="La Gazette">'
        '<meta property="og:url" content="https://gazette.example/fr/pont">'
        '<meta property="og:locale" content="fr_FR">'
        '<meta property="article:published_time" content="2024-03-05T08:00:00Z">'
        '<meta property="article:author" content="https://gazette.example/authors/ana">'
    )
    article = parse_html(page(head).replace('<html lang="en">', "<html>"), "pont.html")
    assert article.headline == "Le pont du port fermé aux voitures"
    assert article.url == "https://gazette.example/fr/pont"
    assert article.language == "fr"
    assert article.published == "2024-03-05T08:00:00+00:00"
    assert article.authors == ()  # article:author was a URL, not a name


def test_meta_tags_only() -> None:
    head = (
        "<title>Harbour bridge closes - The Harbour Gazette</title>"
        '<meta name="author" content="By Jane Doe and John Roe, Staff Writers">'
        '<meta name="date" content="March 5, 2024, 7:15 PM EST">'
        '<meta name="title" content="Harbour bridge closes">'
    )
    article = parse_html(page(head), "meta.html", url="https://gazette.example/m")
    assert article.headline == "Harbour bridge closes"
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.published == "2024-03-05T19:15:00-05:00"
    assert article.url == "https://gazette.example/m"


def test_visible_byline_only() -> None:
    body = (
        "<h1>Harbour bridge closes to cars after a decade of debate</h1>"
        '<p class="byline">By Ana Lima, Tom Baker and Li Wei, Senior Correspondent</p>'
        '<time datetime="2024-03-05">5 March 2024</time>'
    )
    article = parse_html(page("<title>Bridge | Gazette</title>", body), "byline.html")
    assert article.headline == "Harbour bridge closes to cars after a decade of debate"
    assert article.byline == "By Ana Lima, Tom Baker and Li Wei, Senior Correspondent"
    assert article.authors == ("Ana Lima", "Tom Baker", "Li Wei")
    assert article.published == "2024-03-05"
    assert "By Ana Lima" not in article.body
    assert article.headline not in article.body


def test_site_name_posing_as_author_and_emails_are_dropped() -> None:
    head = (
        '<meta property="og:site_name" content="Harbour Gazette">'
        '<meta name="author" content="Harbour Gazette">'
        '<meta property="og:title" content="Bridge">'
    )
    body = '<p class="byline">By <a rel="author" href="/ana">Ana Lima</a> ana.lima@gazette.example</p>'
    article = parse_html(page(head, body), "s.html")
    assert article.authors == ("Ana Lima",)


def test_subheads_are_kept_in_body_in_reading_order() -> None:
    markup = page().replace(f"<p>{PROSE[1]}</p>", f"<h2>What the engineers found</h2><p>{PROSE[1]}</p>")
    article = parse_html(markup, "sub.html")
    assert article.subheads == ("What the engineers found",)
    assert article.body.split("\n\n") == [PROSE[0], "What the engineers found", PROSE[1], PROSE[2]]


def test_furniture_inside_the_story_is_dropped() -> None:
    furniture = [
        "Advertisement",
        "Let our news meet your inbox. The stories that matter, delivered weekday mornings.",
        '<a href="/a">Bridge tolls to rise</a> | <a href="/b">Ferry timetable changes</a>',
        "Updated Mar. 5, 2024 7:15 PM EST",
    ]
    markup = page().replace(f"<p>{PROSE[1]}</p>", "".join(f"<p>{f}</p>" for f in furniture) + f"<p>{PROSE[1]}</p>")
    assert parse_html(markup, "furniture.html").body == "\n\n".join(PROSE)


def test_paragraphs_made_with_line_breaks() -> None:
    """Blog engines write paragraphs as text between <br><br>; a pasted address stays in the story."""
    text = "<br><br>".join([*PROSE, '<a href="https://t.co/x">https://t.co/x</a>'])
    markup = f'<html><body><div class="post-body">{text}<br></div><div class="sidebar">Archive</div></body></html>'
    assert parse_html(markup, "blog.html").body.split("\n\n") == [*PROSE, "https://t.co/x"]


def test_reader_comments_are_not_the_story_but_commentary_is() -> None:
    comment = (
        "I have lived by this bridge for forty years and I think the council is making a terrible mistake, "
        "as anyone who has tried to cross the river at rush hour will tell you."
    )
    comments = f'<section id="comments"><h2>Comments</h2>{f"<p>{comment}</p>" * 8}</section>'
    markup = page().replace('class="story-body"', 'class="commentary-body"').replace("</main>", comments + "</main>")
    article = parse_html(markup, "opinion.html")
    assert article.body == "\n\n".join(PROSE)


@pytest.mark.parametrize("cut", [0.95, 0.8, 0.6])
def test_broken_and_truncated_html_does_not_raise(cut: int) -> None:
    markup = page('<meta property="og:title" content="Bridge closes">').replace("</p>", "", 1)
    article = parse_html(markup[: int(len(markup) * cut)], "broken.html")
    assert article.headline == "Bridge closes"
    assert PROSE[0] in article.body


def test_deeply_nested_page_does_not_hit_the_recursion_limit() -> None:
    markup = "<html><body>" + "<div>" * 3000 + f"<p>{PROSE[0]}</p>" + "</div>" * 3000 + "</body></html>"
    assert parse_html(markup, "deep.html").body == PROSE[0]


def test_page_without_article_text_raises() -> None:
    markup = (
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<footer>Copyright 2024</footer></body></html>"
    )
    with pytest.raises(NoArticleText) as raised:
        parse_html(markup, "empty.html")
    assert "no article text found" in str(raised.value)
    with pytest.raises(NoArticleText):
        parse_html("", "blank.html")


def test_escaped_script_in_body_text_stays_text() -> None:
    sentence = (
        "The attackers hid <script>alert('owned')</script> inside a comment field of the council's "
        "consultation website, which had been left unpatched since the last election."
    )
    escaped = sentence.replace("<", "&lt;").replace(">", "&gt;")
    markup = page().replace(f"<p>{PROSE[2]}</p>", f"<p>{escaped}</p><script>var injected = 1;</script>")
    article = parse_html(markup, "xss.html")
    assert sentence in article.body
    assert "injected" not in article.body


# --- the shared benchmark -------------------------------------------------


def _bench_module():
    need_corpora("extraction-benchmark")
    spec = importlib.util.spec_from_file_location("bench_extraction", ROOT / "bench" / "bench_extraction.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _bench_module()


@pytest.fixture(scope="module")
def pages(bench) -> dict[str, str]:
    return {page_id: markup for page_id, markup, _true in bench.load_pages()}


@pytest.mark.corpus
def test_benchmark_metric_matches_the_benchmark_conventions(bench) -> None:
    assert bench.page_scores("Alpha beta gamma delta", "alpha beta gamma delta") == (0.0, 0.5, 0.5)  # case counts
    assert bench.page_scores("one two three four five", "one two three four five") == (1.0, 0.0, 0.0)
    assert bench.page_scores("one two three four", "") == (0.0, 0.0, 1.0)  # no prediction: recall 0
    metrics = bench.summarise([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)])  # the empty prediction has no precision
    assert metrics["precision"] == 1.0 and metrics["recall"] == 0.5


@pytest.mark.corpus
def test_body_f1_over_the_benchmark_pages(bench) -> None:
    scores = [bench.page_scores(true, bench.archive_extract(markup)) for _id, markup, true in bench.load_pages()]
    assert bench.summarise(scores)["f1"] >= 0.93


def _page(pages: dict[str, str], prefix: str) -> str:
    (markup,) = [markup for page_id, markup in pages.items() if page_id.startswith(prefix)]
    return markup


@pytest.mark.corpus
def test_ap_story_metadata(pages) -> None:
    """Authors from the visible all-caps AP byline; the agency line is not a person."""
    article = parse_html(_page(pages, "82b6d780"), "ap.html")
    assert article.headline == "Unpredictable Sondland faces questions about Trump, Ukraine"
    assert article.authors == ("Lisa Mascaro", "Mary Clare Jalonick", "Eric Tucker")
    assert article.published == "2019-11-20T05:52:20-05:00"
    assert article.language == "en"
    assert article.body.startswith("WASHINGTON (AP) — Ambassador Gordon Sondland")


@pytest.mark.corpus
def test_cbs_story_metadata(pages) -> None:
    """JSON-LD names one author; the visible byline names all three."""
    article = parse_html(_page(pages, "7a664e40"), "cbs.html")
    assert article.headline == "Impeachment hearings: Key moments from Kurt Volker's and Tim Morrison's testimony"
    assert article.authors == ("Stefan Becket", "Kathryn Watson", "Grace Segers")
    assert article.published == "2019-11-20T06:07:01+00:00"
    assert article.subheads  # the live-blog's section headings


@pytest.mark.corpus
def test_nbc_story_metadata(pages) -> None:
    """An RFC 822 date in JSON-LD keeps its offset; the <title> site suffix is not the headline."""
    article = parse_html(_page(pages, "51d066b0"), "nbc.html")
    assert article.headline == "'We Got Her!': Video Shows Dramatic Rescue of Kidnapped Fort Worth Girl"
    assert article.authors == ("Scott Gordon",)
    assert article.published == "2019-11-18T16:07:38-06:00"
    assert "Share" not in article.body.split("\n\n")


def test_an_xhtml_page_with_an_xml_declaration_reads_without_a_parser_warning(tmp_path):
    import warnings

    from archive.ingest.readers.formats import read_file

    page = tmp_path / "x.html"
    page.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        "<title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1><p>The city harbour "
        "reopened on Monday after a week of repairs to the sea wall, the port authority said, and the first "
        "ferries sailed at dawn.</p></article></body></html>",
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = read_file(page, max_bytes=2**20)
    assert [a.headline for a in result.articles] == ["Harbour reopens"]
    assert not [w for w in caught if "bs4" in (w.filename or "") or "XML" in str(w.message)]
