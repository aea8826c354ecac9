"""Working with stories in a real browser (Debian's Chromium through Playwright): copy a citation, follow a saved
search's feed after a new matching file is indexed, open the filters on a phone, see what changed between versions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from playwright.sync_api import expect

from tests.helpers import SHOTS, index_with_cli, page_total, serve

pytestmark = pytest.mark.browser
PORTS = "headline:%22british ports group said to plan bond issue%22"


@pytest.fixture(scope="module")
def corpus_server(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(corpus_index, tmp_path_factory.mktemp("saved") / "saved.json")


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """A small archive of its own, which the feed test adds a file to."""
    folder = tmp_path_factory.mktemp("news")
    (folder / "one.txt").write_text("Cocoa prices rise\n\nACCRA (Reuters) - Cocoa prices rose in Ghana.\n")
    (folder / "two.txt").write_text("Wheat harvest\n\nKYIV (Reuters) - The wheat harvest was poor.\n")
    index_dir = tmp_path_factory.mktemp("news-index")
    index_with_cli(index_dir, folder)
    for url in serve(index_dir, index_dir / "saved.json"):
        yield url, folder, index_dir


def test_copy_citation_puts_the_shown_citation_on_the_clipboard(corpus_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=corpus_server)
    page = context.new_page()
    page.goto(f"{corpus_server}/search?q={PORTS}")
    page.locator(".hit h3 a").first.click()
    page.wait_for_url("**/articles/*")
    shown = page.locator("#citation-plain").inner_text()
    assert shown.startswith("“BRITISH PORTS GROUP SAID TO PLAN BOND ISSUE.” Reuters, 21 May 2024. Archived copy: ")
    assert page.url.split("?")[0] in shown and "(accessed " in shown
    page.get_by_role("button", name="Copy citation").click()
    expect(page.get_by_role("status")).to_have_text("Copied citation.")  # the clipboard answers asynchronously
    assert page.evaluate("navigator.clipboard.readText()") == shown
    page.get_by_text("BibTeX", exact=True).click()
    page.get_by_role("button", name="Copy BibTeX").click()
    expect(page.get_by_role("status")).to_have_text("Copied BibTeX.")
    bibtex = page.evaluate("navigator.clipboard.readText()")
    assert (
        bibtex.startswith("@misc{reuters2024_") and "title = {{BRITISH PORTS GROUP SAID TO PLAN BOND ISSUE}}" in bibtex
    )
    page.screenshot(path=str(SHOTS / "article-cite.png"), full_page=True)
    context.close()

    quiet = browser.new_context(java_script_enabled=False)  # without JavaScript: the text is there, no dead button
    page = quiet.new_page()
    page.goto(f"{corpus_server}/search?q={PORTS}")
    page.locator(".hit h3 a").first.click()
    assert page.locator("#citation-plain").inner_text() == shown
    assert page.get_by_role("button", name="Copy citation").count() == 0
    quiet.close()


def test_a_saved_search_feed_lists_a_new_matching_file_once_indexed(news, browser):
    url, folder, index_dir = news
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/search?q=cocoa")
    page.get_by_label("Name", exact=True).fill("Cocoa watch")
    page.get_by_role("button", name="Save search").click()
    page.wait_for_url("**/saved")
    assert page.get_by_role("list", name="What Cocoa watch searches for").count() == 0  # a <dl>, not a list
    assert page.locator(".asks").inner_text().split() == ["Words", "cocoa"]
    feed = page.get_by_role("link", name="Feed of new stories for Cocoa watch")
    feed_url = url + feed.get_attribute("href")
    assert feedparser.parse(page.request.get(feed_url).body()).entries == []

    (folder / "three.txt").write_text("Cocoa exports climb\n\nACCRA (Reuters) - Ghana's cocoa exports grew.\n")
    (folder / "four.txt").write_text("Wheat again\n\nKYIV (Reuters) - More wheat, no beans.\n")
    index_with_cli(index_dir, folder)
    answer = page.request.get(feed_url)
    assert answer.ok and answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(answer.body())
    assert not parsed.bozo and [e.title for e in parsed.entries] == ["Cocoa exports climb"]
    page.goto(parsed.entries[0].link)  # the entry leads to the story in the archive
    assert page.locator("h1").inner_text() == "Cocoa exports climb"

    page.goto(f"{url}/search?q=wheat")  # any search page says the saved search has news
    assert page.locator(".saved-news").inner_text() == "New in your saved searches: Cocoa watch (1 new)"
    page.locator(".saved-news").get_by_role("link", name="Cocoa watch").click()
    page.wait_for_url("**/search?q=cocoa")
    assert page_total(page) == 2 and page.locator(".saved-news").count() == 0

    page.goto(f"{url}/saved")  # rename, then delete: it asks first
    page.get_by_label("Rename Cocoa watch").click()
    page.get_by_label("New name for Cocoa watch").fill("Ghana cocoa")
    page.get_by_role("button", name="Rename", exact=True).click()
    page.wait_for_url("**/saved")
    assert page.get_by_role("link", name="Ghana cocoa", exact=True).is_visible()
    delete = page.get_by_role("button", name="Delete saved search Ghana cocoa")
    assert not delete.is_visible()
    page.get_by_label("Delete Ghana cocoa…").click()
    assert page.get_by_text("Delete “Ghana cocoa”? This cannot be undone.").is_visible()
    delete.click()
    page.wait_for_url("**/saved")
    assert page.get_by_text("No saved searches yet").is_visible()
    page.close()


def test_on_a_phone_the_filters_button_opens_the_facets(corpus_server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{corpus_server}/search?q=oil&country=US")
    button = page.get_by_role("button", name="Filters (1)")
    assert button.is_visible() and button.bounding_box()["y"] < 400  # at the top of the results, not 5,700 px down
    assert button.bounding_box()["y"] < page.locator(".hit").first.bounding_box()["y"]
    facets = page.get_by_role("complementary", name="Filters")
    assert not facets.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    stories = page_total(page)
    button.click()
    assert facets.is_visible() and abs(facets.bounding_box()["y"]) < 1  # over the page, from its top
    page.screenshot(path=str(SHOTS / "search-phone-filters.png"))
    topic = facets.locator("#facet-topic ~ ul a").first
    topic.click()
    page.wait_for_url("**topic=*")
    assert page_total(page) <= stories and page.get_by_role("button", name="Filters (2)").is_visible()
    page.get_by_role("button", name="Filters (2)").click()
    page.get_by_role("link", name=re.compile(r"^Show [\d,]+ stor(y|ies)$")).click()
    assert not facets.is_visible()
    page.close()

    wide = browser.new_page(viewport={"width": 1280, "height": 900})  # on a wide screen the facets are simply there
    wide.goto(f"{corpus_server}/search?q=oil")
    assert wide.get_by_role("complementary", name="Filters").is_visible()
    assert not wide.get_by_role("button", name="Filters").is_visible()
    wide.close()


def test_the_article_page_shows_what_changed_between_versions(corpus_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{corpus_server}/search?q={PORTS}")
    page.locator(".hit h3 a").first.click()
    page.wait_for_url("**/articles/*")
    changes = page.get_by_role("region", name="What changed")
    expect(changes).to_be_visible()  # the article page may still be loading after the click
    assert "35 words added, 4 removed." in changes.locator(".meta").first.inner_text()
    assert changes.locator(".diff-headline del").all_inner_texts() == [" SAID TO PLAN", " ISSUE"]
    assert changes.locator(".diff-headline ins").inner_text() == " PRICES 500 MLN STG"
    assert changes.locator(".diff-body ins").first.inner_text().startswith("Solent Ports Group priced 500 million")
    page.screenshot(path=str(SHOTS / "article-changes.png"), full_page=True)

    page.locator("#versions").get_by_role("link", name="BRITISH PORTS GROUP PRICES 500 MLN STG BOND").click()
    page.wait_for_url("**/articles/*")
    assert re.match(
        r"From the version of 2024-05-21 09:10 to this version", changes.locator(".meta").first.inner_text()
    )
    assert page.locator("#versions").get_by_role("link", name="compared below").is_visible()  # the 09:10 original
    assert "identical copy" in page.locator("#versions li", has_text="09:41").inner_text()  # nothing to compare
    page.close()
