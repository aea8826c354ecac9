"""A real browser (Debian's Chromium driven by Playwright) against the real app on the corpus index.

It does what a journalist does: search, tick two countries, set dates, open an article, follow an
entity, export; once with JavaScript off; at a phone's width; and with hostile articles that must
never run a script. Screenshots of the main pages go to test-output/screenshots/.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from tests.helpers import SHOTS, page_total, serve

pytestmark = pytest.mark.browser
PWN = "window.__pwned = (window.__pwned || 0) + 1"
HOSTILE = [
    f"<script>{PWN}; alert('headline')</script> Erdogan meets <b>Putin</b>\n\n"
    f"SOCHI (Reuters) - Erdogan said <script>{PWN}; alert('body')</script> talks on Syria went well.\n",
    f'Putin <img src=x onerror="{PWN}"> visits Ankara\n\n'
    f'ANKARA (Reuters) - Vladimir Putin met <a href="javascript:{PWN}">Erdogan</a> and '
    f'<svg onload="{PWN}"></svg> officials from the Turkish Foreign Ministry in Ankara.\n',
]


@pytest.fixture(scope="module")
def server(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(corpus_index, tmp_path_factory.mktemp("saved") / "saved.json")


@pytest.fixture(scope="module")
def corpus_server(corpus_index: Path) -> Iterator[str]:
    yield from serve(corpus_index)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile")
    for n, text in enumerate(HOSTILE):
        (folder / f"hostile-{n}.txt").write_text(text)
    index_dir = tmp_path_factory.mktemp("hostile-index")
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder)])
    assert result.exit_code == 0, result.output
    yield from serve(index_dir, index_dir / "saved.json")


def facet_count(page, facet: str, name: str) -> int:
    value = page.get_by_role("link", name=re.compile(f"^{name}"))
    item = page.locator(f".facet[aria-labelledby='facet-{facet}'] li", has=value)
    return int(item.locator(".count").inner_text().replace(",", ""))


def test_search_tick_two_countries_dates_article_entity_export(corpus_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(f"{corpus_server}/search")
    page.get_by_label("Search the archive").fill("oil")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search?q=oil*")
    everything = page_total(page)
    us, gb = facet_count(page, "country", "🇺🇸 United States"), facet_count(page, "country", "🇬🇧 United Kingdom")

    page.locator("#facet-country ~ ul").get_by_role("link", name=re.compile("^🇺🇸 United States")).click()
    page.wait_for_url("**country=US*")
    assert page_total(page) == us
    topic_with_us = facet_count(page, "topic", "economy, business and finance")
    page.locator("#facet-country ~ ul").get_by_role("link", name=re.compile("^🇬🇧 United Kingdom")).click()
    page.wait_for_url("**country=GB*")
    both = page_total(page)
    assert max(us, gb) < both <= us + gb < everything
    assert facet_count(page, "country", "🇬🇧 United Kingdom") == gb  # the ticked facet keeps its own counts
    assert facet_count(page, "topic", "economy, business and finance") > topic_with_us  # others follow the ticks
    assert page.locator('.facets a[aria-current="true"]').count() == 2
    assert page.get_by_role("list", name="Active filters").locator("li").count() == 2

    bars = page.locator(".histogram a")
    assert bars.count() >= 3 and re.match(r"\w{3} 2023: [\d,]+ stor(y|ies)", bars.first.get_attribute("aria-label"))
    page.get_by_label("From", exact=True).fill("2024-03-01")
    page.get_by_label("To", exact=True).fill("2024-03-31")
    page.get_by_role("button", name="Set dates").click()
    page.wait_for_url("**to=2024-03-31*")
    march = page_total(page)
    assert 0 < march < both
    assert all("2024-03" in d for d in page.locator(".hit time").all_inner_texts())
    page.screenshot(path=str(SHOTS / "search.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert len(rows) == march and all(r["published"].startswith("2024-03") for r in rows)

    page.locator(".hit h3 a").first.click()
    page.wait_for_url("**/articles/*?q=oil")
    assert page.locator(".body mark.match").count() >= 1
    assert page.locator(".body mark.match").first.inner_text().lower().startswith("oil")
    assert page.get_by_role("heading", name="More like this").is_visible()
    page.screenshot(path=str(SHOTS / "article.png"), full_page=True)

    page.locator(".details").get_by_role("link", name=re.compile("United States")).first.click()
    page.wait_for_url("**/entities/country/US")
    assert page.locator("h1").inner_text() == "🇺🇸 United States"
    assert page.get_by_role("heading", name="Appears most with").is_visible()
    assert page.locator(".histogram a").count() >= 3
    page.screenshot(path=str(SHOTS / "entity.png"), full_page=True)
    page.close()


def test_a_story_with_versions_opens_them_on_its_article_page(corpus_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{corpus_server}/search?q=" + "headline:%22british ports group said to plan bond issue%22")
    assert page_total(page) == 1  # three wire copies, one story
    page.get_by_role("link", name=re.compile(r"^\d+ other versions?$")).click()
    page.wait_for_url("**/articles/*#versions")
    versions = page.locator("#versions li")
    assert page.get_by_role("heading", name="Other versions of this story").is_visible() and versions.count() >= 1
    versions.first.get_by_role("link").click()
    page.wait_for_url("**/articles/*")
    assert "BRITISH PORTS GROUP" in page.locator("h1").inner_text()
    page.screenshot(path=str(SHOTS / "article-versions.png"), full_page=True)
    page.close()


def test_the_search_box_says_what_it_changed_and_offers_the_operator_reading(corpus_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{corpus_server}/search?q=" + "oil or gas OR")
    notices = page.get_by_role("list", name="How the search box read your search")
    assert notices.is_visible() and notices.inner_text().strip() == "The trailing OR was ignored."
    literal = page_total(page)
    assert literal >= 1
    offer = page.locator(".suggestion.operators")
    assert offer.is_visible() and offer.inner_text() == "Search for oil OR gas instead?"
    offer.get_by_role("link", name="oil OR gas").click()
    page.wait_for_url("**/search?q=oil+OR+gas")
    assert page_total(page) > literal  # either word finds more than both
    assert not page.locator(".suggestion.operators").count() and not page.locator(".notices").count()
    page.goto(f"{corpus_server}/search?q=" + "%22air defences")  # an unclosed quote: the phrase, and a notice
    assert "The quote that was never closed was closed at the end." in page.locator(".notices").inner_text()
    assert page_total(page) == 1
    page.close()


def test_without_javascript_search_tick_open_and_save(server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/search")
    page.get_by_label("Search the archive").fill("Erdogan")
    page.get_by_label("Search the archive").press("Enter")
    page.wait_for_url("**/search?q=Erdogan*")
    assert page.locator(".hit").count() == 1
    assert page.locator("mark.match").first.inner_text().lower() == "erdogan"
    page.get_by_role("link", name=re.compile("^🇹🇷 Turkey")).click()
    page.wait_for_url("**country=TR*")
    assert page.get_by_role("list", name="Active filters").inner_text().startswith("🇹🇷 Turkey")
    page.get_by_text("Search tips").click()  # <details> opens without a script
    assert page.get_by_text("any word starting with").is_visible()

    page.get_by_label("Name", exact=True).fill("Erdogan in Turkey")
    page.get_by_role("button", name="Save search").click()
    page.wait_for_url("**/saved")
    assert page.get_by_role("link", name="Erdogan in Turkey", exact=True).is_visible()
    assert page.get_by_text("nothing new").is_visible()
    page.get_by_role("link", name="Erdogan in Turkey", exact=True).click()
    page.wait_for_url("**/search?q=Erdogan&country=TR")

    page.locator(".hit h3 a").first.click()
    page.wait_for_url("**/articles/*")
    assert page.locator("h1").inner_text().startswith("Turkish President Tayyip Erdogan")
    page.get_by_role("link", name="politics and government").click()
    page.wait_for_url("**/entities/topic/politics")
    assert page.locator(".entity-head h1").inner_text() == "politics and government"
    context.close()


def test_keyboard_and_landmarks(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/search?q=Erdogan")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement") and skip.bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    for _ in range(40):  # tab on until a facet link has the focus: it must show a visible outline
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.facets') !== null"):
            break
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    assert page.get_by_role("main").count() == 1 and page.get_by_role("search").count() == 1
    assert page.get_by_role("navigation", name="Site").count() == 1
    assert page.get_by_role("complementary", name="Filters").count() == 1
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select')]
           .filter(el => !el.labels.length && !el.getAttribute('aria-label')).length"""
    )
    assert unlabelled == 0
    page.close()


def test_phone_width_keeps_results_first(corpus_server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for url in ("/search?q=oil&country=US&from=2024-01-01", "/entities/country/TR"):
        page.goto(f"{corpus_server}{url}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
    page.goto(f"{corpus_server}/search?q=oil&country=US&from=2024-01-01")
    assert page.locator(".hit").first.is_visible() and not page.locator(".facets").is_visible()  # behind Filters
    page.screenshot(path=str(SHOTS / "search-phone.png"), full_page=False)
    page.close()


def test_phone_width_fits_a_histogram_of_two_years(corpus_server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for url in ("/search?q=oil&country=US", "/entities/country/US"):  # Feb 2023 to Nov 2024: 22 monthly bars
        page.goto(f"{corpus_server}{url}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
    page.close()


def test_hostile_articles_and_queries_never_run_a_script(hostile_server, browser):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    def visit(url: str) -> None:
        page.goto(hostile_server + url)
        assert page.evaluate("window.__pwned") is None, url  # each page load starts clean: check every one

    for url in (
        "/search?q=Erdogan",
        "/search?q=Putin",
        "/search?q=<script>window.__pwned=1</script>",
        "/search?q=%22%3Cimg src=x onerror=window.__pwned=1%3E%22",
        "/search?q=Erdgan",  # the "did you mean" link carries the query too
    ):
        visit(url)
    visit("/search?q=Erdogan")
    headlines = page.locator(".hit h3").all_inner_texts()
    assert any("<script>" in h for h in headlines) and any("<img" in h for h in headlines)  # shown as text
    assert any("<script>" in s for s in page.locator(".snippet").all_inner_texts())
    articles = [a.get_attribute("href") for a in page.locator(".hit h3 a").all()]
    assert len(articles) == 2
    for href in articles:
        visit(href)
        assert "<" in page.locator(".body").inner_text()  # the markup is shown as text
        assert page.locator(".body a, .body img, .body svg, a[href^='javascript:']").count() == 0
        for entity in [a.get_attribute("href") for a in page.locator(".details a[href^='/entities/']").all()]:
            visit(entity)
    visit("/search?q=Erdogan")
    page.get_by_role("button", name="Save search").click()
    page.wait_for_url("**/saved")
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    page.close()


def test_the_csp_refuses_nothing_the_pages_use_and_a_save_posts_with_its_token(server, browser):
    """Chromium enforces the Content-Security-Policy: no page may trip it (the stylesheet, the check-mark image
    and the forms all pass); the saved-search form posts from the page and the delete button works."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(f"{server}/search?q=Erdogan&country=TR")
    assert page.evaluate("getComputedStyle(document.body).fontFamily")  # the stylesheet loaded
    checked = page.locator(".facets a.selected").first
    assert "check.svg" in checked.evaluate("el => getComputedStyle(el, '::before').backgroundImage")
    page.get_by_label("Name", exact=True).fill("CSP check")
    page.get_by_role("button", name="Save search").click()
    page.wait_for_url("**/saved")
    page.get_by_label("Delete CSP check…").click()  # the delete asks first
    page.get_by_role("button", name="Delete saved search CSP check").click()
    page.wait_for_url("**/saved")
    assert page.get_by_role("link", name="CSP check", exact=True).count() == 0
    page.goto(f"{server}/entities/country/TR")
    page.goto(f"{server}/search?q=Erdogan")
    page.locator(".hit h3 a").first.click()
    page.wait_for_url("**/articles/*")
    assert refused == []
    page.close()
