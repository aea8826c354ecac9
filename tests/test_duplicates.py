"""Duplicates: exact copies stored once, versions of a story grouped, and copies surviving their original."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.ingest.grouping import BandTable, article_fingerprint, similarity
from archive.ingest.readers.wire import parse_wire_text
from archive.search import SearchRequest, get_article, search, similar, versions
from archive.store import open_index
from archive.web import create_app
from tests.helpers import SEED, indexed_ids

SEED_ARTICLE = parse_wire_text(SEED.read_text(encoding="utf-8"), str(SEED))
HEADLINE, BODY = SEED_ARTICLE.headline, SEED_ARTICLE.body
PARAGRAPHS = BODY.split("\n\n")


def write_jsonl(path: Path, **record: str) -> str:
    path.write_text(json.dumps(record) + "\n")
    (article_id,) = indexed_ids(path, path.parent)
    return article_id


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """The seed story four times: the original, an exact copy, an update hours later, a rewrite two weeks later."""
    root = tmp_path_factory.mktemp("dups")
    folder, index_dir = root / "news", root / "index"
    folder.mkdir()
    ids = {
        "original": write_jsonl(folder / "a.jsonl", headline=HEADLINE, body=BODY, date="2020-03-05T10:00:00Z"),
        "copy": write_jsonl(folder / "b.jsonl", title=HEADLINE, text=BODY, date="2020-03-05T11:30:00Z"),
        "update": write_jsonl(
            folder / "c.jsonl",
            headline="Erdogan and Putin agree ceasefire in Syria's Idlib",
            body="\n\n".join(PARAGRAPHS[:-3]),
            date="2020-03-05T16:00:00Z",
        ),
        "later": write_jsonl(
            folder / "d.jsonl",
            headline=HEADLINE,
            body="\n\n".join(["Two weeks on, the ceasefire held.", *PARAGRAPHS[1:]]),
            date="2020-03-20T09:00:00Z",
        ),
    }
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder)])
    assert "4 indexed" in result.output, result.output
    return folder, index_dir, ids


def test_an_exact_copy_is_stored_once_and_points_at_its_original(folder):
    _, index_dir, ids = folder
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        stored = searcher.document(id=ids["copy"])
    assert stored["copy_of"] == ids["original"] and "body" not in stored  # the text is stored once
    copy = get_article(ix, ids["copy"])
    assert copy["copy_of"] == ids["original"] and copy["body"] == BODY
    assert copy["published"].startswith("2020-03-05T11:30")  # its own date, the original's text and entities
    assert "Tayyip Erdogan" in copy["entities"]["people"]


def test_versions_of_a_story_show_as_one_hit_and_list_each_other(folder):
    _, index_dir, ids = folder
    ix = open_index(index_dir)
    result = search(ix, SearchRequest(q="Erdogan"))
    # The update joins the original's story; the same words two weeks later are a story of their own.
    assert result["total"] == 2
    assert sorted((hit["id"] in (ids["original"], ids["update"]), hit["versions"]) for hit in result["hits"]) == [
        (False, 0),
        (True, 2),
    ]
    listed = versions(ix, ids["original"])
    assert [(v["id"], v["copy"]) for v in listed] == [(ids["copy"], True), (ids["update"], False)]  # oldest first
    assert ids["update"] not in {s["id"] for s in similar(ix, ids["original"])}  # versions are not "more like this"
    facets = result["facets"]["country"]
    assert facets["TR"] == 2  # counts are stories, as ticking Turkey would show


def test_the_pages_link_a_story_to_its_other_versions(folder):
    _, index_dir, ids = folder
    client = create_app({"INDEX_DIR": index_dir}).test_client()
    page = client.get("/search?q=Erdogan").get_data(as_text=True)
    assert "<strong>2</strong> stories" in page and "2 other versions</a>" in page and "#versions" in page
    article = client.get(f"/articles/{ids['original']}").get_data(as_text=True)
    assert "Other versions of this story" in article and article.count("identical copy") == 1  # the update is not
    assert client.get(f"/articles/{ids['copy']}").get_data(as_text=True).count("An exact copy of") == 1
    api = client.get(f"/api/articles/{ids['original']}/versions").get_json()
    assert [v["id"] for v in api["versions"]] == [ids["copy"], ids["update"]]


def test_a_copy_takes_its_originals_place_when_the_original_goes(folder):
    folder_path, index_dir, ids = folder
    (folder_path / "a.jsonl").unlink()
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder_path)])
    assert "1 removed" in result.output and "3 unchanged" in result.output, result.output
    ix = open_index(index_dir)
    promoted = get_article(ix, ids["copy"])
    assert "copy_of" not in promoted and promoted["body"] == BODY and "Tayyip Erdogan" in promoted["entities"]["people"]
    assert [v["id"] for v in versions(ix, ids["copy"])] == [ids["update"]]
    assert search(ix, SearchRequest(q="Erdogan"))["total"] == 2


def test_similarity_needs_shared_text_and_nearby_dates():
    original = article_fingerprint(SEED_ARTICLE)
    dated = replace(SEED_ARTICLE, published="2020-03-05T10:00:00")
    trimmed = replace(dated, body="\n\n".join(PARAGRAPHS[:4]), published="2020-03-05T18:00:00")
    assert similarity(article_fingerprint(dated), article_fingerprint(trimmed)) > 0  # containment: a trimmed version
    weeks_later = replace(trimmed, published="2020-03-25T18:00:00")
    assert similarity(article_fingerprint(dated), article_fingerprint(weeks_later)) == 0
    other = replace(SEED_ARTICLE, body="Coffee prices rose in Brazil on Monday after frost hit the crop.")
    assert similarity(original, article_fingerprint(other)) == 0


def test_band_candidates_keep_to_nearby_days_and_an_older_table_gains_days(tmp_path: Path) -> None:
    path = tmp_path / "bands.sqlite"
    old = sqlite3.connect(path)  # as archives before days were kept have it
    old.execute("CREATE TABLE buckets (key INTEGER, id TEXT, PRIMARY KEY (key, id)) WITHOUT ROWID")
    old.execute("INSERT INTO buckets VALUES (7, 'from-before')")
    old.commit()
    old.close()
    table = BandTable(path)
    table.add([("two-days-on", [7], 1002), ("three-days-on", [7], 1003), ("undated", [7], None), ("other", [8], 1000)])
    assert table.ids([7], 1000) == {"from-before", "two-days-on", "undated"}
    assert table.ids([7]) == {"from-before", "two-days-on", "three-days-on", "undated"}  # an undated article
