"""The `archive` command: extract --json on the seed, ner over stdin, search --json, clean errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from archive.cli import main
from tests.helpers import SEED


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(main, list(args), **kwargs)


def test_extract_seed_json():
    result = invoke("extract", str(SEED), "--json")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    article = json.loads(lines[0])
    for name in (
        "id",
        "source",
        "url",
        "headline",
        "headline_derived",
        "byline",
        "authors",
        "dateline",
        "published",
        "body",
        "subheads",
        "credits",
        "entities",
        "countries",
        "topics",
    ):
        assert name in article, name
    assert article["authors"] == ["Orhan Coskun"]
    assert article["dateline"] == {"place": "Ankara", "agency": "Reuters", "date": None}
    assert article["credits"] == {"writing": ["Tuvan Gumrukcu"], "editing": ["Dominic Evans", "Timothy Heritage"]}
    assert {"TR", "RU", "SY"} <= set(article["countries"])
    assert "politics" in article["topics"]
    assert "AREAS OF COOPERATION" in article["subheads"]
    assert article["source"] == str(SEED.resolve())
    assert article["headline_derived"] is True and article["published"] is None


def test_extract_seed_entities_merged():
    article = json.loads(invoke("extract", str(SEED), "--json").output)
    people = article["entities"]["people"]
    assert people[0] == "Tayyip Erdogan"  # "Erdogan" mentions fold into the full name
    assert "Erdogan" not in people and "Assad" not in people
    assert {"Vladimir Putin", "Bashar al-Assad"} <= set(people)
    assert "NATO" in article["entities"]["organizations"]
    assert {"Turkey", "Russia", "Syria"} <= set(article["entities"]["places"])


def test_ner_reads_lines_and_writes_offsets():
    text = "Vladimir Putin met Tayyip Erdogan in Sochi.\n\nNATO said Turkey bought Russian missiles.\n"
    result = invoke("ner", input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 3 and rows[1] == {"ents": []}
    lines = text.splitlines()
    spans = {lines[0][s:e]: label for s, e, label in rows[0]["ents"]}
    assert spans.get("Vladimir Putin") == "PERSON" and spans.get("Sochi") == "GPE"
    spans = {lines[2][s:e]: label for s, e, label in rows[2]["ents"]}
    assert spans.get("NATO") == "ORG" and spans.get("Russian") == "NORP"


def test_a_model_that_cannot_load_is_one_clear_error(monkeypatch):
    monkeypatch.setenv("ARCHIVE_SPACY_MODEL", "en_core_web_nonexistent")
    result = invoke("ner", input=b"Hello\n")
    assert result.exit_code == 1
    assert "en_core_web_nonexistent: the spaCy pipeline could not be loaded" in result.output
    assert "pip install" in result.output and "Traceback" not in result.output


def test_search_json_is_the_api_shape(seed_index):
    result = invoke("search", "Erdogan", "--country", "TR", "--json", "--index", str(seed_index))
    data = json.loads(result.output)
    assert data["total"] == 1 and data["facets"]["country"]["TR"] == 1


def test_search_without_an_index_says_so(tmp_path):
    result = invoke("search", "x", "--index", str(tmp_path / "none"))
    assert result.exit_code == 1 and "run `archive index PATH` first" in result.output


def test_retag_applies_an_edited_topics_file(tmp_path):
    index_dir = tmp_path / "index"
    assert invoke("index", "--index", str(index_dir), str(SEED)).exit_code == 0
    (index_dir / "topics.toml").write_text('[diplomacy]\nlabel = "diplomacy"\nterms = ["talks=30", "Sochi=30"]\n')
    result = invoke("retag", "--index", str(index_dir))
    assert result.exit_code == 0 and "1 articles re-tagged" in result.output
    data = json.loads(invoke("search", "Erdogan", "--json", "--index", str(index_dir)).output)
    assert data["hits"][0]["topics"][0] == "diplomacy"
