"""A newsroom's own documents indexed by the real CLI and browsed in the app: pages in snippets and on the
article page, e-mails linked to their attachments both ways, the original one click away (and only from
inside an indexed folder), and a JSON Lines backup that brings all of it back.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.search import SearchRequest, search
from archive.store import open_index
from archive.web import create_app
from tests.helpers import index_with_cli
from tests.makers import email_bytes, pdf_bytes, press_release_blocks

LAST_PAGE_WORDS = "The Quillmere survey of the sea wall is due in October."
SECRET = pdf_bytes([("BodyText", "The Zorblatt list of confidential sources, kept outside the newsroom folder.")])


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("documents")
    folder, outside, index_dir = root / "newsroom", root / "private", root / "index"
    folder.mkdir()
    outside.mkdir()
    release = pdf_bytes([*press_release_blocks(repeat=5), ("BodyText", LAST_PAGE_WORDS)], title="Press release")
    (folder / "release.pdf").write_bytes(release)
    tip = email_bytes(
        subject="Tip: the Marblewick contract",
        sender="Lena Berg <lena@tips.example>",
        date=datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
        message_id="tip-1@tips.example",
        text="Hello desk,\n\nThe Marblewick pier contract went to the mayor's brother.\n\n-- \nLena\n07700 900123\n",
        attachments=[("contract.pdf", "application/pdf", pdf_bytes([("BodyText", "The Marblewick contract, "
                                                                                  "signed on 1 March.")]))],
    )  # fmt: skip
    (folder / "tip.eml").write_bytes(tip)
    (outside / "secret.pdf").write_bytes(SECRET)
    (folder / "leak.pdf").symlink_to(outside / "secret.pdf")  # a link out of the folder
    index_with_cli(index_dir, folder)
    return {"folder": folder, "outside": outside, "index": index_dir}


@pytest.fixture()
def client(archive: dict[str, Path], tmp_path: Path):
    app = create_app({"INDEX_DIR": archive["index"], "SAVED_SEARCHES": tmp_path / "saved.json", "TESTING": True})
    return app.test_client()


def _hit(archive: dict[str, Path], q: str) -> dict:
    hits = search(open_index(archive["index"]), SearchRequest(q=q))["hits"]
    assert len(hits) == 1, (q, hits)
    return hits[0]


def test_snippets_and_the_article_page_say_which_page(archive: dict[str, Path], client):
    last = _hit(archive, "Quillmere")
    article = client.get(f"/api/articles/{last['id']}").get_json()
    pages = len(article["page_starts"])
    assert pages >= 2 and last["page"] == pages
    assert _hit(archive, "Marblewick pier")["page"] is None  # an e-mail has no pages
    assert client.get("/api/search?q=Quillmere").get_json()["hits"][0]["page"] == pages
    html = client.get(f"/articles/{last['id']}").get_data(as_text=True)
    assert f'id="page-{pages}"' in html and f'href="#page-{pages}">page {pages}</a>' in html
    assert f"page {pages}</span> ·" in client.get("/search?q=Quillmere").get_data(as_text=True)


def test_an_email_and_its_attachment_are_linked_both_ways(archive: dict[str, Path], client):
    message = client.get(f"/api/articles/{_hit(archive, 'mayor brother')['id']}").get_json()
    assert message["headline"] == "Tip: the Marblewick contract" and message["authors"] == ["Lena Berg"]
    assert message["source"].endswith("tip.eml#tip-1@tips.example")
    assert "07700" not in message["body"]  # the signature is dropped
    (child_id,) = message["attachments"]
    child = client.get(f"/api/articles/{child_id}").get_json()
    assert child["attachment_of"] == message["id"] and child["source"] == message["source"] + "/contract.pdf"
    assert "signed on 1 March" in child["body"]
    page = client.get(f"/articles/{message['id']}").get_data(as_text=True)
    assert f'href="/articles/{child_id}"' in page and "Attachments" in page
    assert f'Attached to the e-mail <a href="/articles/{message["id"]}">' in client.get(
        f"/articles/{child_id}"
    ).get_data(as_text=True)


def test_the_original_is_a_download_from_inside_the_indexed_folder_only(archive: dict[str, Path], client):
    release = _hit(archive, "Quillmere")
    answer = client.get(f"/articles/{release['id']}/original")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == "attachment; filename=release.pdf"
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.get_data() == (archive["folder"] / "release.pdf").read_bytes()
    assert "/original" in client.get(f"/articles/{release['id']}").get_data(as_text=True)
    # An attachment's original is its e-mail.
    child_id = client.get(f"/api/articles/{_hit(archive, 'mayor brother')['id']}").get_json()["attachments"][0]
    assert client.get(f"/articles/{child_id}/original").headers["Content-Disposition"] == "attachment; filename=tip.eml"


def test_links_out_of_the_folder_and_named_paths_are_refused(archive: dict[str, Path], client, tmp_path: Path):
    ix = open_index(archive["index"])
    with ix.searcher() as searcher:
        leaked = [f for f in searcher.all_stored_fields() if "secret" in f["file"]]
    assert leaked  # the link was followed when indexing: the file it names is outside the folder
    answer = client.get(f"/articles/{leaked[0]['id']}/original")
    assert answer.status_code == 404 and SECRET not in answer.get_data()
    for path in ("/articles/..%2F..%2Fetc%2Fpasswd/original", "/articles/x/original?path=/etc/passwd",
                 f"/articles/{archive['outside'] / 'secret.pdf'}/original"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code == 404 and SECRET not in answer.get_data() and b"root:" not in answer.get_data()
    # An indexed file swapped for a link to a file outside afterwards is refused too.
    release = _hit(archive, "Quillmere")
    moved = tmp_path / "release.pdf"
    os.replace(archive["folder"] / "release.pdf", moved)
    try:
        (archive["folder"] / "release.pdf").symlink_to(archive["outside"] / "secret.pdf")
        answer = client.get(f"/articles/{release['id']}/original")
        assert answer.status_code == 404 and SECRET not in answer.get_data()
    finally:
        (archive["folder"] / "release.pdf").unlink()
        os.replace(moved, archive["folder"] / "release.pdf")


def test_a_jsonl_backup_keeps_pages_metadata_and_attachment_links(archive: dict[str, Path], tmp_path: Path):
    backup = tmp_path / "backup.jsonl"
    done = CliRunner().invoke(main, ["export", "--versions", "--index", str(archive["index"]), "-o", str(backup)])
    assert done.exit_code == 0, done.output
    fresh = tmp_path / "fresh"
    assert "0 failed" in CliRunner().invoke(main, ["index", "--index", str(fresh), str(backup)]).output
    records = {r["headline"]: r for r in map(json.loads, backup.read_text(encoding="utf-8").splitlines())}
    app = create_app({"INDEX_DIR": fresh, "SAVED_SEARCHES": tmp_path / "saved.json", "TESTING": True}).test_client()
    hits = search(open_index(fresh), SearchRequest(q="Quillmere"))["hits"]
    release = app.get(f"/api/articles/{hits[0]['id']}").get_json()
    old = records[release["headline"]]
    assert release["page_starts"] == old["page_starts"] and release["metadata"] == old["metadata"]
    message_id = search(open_index(fresh), SearchRequest(q="mayor brother"))["hits"][0]["id"]
    message = app.get(f"/api/articles/{message_id}").get_json()
    child = app.get(f"/api/articles/{message['attachments'][0]}").get_json()
    assert child["attachment_of"] == message_id and "signed on 1 March" in child["body"]


def test_a_file_swapped_between_the_check_and_the_opening_is_refused(tmp_path: Path):
    """The check and the opening are two steps: what is opened must be the very file that was checked."""
    from archive.store.sources import _open_checked

    path = tmp_path / "original.txt"
    path.write_text("the original")
    checked = path.stat()
    found = _open_checked(path, checked)
    assert found is not None and found[1].read() == b"the original"
    found[1].close()
    replacement = tmp_path / "other.txt"
    replacement.write_text("something else")
    os.replace(replacement, path)  # another file (another inode) under the checked name
    assert _open_checked(path, checked) is None
    if hasattr(os, "O_NOFOLLOW"):
        path.unlink()
        path.symlink_to(tmp_path / "elsewhere.txt")
        (tmp_path / "elsewhere.txt").write_text("secret")
        assert _open_checked(path, (tmp_path / "elsewhere.txt").stat()) is None  # a link at the last name
