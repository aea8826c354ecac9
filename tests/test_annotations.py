"""Annotations and stable ids without a browser: a moved folder keeps its ids, tags and notes; an index made
with whole-path ids is migrated with its tags and redirects; an export carries the marks into another
archive; two folders with the same file names keep both; the API refuses what it must, naming it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import archive.ingest.identity as identity
from archive.cli import main
from archive.store.annotations import MIGRATIONS, Annotations
from archive.web import create_app
from tests.helpers import index_with_cli

STORIES = {
    "quay.txt": "Harbour contract goes to a Danish builder\n\nAARHUS (Northwire) – The port of Aarhus gave its "
    "new quay contract to a Danish builder on Monday.\n",
    "2024/lock.txt": "Grain barges wait at the lock\n\nROTTERDAM (Northwire) – Forty grain barges waited at the "
    "Volkerak lock on Tuesday after a gate failed.\n",
}


def write_news(folder: Path, stories: dict[str, str] = STORIES) -> Path:
    for name, text in stories.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def client_for(index_dir: Path):
    return create_app({"INDEX_DIR": index_dir, "TESTING": True}).test_client()


def token(client) -> str:
    return client.get("/api/csrf").get_json()["token"]


def ids_by_headline(client) -> dict[str, str]:
    return {hit["headline"]: hit["id"] for hit in client.get("/api/search").get_json()["hits"]}


def annotate(client, article_id: str, **change) -> dict:
    headers = {"X-CSRF-Token": token(client)}
    answer = client.post(f"/api/articles/{article_id}/annotations", json=change, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def marks(client, article_id: str) -> dict:
    kept = client.get(f"/api/articles/{article_id}/annotations").get_json()
    return {"tags": kept["tags"], "starred": kept["starred"], "notes": [n["text"] for n in kept["notes"]],
            "collections": [c["name"] for c in kept["collections"]]}  # fmt: skip


EXPECTED = {"tags": ["quay"], "starred": True, "notes": ["bid list?"], "collections": ["Aarhus"]}


def test_a_moved_folder_keeps_its_ids_tags_and_notes(tmp_path: Path):
    news, index_dir = write_news(tmp_path / "desk" / "news"), tmp_path / "index"
    index_with_cli(index_dir, news)
    client = client_for(index_dir)
    before = ids_by_headline(client)
    quay = before["Harbour contract goes to a Danish builder"]
    annotate(client, quay, tag="quay", starred=True, note="bid list?", collection="Aarhus")

    moved = tmp_path / "elsewhere" / "renamed-news"
    moved.parent.mkdir()
    shutil.move(news, moved)
    output = index_with_cli(index_dir, moved)
    assert "0 indexed, 0 updated, 2 unchanged" in output, output  # found at their new place: no NER again
    client = client_for(index_dir)
    assert ids_by_headline(client) == before  # the same ids, no story twice
    assert client.get(f"/api/articles/{quay}").get_json()["source"] == str((moved / "quay.txt").resolve())
    assert client.get(f"/articles/{quay}/original").status_code == 200  # served from the new place
    assert marks(client, quay) == EXPECTED
    (hit,) = client.get("/api/search?tag=quay").get_json()["hits"]
    assert hit["id"] == quay and hit["tags"] == ["quay"] and hit["starred"] is True
    assert "2 unchanged" in index_with_cli(index_dir, moved)


def test_an_index_with_whole_path_ids_is_migrated_and_old_ids_redirect(tmp_path: Path, monkeypatch):
    news, index_dir = write_news(tmp_path / "news"), tmp_path / "index"
    with monkeypatch.context() as patch:  # what the archive did before stable ids: ids from the whole path
        patch.setattr(identity, "recorded_roots", lambda index_dir: [])
        patch.setattr(identity, "IDS_VERSION", "1")
        index_with_cli(index_dir, news)
    client = client_for(index_dir)
    old = ids_by_headline(client)["Harbour contract goes to a Danish builder"]
    annotate(client, old, tag="quay", starred=True, note="bid list?", collection="Aarhus")

    output = index_with_cli(index_dir, news)
    assert "2 unchanged" in output, output  # migrated in place: nothing read or enriched again
    client = client_for(index_dir)
    new = ids_by_headline(client)["Harbour contract goes to a Danish builder"]
    assert new != old and marks(client, new) == EXPECTED
    assert new == identity.article_id("quay.txt")  # the path inside the folder, wherever the folder is
    page = client.get(f"/articles/{old}?q=quay")
    assert page.status_code == 308 and page.headers["Location"].endswith(f"/articles/{new}?q=quay")
    assert client.get(f"/api/articles/{old}").headers["Location"].endswith(f"/api/articles/{new}")
    assert client.get(f"/articles/{old}", follow_redirects=True).status_code == 200
    assert "2 unchanged" in index_with_cli(index_dir, news)


def test_an_export_carries_ids_and_marks_into_another_archive(tmp_path: Path):
    news, index_dir = write_news(tmp_path / "news"), tmp_path / "index"
    index_with_cli(index_dir, news)
    client = client_for(index_dir)
    quay = ids_by_headline(client)["Harbour contract goes to a Danish builder"]
    annotate(client, quay, tag="quay", starred=True, note="bid list?", collection="Aarhus")
    backup = tmp_path / "backup.jsonl"
    result = CliRunner().invoke(main, ["export", "--versions", "-o", str(backup), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in backup.read_text(encoding="utf-8").splitlines()]
    assert {r["id"]: r.get("annotations", {}).get("tags") for r in records} == {
        quay: ["quay"],
        ids_by_headline(client)["Grain barges wait at the lock"]: None,
    }

    restored = tmp_path / "restored"
    assert "2 indexed" in index_with_cli(restored, backup)
    other = client_for(restored)
    assert ids_by_headline(other) == ids_by_headline(client)
    assert marks(other, quay) == EXPECTED
    assert other.get("/api/search?collection=aarhus").get_json()["total"] == 1


def test_two_folders_with_the_same_file_names_keep_both_stories(tmp_path: Path):
    first = write_news(tmp_path / "a", {"story.txt": STORIES["quay.txt"]})
    second = write_news(tmp_path / "b", {"story.txt": STORIES["2024/lock.txt"]})
    index_dir = tmp_path / "index"
    assert "2 indexed" in index_with_cli(index_dir, first, second)
    ids = ids_by_headline(client_for(index_dir))
    assert len(set(ids.values())) == 2
    assert "2 unchanged" in index_with_cli(index_dir, first, second)
    assert "1 unchanged" in index_with_cli(index_dir, second)
    assert ids_by_headline(client_for(index_dir)) == ids


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory):
    index_dir = tmp_path_factory.mktemp("annotations-api")
    index_with_cli(index_dir, write_news(tmp_path_factory.mktemp("annotations-news")))
    client = client_for(index_dir)
    return client, ids_by_headline(client)["Harbour contract goes to a Danish builder"]


def test_writes_need_the_token_and_bad_input_is_named(api):
    client, quay = api
    assert client.post(f"/api/articles/{quay}/annotations", json={"tag": "x"}).status_code == 403
    headers = {"X-CSRF-Token": token(client)}
    post = lambda url, body: client.post(url, json=body, headers=headers)  # noqa: E731
    for body, subject in (({"tag": ""}, "tag"), ({"tag": "x" * 81}, "tag"), ({"note": "  \n "}, "text"),
                          ({"starred": [1]}, "starred"), ({"delete_note": "one"}, "note_id"),
                          ({"uncollect": "x"}, "collection"), ({"tag": {"a": 1}}, "tag")):  # fmt: skip
        answer = post(f"/api/articles/{quay}/annotations", body)
        assert answer.status_code == 400 and answer.get_json()["error"]["message"].startswith(subject), body
    assert client.post(f"/api/articles/{quay}/annotations", data="not json", headers=headers).status_code == 400
    assert post("/api/articles/nosuchstory/annotations", {"tag": "x"}).status_code == 404
    assert marks(client, quay) == {"tags": [], "starred": False, "notes": [], "collections": []}  # nothing half-done

    note = annotate(client, quay, note="first\r\nsecond\x07 line  ")["notes"][0]
    assert note["text"] == "first\nsecond line" and note["created"].endswith("Z")
    edited = annotate(client, quay, edit_note={"id": note["id"], "text": "first, edited"})["notes"][0]
    assert edited["text"] == "first, edited" and edited["edited"]
    assert annotate(client, quay, delete_note=note["id"])["notes"] == []

    annotate(client, quay, tag=["Oil", "oil", "Olive"])
    assert client.get("/api/tags?prefix=ol").get_json()["tags"] == [{"tag": "Olive", "count": 1}]
    assert [t["tag"] for t in client.get("/api/tags?prefix=O").get_json()["tags"]] == ["Oil", "Olive"]
    assert client.get("/api/tags?prefix=%25").get_json()["tags"] == []  # % is a character, not a wildcard

    made = post("/api/collections", {"name": "Case one"})
    assert made.status_code == 201 and post("/api/collections", {"name": "case ONE"}).status_code == 200
    other = post("/api/collections", {"name": "Case two"}).get_json()["id"]
    assert post(f"/api/collections/{other}", {"name": "Case One"}).status_code == 400  # names are unique
    assert post(f"/api/collections/{other}", {"add": [quay]}).get_json()["stories"][0]["id"] == quay
    assert post(f"/api/collections/{other}", {"add": ["nosuchstory"]}).status_code == 404
    assert client.get("/api/collections/99999").status_code == 404
    documented = client.get("/api/openapi.json").get_json()["paths"]
    for path in (p for p in documented if "{collection_id}" in p):  # what tests/test_openapi.py cannot ask
        answer = client.get(path.replace("{collection_id}", str(other)))
        assert answer.status_code == 200 and answer.mimetype in documented[path]["get"]["responses"]["200"]["content"]
    assert client.get(f"/api/collections/{other}/export?format=xlsx").status_code == 400
    assert client.delete(f"/api/collections/{other}", headers=headers).status_code == 200
    assert client.get(f"/api/collections/{other}").status_code == 404
    assert marks(client, quay)["collections"] == []  # the story stays, out of the deleted collection


def test_the_annotations_database_is_migrated_to_the_newest_schema(tmp_path: Path):
    import sqlite3

    Annotations(tmp_path).collections()  # no file yet: nothing is made by reading
    assert not (tmp_path / "annotations.sqlite").exists()
    Annotations(tmp_path).set_star("abc", True)
    db = sqlite3.connect(tmp_path / "annotations.sqlite")
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS),)]
    assert Annotations(tmp_path).of("abc")["starred"] is True
