"""The desktop archive as a newcomer uses it, in a real browser: `archive app` on an empty archive, a folder
added on /sources (a wrong path first), the progress followed to the end, searches, a file dropped into the
folder found within seconds, the folder removed and its stories gone, and the archive stopped from its page
(started with SIGINT ignored, as a launcher or a background job starts it).

Screenshots of /sources while indexing and after go to test-output/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.helpers import CHROMIUM, CORPORA, CORPUS, QUIET_FLAGS, SEED, SHOTS, Started

pytestmark = pytest.mark.browser
WIRE = CORPUS / "reuters" / "wire-2023-2024.sgm"  # Reuters-21578 SGML written for the tests
REUTERS = CORPORA / "reuters21578" / "reut2-000.sgm"  # the real thing, when ../shared is here: its first stories
REUTERS_STORIES = 300
DROPPED = "KIRKWALL (Reuters) - Orkney harbour officials said on Monday the quillwort survey would start in May.\n"


def search_total(page, url: str, q: str) -> int:
    page.goto(f"{url}/search?q={q}")
    text = page.locator("#results-title").inner_text() if page.locator("#results-title").count() else "0"
    return int(re.search(r"[\d,]+", text).group().replace(",", ""))


def wait_until(condition, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_add_a_folder_watch_it_index_search_and_remove_it(tmp_path: Path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    news = tmp_path / "My News"
    news.mkdir()
    shutil.copy(SEED, news / SEED.name)
    shutil.copy(WIRE, news / WIRE.name)
    if REUTERS.exists():
        stories = REUTERS.read_bytes().split(b"</REUTERS>")[:REUTERS_STORIES]
        (news / REUTERS.name).write_bytes(b"</REUTERS>".join(stories) + b"</REUTERS>\n")
    (news / "empty.txt").write_text("")  # a problem the page must name
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    # Started as a launcher or a background job starts it: with SIGINT ignored, which Stop must not depend on.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        app = Started(["app", "--index", str(tmp_path / "Desk"), "--port", "0", "--no-browser"], cwd=tmp_path, env=env)
    finally:
        signal.signal(signal.SIGINT, previous)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=QUIET_FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            refused: list[str] = []
            page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(app.url + "/")
            assert page.title() == "Desk" and page.locator(".brand").inner_text() == "Desk"
            assert "This archive is empty" in page.locator("main").inner_text()
            page.get_by_role("link", name="Sources").first.click()
            page.wait_for_url("**/sources")

            page.get_by_label("Add a folder").fill(str(tmp_path / "no such folder"))
            page.get_by_role("button", name="Add folder").click()
            expect(page.get_by_role("alert")).to_contain_text("no such folder")
            page.get_by_label("Add a folder").fill(str(news))
            page.get_by_role("button", name="Add folder").click()
            page.wait_for_url("**/sources")
            row = page.locator("tr", has=page.get_by_role("rowheader", name=str(news)))
            expect(row).to_have_count(1)
            indexing = page.locator("#progress[data-state=indexing]")
            expect(indexing).to_have_count(1, timeout=60_000)  # swapped in by the page's script as the pass runs
            expect(indexing.locator("progress")).to_have_count(1)
            assert re.search(r"of \d+ files · [\d,]+ articles · [\d,]+ articles/s", indexing.inner_text())
            page.screenshot(path=str(SHOTS / "sources-indexing.png"), full_page=True)

            expect(page.locator("#progress[data-state=done]")).to_have_count(1, timeout=90_000)  # the script follows it
            expect(row.locator("td.num").nth(1)).not_to_have_text("–", timeout=30_000)
            articles = int(row.locator("td.num").nth(1).inner_text().replace(",", ""))
            assert articles >= 11 and "Up to date" in page.locator("#progress").inner_text()
            row.locator(".problems summary").click()  # the problems open without a script: a <details>
            empty = row.locator(".problems li", has_text="empty.txt")
            expect(empty).to_contain_text("no article text found")
            page.screenshot(path=str(SHOTS / "sources-done.png"), full_page=True)

            assert search_total(page, app.url, "Erdogan") == 1  # the seed
            assert search_total(page, app.url, "Teesside") == 1  # the Reuters file
            page.goto(app.url + "/")
            assert "stories" in page.locator(".holds").inner_text() and "Reuters" in page.locator(".facts").inner_text()

            (news / "orkney.txt").write_text(DROPPED)
            assert wait_until(lambda: search_total(page, app.url, "quillwort") == 1, 60), "the new file was not indexed"

            page.goto(app.url + "/sources")
            page.get_by_role("button", name=f"Remove {news} and its stories from the archive").click()
            page.wait_for_url("**/sources")
            assert wait_until(lambda: search_total(page, app.url, "Erdogan") == 0, 60), "the stories stayed"
            assert search_total(page, app.url, "quillwort") == 0 and search_total(page, app.url, "Teesside") == 0
            page.goto(app.url + "/sources")
            expect(page.get_by_role("rowheader", name=str(news))).to_have_count(0)
            assert (news / SEED.name).exists()  # the files themselves are left alone
            assert refused == []

            page.get_by_role("button", name="Stop the archive").click()
            expect(page.get_by_role("status")).to_contain_text("has stopped")
            browser.close()
        assert app.process.wait(timeout=90) == 0, app.text()
        assert "Stopped." in app.text() and "Traceback" not in app.text()
    finally:
        app.kill()
