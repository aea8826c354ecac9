"""The search box as a reporter uses it, query by query, over real indexes: Reuters-21578 (../shared) and
articles this module writes. Each row is a query and how its results must relate to another query's,
or what every hit must (not) hold, or what the box must say; the web page, the API and the CLI answer
from the same search, checked at the end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.errors import BadQuery
from archive.search import SearchRequest, search
from archive.search.query import read_query
from archive.search.selection import select
from archive.store import TEXT_ANALYZER, open_index, snapshot
from archive.web import create_app
from tests.helpers import index_with_cli, need_corpora

BODY = {
    "rates": "ANKARA (Reuters) - Turkish President Tayyip Erdogan said interest rates must fall, and the central "
    "bank's governor agreed. Rates on deposits were rated too high by economists.",
    "rate": "FRANKFURT (Reuters) - The central bank kept its interest rate at 2 pct; the rate was expected. "
    "Oil prices rose.",
    "minister": "RIYADH (Reuters) - The minister for oil said output would stay flat. The oil minister spoke in "
    "Riyadh, the Saudi capital, where gas exports were discussed.",
    "gas": "OSLO (Reuters) - Natural gas prices fell in Norway as the weather warmed and demand eased.",
    "or": "LONDON (Reuters) - Oil or Gas, the trade journal, said it would stop printing; or so its editor said.",
}


def _record(key: str, headline: str, people: list[str]) -> dict:
    return {
        "id": key,
        "headline": headline,
        "body": BODY[key],
        "date": "2024-03-0" + str(len(key) % 9 + 1),
        "entities": {"people": people, "organizations": ["Reuters"], "places": []},
    }


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five short wire stories as a JSON Lines export (their entities given, so no NER runs)."""
    folder = tmp_path_factory.mktemp("written")
    records = [
        _record("rates", "Erdogan wants lower interest rates", ["Tayyip Erdogan"]),
        _record("rate", "Bank holds its interest rate", []),
        _record("minister", "Oil output to stay flat, minister says", []),
        _record("gas", "Gas prices fall in Norway", []),
        _record("or", "Trade journal Oil or Gas to close", []),
    ]
    (folder / "wire.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    index_dir = folder / "index"
    index_with_cli(index_dir, folder / "wire.jsonl")
    return index_dir


@pytest.fixture(scope="module")
def reuters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Reuters-21578 file (about 980 stories) indexed by the real CLI, NER included."""
    source = need_corpora("reuters21578", "reut2-000.sgm")
    index_dir = tmp_path_factory.mktemp("reuters") / "index"
    index_with_cli(index_dir, source)
    return index_dir


def docs(index_dir: Path, q: str, **filters: list[str]) -> set[int]:
    """The documents a query (and filters) match: what every total, facet and page is counted from."""
    ix = open_index(index_dir)
    snap = snapshot(ix)
    request = SearchRequest.from_params({"q": q}.get, lambda name: filters.get(name, []))
    return set(select(snap, read_query(ix, q).query, request).matched.nonzero()[0].tolist())


def answer(index_dir: Path, q: str) -> dict:
    return search(open_index(index_dir), SearchRequest(q=q))


def texts(index_dir: Path, found: set[int]) -> list[str]:
    searcher = snapshot(open_index(index_dir)).searcher
    return [f"{searcher.stored_fields(d)['headline']}\n{searcher.stored_fields(d)['body']}" for d in sorted(found)]


def stems(text: str) -> set[str]:
    return {t.text for t in TEXT_ANALYZER(text)}


def forms(text: str) -> set[str]:
    return {t.text for t in TEXT_ANALYZER(text, no_morph=True)}


# (query, relation, argument). Relations over match sets: same, subset (of), union (a | b), minus (a - b),
# without (no hit holds the word in any form), form (every hit holds the typed form), nonzero, zero;
# over the answer: notice (a notice contains it), operators (the offered reading), error (BadQuery says it).
REUTERS = [
    ("Reagan -Iran", "minus", ("Reagan", "Iran")),
    ("Reagan -Iran", "same", "Reagan NOT Iran"),
    ("Reagan -Iran", "without", "iran"),
    ("Reagan -Iran", "nonzero", None),
    ("Reagan not Iran", "same", "Reagan Iran"),
    ("Reagan not Iran", "operators", "Reagan NOT Iran"),
    ("oil or gas", "same", "oil gas"),
    ("oil or gas", "nonzero", None),
    ("oil or gas", "operators", "oil OR gas"),
    ("oil and gas", "same", "oil AND gas"),
    ("oil and gas", "operators", None),
    ("oil OR gas", "union", ("oil", "gas")),
    ("oil OR", "same", "oil"),
    ("oil OR", "notice", "the trailing OR was ignored"),
    ("oil NOT", "same", "oil"),
    ("oil NOT", "notice", "the trailing NOT was ignored"),
    ("(oil OR", "same", "oil"),
    ("(oil OR", "notice", "never closed"),
    ("oil OR gas OR", "same", "oil OR gas"),
    ("oil OR gas OR", "notice", "the trailing OR was ignored"),
    ("OR oil", "same", "oil"),
    ("oil )", "notice", "“)” with no “(”"),
    ("oil AND OR gas", "same", "oil gas"),
    ('"interest rates', "same", '"interest rates"'),
    ('"interest rates', "notice", "quote that was never closed"),
    ('"interest rates"', "subset", "interest rates"),
    ('"interest rates"', "form", "rates"),
    ('"interest rate"', "form", "rate"),
    ('"interest rates" OR "interest rate"', "union", ('"interest rates"', '"interest rate"')),
    ("=rates", "subset", "rates"),
    ("=rates", "form", "rates"),
    ("=Rates", "same", "=rates"),
    ('-"interest rates" rates', "minus", ("rates", '"interest rates"')),
    ("country:tr", "same", "Country:TR"),
    ("country:tr", "same", "country:turkey"),
    ("country:tr", "same", "COUNTRY:Turkish"),
    ("country:tr", "nonzero", None),
    ("country:atlantis", "zero", None),
    ("country:atlantis", "notice", "no country in the archive is called “atlantis”"),
    ("topic:economy", "same", "topic:economy-business-finance"),
    ("topic:economy", "nonzero", None),
    ("person:reagan", "nonzero", None),
    ("person:reagan", "notice", "was read as"),
    ("source:reuters", "same", "source:Reuters"),
    ("HEADLINE:oil", "same", "headline:oil"),
    ("title:oil", "same", "headline:oil"),
    ('"oil minister"~5', "same", '"minister oil"~5'),
    ('"oil minister"', "subset", '"oil minister"~5'),
    ('"oil minister"~5', "subset", "oil minister"),
    ("+oil gas", "same", "oil gas"),
    ("the oil", "same", "oil"),
    ("oil -the", "same", "oil"),
    ("oil -the", "notice", "too common"),
    ('oil ""', "same", "oil"),
    ("-(oil OR gas) opec", "minus", ("opec", "oil OR gas")),
    ("oil NOT gas", "same", "oil -gas"),
    ("-oil", "same", "NOT oil"),
    ("reag*", "subset", "reag*"),
    ("reagan", "subset", "reag*"),
    ("oil^2", "same", "oil"),
    ("published:yesterday", "error", "“published:yesterday” could not be read: published takes a date"),
    ("foo:bar", "error", "no field called foo; the fields are headline, body"),
]
WRITTEN = [
    ("person:erdogan", "same", 'person:"Tayyip Erdogan"'),
    ("person:erdogan", "nonzero", None),
    ("country:turkey", "same", "country:TR"),
    ("country:turkey", "nonzero", None),
    ('"interest rates"', "form", "rates"),
    ('"interest rates"', "without", "frankfurt"),  # not the story with only "interest rate" (from Frankfurt)
    ("=rate", "without", "erdogan"),
    ("=rate", "nonzero", None),
    ('"oil minister"~3', "same", "oil minister"),
    ('"minister oil"~1', "nonzero", None),
    ("oil or gas", "operators", "oil OR gas"),
    ("oil or gas", "same", "oil gas"),
    ('"oil or gas"', "nonzero", None),
    ("oil -gas", "minus", ("oil", "gas")),
    ("oil -gas", "without", "gas"),
    ("Oil NOT", "same", "oil"),
    ("org:reuters", "same", "ORG:Reuters"),
    ("org:reuters", "nonzero", None),
    ("place:atlantis", "zero", None),
]


def check(index_dir: Path, q: str, relation: str, argument) -> None:
    if relation == "error":
        with pytest.raises(BadQuery) as caught:
            answer(index_dir, q)
        assert caught.value.message.startswith("search box (q): ") and argument in caught.value.message
        return
    found = docs(index_dir, q)
    if relation == "same":
        assert found == docs(index_dir, argument), (q, argument)
        assert answer(index_dir, q)["total"] == answer(index_dir, argument)["total"]
    elif relation == "subset":
        assert found <= docs(index_dir, argument)
    elif relation == "union":
        assert found == docs(index_dir, argument[0]) | docs(index_dir, argument[1])
    elif relation == "minus":
        assert found == docs(index_dir, argument[0]) - docs(index_dir, argument[1])
    elif relation == "without":
        assert found and all(stems(argument).isdisjoint(stems(text)) for text in texts(index_dir, found))
    elif relation == "form":
        assert found and all(argument in forms(text) for text in texts(index_dir, found))
    elif relation == "nonzero":
        assert answer(index_dir, q)["total"] > 0
    elif relation == "zero":
        assert answer(index_dir, q)["total"] == 0
    elif relation == "notice":
        assert any(argument in notice for notice in answer(index_dir, q)["notices"]), answer(index_dir, q)["notices"]
    elif relation == "operators":
        assert answer(index_dir, q)["operators"] == argument
    else:
        raise AssertionError(relation)


@pytest.mark.corpus
@pytest.mark.parametrize(("q", "relation", "argument"), REUTERS)
def test_reuters(reuters: Path, q: str, relation: str, argument) -> None:
    check(reuters, q, relation, argument)


@pytest.mark.parametrize(("q", "relation", "argument"), WRITTEN)
def test_written(written: Path, q: str, relation: str, argument) -> None:
    check(written, q, relation, argument)


def test_a_phrase_is_marked_as_a_phrase_not_word_by_word(written: Path) -> None:
    hit = answer(written, '"interest rates"')["hits"][0]
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", hit["snippet"])
    assert marked == ["interest", "rates"]  # "Rates on deposits" and "rated" are the stem, not the phrase
    app = create_app({"INDEX_DIR": written, "TESTING": True})
    url = f"/articles/{hit['id']}?q="
    page = app.test_client().get(url + "%22interest+rates%22").get_data(as_text=True)
    assert re.findall(r'<mark class="match">(.*?)</mark>', page) == ["interest", "rates"]
    words = app.test_client().get(url + "rates").get_data(as_text=True)
    assert re.findall(r'<mark class="match">(.*?)</mark>', words) == ["rates", "Rates", "rated"]
    exact = app.test_client().get(url + "%3Drates").get_data(as_text=True)
    assert [m.lower() for m in re.findall(r'<mark class="match">(.*?)</mark>', exact)] == ["rates", "rates"]


def test_page_api_and_cli_answer_alike_and_say_what_they_changed(written: Path) -> None:
    q = "oil or gas OR"
    client = create_app({"INDEX_DIR": written, "TESTING": True}).test_client()
    api = client.get("/api/search", query_string={"q": q}).get_json()
    assert api["operators"] == "oil OR gas" and api["notices"] == ["the trailing OR was ignored"]
    page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    assert "The trailing OR was ignored." in page
    assert 'Search for <a href="/search?q=oil+OR+gas">oil OR gas</a> instead?' in page
    cli = CliRunner().invoke(main, ["search", q, "--index", str(written), "--json"])
    assert json.loads(cli.output)["hits"] == api["hits"]
    text = CliRunner().invoke(main, ["search", q, "--index", str(written)]).output
    assert "note: the trailing OR was ignored" in text and "search for oil OR gas instead?" in text
    assert f"{api['total']} stories" in text and "Reuters" in text
    assert "Oil or Gas, the trade journal" in text  # the snippet line
    article_id = answer(written, "erdogan")["hits"][0]["id"]
    shown = CliRunner().invoke(main, ["show", article_id, "--index", str(written)])
    assert shown.exit_code == 0, shown.output
    assert "Erdogan wants lower interest rates" in shown.output and BODY["rates"] in shown.output
    assert "people: Tayyip Erdogan" in shown.output and "countries: Turkey (TR)" in shown.output
    missing = CliRunner().invoke(main, ["show", "nope", "--index", str(written)])
    assert missing.exit_code == 1 and "no article with id nope" in missing.output
