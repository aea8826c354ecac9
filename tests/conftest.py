"""Shared fixtures: the seed, the committed test corpus, ../shared corpora (skipped with a reason), a web client.

Constants and helpers live in tests/helpers.py; test modules import from there, never from here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.web import create_app
from tests.helpers import CHROMIUM, CORPORA, CORPUS, NO_CORPORA, QUIET_FLAGS, SEEDS, SHOTS, index_with_cli, need_corpora
from tests.makers import named_stories_jsonl


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `corpus` need ../shared/corpora: without it they skip, saying so."""
    if item.get_closest_marker("corpus") and not CORPORA.is_dir():
        pytest.skip(NO_CORPORA)


@pytest.fixture(scope="session")
def reuters_000() -> Path:
    return need_corpora("reuters21578", "reut2-000.sgm")


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index built by the real CLI from seeds/ alone."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    index_with_cli(index_dir, SEEDS)
    return index_dir


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed plus the committed test corpus (tests/data/corpus, every format), indexed by the real CLI.

    Read-only: tests that add, change or remove articles build an index of their own.
    """
    index_dir = tmp_path_factory.mktemp("corpus-index")
    output = index_with_cli(index_dir, SEEDS, CORPUS)
    assert "61 indexed" in output, output
    return index_dir


@pytest.fixture(scope="session")
def named_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stories whose names the archive joins into entities (tests/makers.py NAMED_STORIES; no NER runs).

    Tests that write its entities.toml remove it when they end."""
    folder = tmp_path_factory.mktemp("named")
    (folder / "named.jsonl").write_text(named_stories_jsonl(), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("named-index")
    index_with_cli(index_dir, folder)
    return index_dir


@pytest.fixture()
def client(corpus_index: Path, tmp_path: Path):
    """The Flask app's test client over the corpus index; saved searches go to this test's own file."""
    app = create_app({"INDEX_DIR": corpus_index, "SAVED_SEARCHES": tmp_path / "saved.json", "TESTING": True})
    return app.test_client()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright, headless (the browser tests)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=QUIET_FLAGS)
        yield browser
        browser.close()
