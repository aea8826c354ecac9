"""A reporter's marks on stories, in a real browser (Chromium through Playwright) against the real app.

Star a story, tag it, write a note, add it to a collection; filter the search by each; reload; re-index
the folder with the real CLI; find every mark still there; and on a phone find the tags and the source
above the story's text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import SHOTS, index_with_cli, page_total, serve

pytestmark = pytest.mark.browser
STORIES = {
    "harbour.txt": "Harbour contract goes to a Danish builder\n\nAARHUS (Northwire) – The port of Aarhus gave "
    "its new quay contract to a Danish builder on Monday, the harbour board said.\n\nThe quay will be ready "
    "in 2027, the board said.\n",
    "grain.txt": "Grain barges wait at the lock\n\nROTTERDAM (Northwire) – Forty grain barges waited at the "
    "Volkerak lock on Tuesday after a gate failed, the waterways authority said.\n\nRepairs take two days.\n",
    "ferry.txt": "Ferry line adds a night crossing\n\nKIEL (Northwire) – A ferry line will add a night crossing "
    "between Kiel and Oslo from May, the company said on Wednesday.\n\nTickets go on sale next week.\n",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str]]:
    folder = tmp_path_factory.mktemp("notes-news")
    for name, text in STORIES.items():
        (folder / name).write_text(text, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("notes-index")
    assert "3 indexed" in index_with_cli(index_dir, folder)
    for url in serve(index_dir, index_dir / "saved.json"):
        yield folder, index_dir, url


def marks(page) -> dict[str, object]:
    """What the article page shows of its story's marks."""
    box = page.locator("#annotations")
    return {
        "starred": box.get_by_role("button", name="★ Starred").count() == 1,
        "tags": box.get_by_role("list", name="Tags").locator("a").all_inner_texts(),
        "collections": box.get_by_role("list", name="Collections").locator("a").all_inner_texts(),
        "notes": box.locator(".note-text").all_inner_texts(),
    }


def test_star_tag_note_and_collect_a_story_filter_by_each_and_keep_them_through_reindexing(archive, browser):
    folder, index_dir, url = archive
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(f"{url}/search?q=harbour")
    page.get_by_role("link", name="Harbour contract goes to a Danish builder").click()
    page.wait_for_url("**/articles/*")
    article_url = page.url.split("?")[0]
    page.get_by_role("button", name="☆ Star").click()
    page.wait_for_url("**#annotations")
    page.get_by_label("Add a tag").fill("Port deals")
    page.get_by_role("button", name="Tag", exact=True).click()
    page.wait_for_selector("#annotations a.tag:has-text('Port deals')")
    page.get_by_text("Notes (0)").click()
    page.get_by_label("Add a note").fill("Ask the harbour board for the bid list.\nSecond line kept.")
    page.get_by_role("button", name="Save note").click()
    page.wait_for_selector(".note-text")
    page.get_by_label("Add to a collection").fill("Aarhus quay")
    page.get_by_role("button", name="Add to collection").click()
    page.wait_for_selector("#annotations a.tag:has-text('Aarhus quay')")
    # A second story gets the same tag through the suggestion list: one spelling, counted twice.
    page.goto(f"{url}/search?q=grain")
    page.get_by_role("link", name="Grain barges wait at the lock").click()
    assert page.locator("#known-tags option").evaluate_all("os => os.map(o => o.value)") == ["Port deals"]
    page.get_by_label("Add a tag").fill("port deals")
    page.get_by_role("button", name="Tag", exact=True).click()
    page.wait_for_selector("#annotations a.tag:has-text('Port deals')")

    expected = {
        "starred": True,
        "tags": ["Port deals"],
        "collections": ["Aarhus quay"],
        "notes": ["Ask the harbour board for the bid list.\nSecond line kept."],
    }
    page.goto(article_url)
    assert marks(page) == expected
    page.reload()
    assert marks(page) == expected

    # Each is a facet with counts and a filter, as the others are.
    page.goto(f"{url}/search")
    assert page_total(page) == 3
    for facet, name, stories in (("tag", "Port deals", 2), ("star", "★ Starred", 1), ("collection", "Aarhus quay", 1)):
        page.goto(f"{url}/search")
        link = page.locator(f"#facet-{facet} ~ ul").get_by_role("link", name=re.compile(f"^{re.escape(name)}"))
        link.click()
        page.wait_for_url(f"**{facet}=*")
        assert page_total(page) == stories, facet
        assert page.get_by_role("link", name="Harbour contract goes to a Danish builder").count() == 1
        assert page.locator(".hit a.tag.mine", has_text="Port deals").count() == stories  # the marks on each hit

    # Re-indexing (a story changed, one added) keeps every mark on its story.
    (folder / "grain.txt").write_text(STORIES["grain.txt"].replace("two days", "three days"), encoding="utf-8")
    (folder / "rail.txt").write_text(STORIES["ferry.txt"].replace("Ferry line", "Rail line"), encoding="utf-8")
    output = index_with_cli(index_dir, folder)
    assert "1 indexed, 1 updated" in output, output
    page.goto(article_url)
    assert marks(page) == expected
    page.goto(f"{url}/search?tag=Port+deals")
    assert page_total(page) == 2

    # The collection's page lists the story, and its export carries the tags and notes.
    page.goto(f"{url}/collections")
    page.get_by_role("link", name="Aarhus quay").click()
    assert page.get_by_role("link", name="Harbour contract goes to a Danish builder").count() == 1
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    (row,) = csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")))
    assert row["headline"] == "Harbour contract goes to a Danish builder" and row["tags"] == "Port deals"
    assert row["notes"].endswith(": Ask the harbour board for the bid list.\nSecond line kept.")
    page.close()


def test_on_a_phone_the_tags_and_source_come_before_the_text(archive, browser):
    _, _, url = archive
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{url}/search?q=ferry")
    page.get_by_role("link", name="Ferry line adds a night crossing").click()
    page.wait_for_url("**/articles/*")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    body = page.locator(".body").bounding_box()["y"]
    for part in ("#annotations", ".source-line"):
        box = page.locator(part).bounding_box()
        assert box["y"] < body and box["y"] < 844, part  # on the first screen, above the text
    assert page.locator(".source-line").get_by_role("link", name="Open original").count() == 1
    page.screenshot(path=str(SHOTS / "article-phone-annotations.png"), full_page=False)
    page.close()
