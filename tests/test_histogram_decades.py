"""The date histogram of a mixed-decade archive: empty years fold into gaps, quiet years stay visible, and the
search page says which days the archive covers. On a small JSON Lines archive indexed by the real CLI."""

from __future__ import annotations

import json
import random
import re

import pytest

from archive.web import create_app
from tests.helpers import index_with_cli

WORDS = ("harbour", "council", "budget", "strike", "election", "river", "bridge", "grain", "tariff", "court")


def story(n: int, year: int) -> dict:
    rng = random.Random(n)  # a text of its own, so no two are taken for versions of one story
    body = " ".join(rng.choice(WORDS) + str(rng.randrange(10_000)) for _ in range(60))
    return {
        "headline": f"Dispatch {n} from {year}",
        "body": f"Decade dispatch. {body}.",
        "published": f"{year}-06-0{1 + n % 9}",
    }


@pytest.fixture(scope="module")
def decades(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("decades")
    years = [1952] + [1987] * 40 + [1988] * 3 + [2023, 2024]  # one tall year, a long silence, recent trickles
    lines = [json.dumps(story(n, year)) for n, year in enumerate(years)]
    (folder / "archive.jsonl").write_text("\n".join(lines) + "\n")
    index_dir = tmp_path_factory.mktemp("decades-index")
    index_with_cli(index_dir, folder)
    return create_app({"INDEX_DIR": index_dir, "SAVED_SEARCHES": index_dir / "saved.json"}).test_client()


def test_empty_years_fold_into_gaps_and_the_span_is_the_whole_archive(decades):
    result = decades.get("/api/search?q=decade").get_json()
    bins = result["histogram"]["bins"]
    assert result["histogram"]["interval"] == "year"
    assert [(b["label"], b["count"], b.get("gap", False)) for b in bins] == [
        ("1952", 1, False), ("1953–1986", 0, True), ("1987", 40, False), ("1988", 3, False),
        ("1989–2022", 0, True), ("2023", 1, False), ("2024", 1, False),
    ]  # fmt: skip
    assert bins[1]["from"] == "1953-01-01" and bins[1]["to"] == "1986-12-31"
    assert result["span"] == {"from": "1952-06-01", "to": "2024-06-01"}
    narrowed = decades.get("/api/search?q=decade&from=1987-01-01&to=1988-12-31").get_json()
    assert narrowed["span"] == result["span"]  # the archive's span, not the search's


def test_the_chart_draws_gaps_as_breaks_and_keeps_a_quiet_year_visible(decades):
    html = decades.get("/search?q=decade").get_data(as_text=True)
    assert html.count('<g class="gap" role="img" aria-label="1953–1986: no stories">') == 1
    assert 'href="/search?q=decade&amp;from=1953-01-01' not in html  # a gap is no link
    assert "(bar heights on a square-root scale)" in html and "⋯ marks years with none" in html
    heights = {
        label: float(h)
        for label, h in re.findall(
            r'aria-label="(\d{4}): [\d,]+ stor(?:y|ies)">.*?class="bar"[^>]*height="([\d.]+)"', html, re.S
        )
    }
    assert heights["1987"] == 120 and heights["2024"] >= 120 / 40**0.5 - 0.1  # √(1/40) of the peak, not 1/40
    assert '<time datetime="1952-06-01">1952-06-01</time> to <time datetime="2024-06-01">' in html
