"""A real browser, JavaScript off, corrects entities from their pages: merges two, hides one, shows it again;
the facets, the entity pages and the article pages follow at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import serve

pytestmark = pytest.mark.browser


@pytest.fixture()
def named_server(named_index: Path) -> Iterator[str]:
    (named_index / "entities.toml").unlink(missing_ok=True)
    yield from serve(named_index)
    (named_index / "entities.toml").unlink(missing_ok=True)


def people(page) -> list[str]:
    return page.locator(".facet[aria-labelledby='facet-person'] li a").all_inner_texts()


def test_merge_and_hide_from_the_entity_pages(named_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{named_server}/search")
    assert any(n.startswith("Volodymyr Zelenskiy") for n in people(page))
    page.goto(f"{named_server}/entities/person/Volodymyr%20Zelenskiy")
    page.get_by_label(re.compile("^Rename, or merge")).fill("Volodymyr Zelensky")
    page.get_by_role("button", name="Rename or merge").click()
    page.wait_for_url("**/entities/person/Volodymyr%20Zelensky")
    assert page.locator(".lede strong").inner_text() == "2"
    assert "Volodymyr Zelenskiy" in page.locator(".entity-names").inner_text()
    page.goto(f"{named_server}/search")
    merged = [n for n in people(page) if n.startswith("Volodymyr Zelensk")]
    assert len(merged) == 1 and merged[0].startswith("Volodymyr Zelensky")
    assert page.locator(".facet[aria-labelledby='facet-org'] li a", has_text="OPEC").count() == 1

    page.goto(f"{named_server}/entities/org/OPEC")
    page.get_by_role("button", name="Hide from facets and pages").click()
    page.wait_for_url("**/entities/org/OPEC")
    assert "Hidden" in page.get_by_role("status").inner_text()
    page.goto(f"{named_server}/search")
    assert page.locator(".facet[aria-labelledby='facet-org'] li a", has_text="OPEC").count() == 0
    page.goto(f"{named_server}/search?q=ceiling")
    page.locator(".hit h3 a").first.click()
    assert page.locator("a[href='/entities/org/OPEC']").count() == 0  # the article page names it no more
    page.goto(f"{named_server}/entities/org/OPEC")
    page.get_by_role("button", name="Show it again").click()
    page.wait_for_url("**/entities/org/OPEC")
    assert page.locator(".lede strong").inner_text() == "3"
    context.close()
