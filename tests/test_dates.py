"""Dates on the corpus index (2023-2024; the seed and wire .txt stories are undated): from/to, histogram, bad dates."""

from __future__ import annotations

import pytest

from archive.errors import BadParameter
from archive.search import SearchRequest, search
from archive.store import open_index


def run(index_dir, q="", **params):
    single = {k: v for k, v in params.items() if isinstance(v, str)}
    request = SearchRequest.from_params({"q": q, **single}.get, lambda name: list(params.get(name, [])))
    return search(open_index(index_dir), request)


def test_from_to_keeps_only_that_range_and_drops_undated(corpus_index):
    everything = run(corpus_index, sort="oldest")
    march = run(corpus_index, sort="oldest", **{"from": "2024-03-01", "to": "2024-03-31"})
    assert 0 < march["total"] < everything["total"]
    assert all("2024-03-01" <= h["published"][:10] <= "2024-03-31" for h in march["hits"])
    assert march["histogram"]["undated"] == 0
    newest = run(corpus_index, sort="newest", **{"to": "2024-03-31"})
    assert newest["hits"][0]["published"][:10] <= "2024-03-31"
    since = run(corpus_index, **{"from": "2024-04-01"})
    assert since["total"] + march["total"] < everything["total"]


def test_histogram_counts_every_match_by_month_with_undated_apart(corpus_index):
    result = run(corpus_index, "oil")
    hist = result["histogram"]
    assert hist["interval"] == "month"
    # A story counts in every month one of its versions falls in, so the bins may add up to a little more.
    assert result["total"] <= sum(b["count"] for b in hist["bins"]) + hist["undated"] <= result["total"] * 1.02
    labels = [b["label"] for b in hist["bins"]]
    assert labels == sorted(labels) and labels[0].startswith("2023-")
    april = next(b for b in hist["bins"] if b["label"] == "2024-04")
    assert (april["from"], april["to"]) == ("2024-04-01", "2024-04-30")
    narrowed = run(corpus_index, "oil", **{"from": april["from"], "to": april["to"]})
    assert narrowed["total"] == april["count"]
    assert run(corpus_index, "Erdogan")["histogram"] == {"interval": "month", "bins": [], "undated": 1}


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"from": "1987-13-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "87-03-01"}, "to"),
        ({"from": "1987-04-01", "to": "1987-03-01"}, "to"),
    ],
)
def test_bad_dates_are_named(params, name):
    with pytest.raises(BadParameter) as caught:
        SearchRequest.from_params(params.get, lambda _: [])
    assert caught.value.message.startswith(f"{name}: ")


def test_search_page_histogram_bars_link_and_say_their_counts(client):
    html = client.get("/search?q=oil").get_data(as_text=True)
    assert '<svg viewBox="0 0 640 120" role="group" aria-label="Matching stories by month' in html
    assert 'href="/search?q=oil&amp;from=2024-04-01&amp;to=2024-04-30" aria-label="Apr 2024: ' in html
    assert "undated, not shown" in html
    narrowed = client.get("/search?q=oil&from=2024-04-01&to=2024-04-30").get_data(as_text=True)
    assert 'value="2024-04-01"' in narrowed and 'aria-label="Remove date filter"' in narrowed
    bad = client.get("/api/search?from=1987-02-30")
    assert bad.status_code == 400 and bad.get_json()["error"]["message"].startswith("from:")


def test_cli_search_takes_dates_source_and_year(corpus_index):
    import json

    from click.testing import CliRunner

    from archive.cli import main

    args = ["search", "oil", "--from", "2024-03-01", "--to", "2024-03-31", "--source", "Reuters", "--year", "2024"]
    result = CliRunner().invoke(main, [*args, "--json", "--index", str(corpus_index)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["from"] == "2024-03-01" and data["filters"] == {"source": ["Reuters"], "year": ["2024"]}
    dates = {"from": "2024-03-01", "to": "2024-03-31"}
    assert data["total"] == run(corpus_index, "oil", source=["Reuters"], year=["2024"], **dates)["total"] == 2
    bad = CliRunner().invoke(main, ["search", "oil", "--from", "April", "--index", str(corpus_index)])
    assert bad.exit_code != 0 and "from: invalid parameter" in bad.output
