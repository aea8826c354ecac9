"""A real browser (Debian's Chromium driven by Playwright) against the real app on a real index."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from archive.web import create_app
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "test-output" / "screenshots"
# Without these, Chromium keeps trying to reach Google's hosts, which this machine's network refuses.
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server(seed_index: Path) -> Iterator[str]:
    app = create_app({"INDEX_DIR": seed_index})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=QUIET_FLAGS)
        yield browser
        browser.close()


def test_search_filter_and_open_an_article(server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/search")
    page.get_by_label("Search the archive").fill("Erdogan")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?q=Erdogan*")
    assert page.locator(".hit").count() == 1
    assert page.locator("mark.match").first.inner_text().lower() == "erdogan"

    page.get_by_role("link", name="🇹🇷 Turkey").click()
    page.wait_for_url("**country=TR*")
    assert page.get_by_role("list", name="Active filters").inner_text().startswith("🇹🇷 Turkey")
    page.screenshot(path=str(SHOTS / "search.png"), full_page=True)

    page.locator(".hit h3 a").first.click()
    page.wait_for_url("**/articles/*")
    assert page.locator("h1").inner_text().startswith("Turkish President Tayyip Erdogan")
    assert "Orhan Coskun" in page.locator(".byline").inner_text()
    page.screenshot(path=str(SHOTS / "article.png"), full_page=True)

    page.get_by_role("link", name="politics and government").click()
    page.wait_for_url("**topic=politics*")
    assert page.locator(".hit").count() == 1
    page.close()


def test_phone_width_keeps_results_first(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{server}/search?q=Erdogan")
    results_top = page.locator(".results").bounding_box()["y"]
    facets_top = page.locator(".facets").bounding_box()["y"]
    assert results_top < facets_top
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SHOTS / "search-phone.png"), full_page=True)
    page.close()
