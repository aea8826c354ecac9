"""The entity view kept beside the index (`entity-view.pickle`): `archive index` leaves it, the next process
reads it instead of building it, and a commit, an edit of entities.toml or a damaged file make it anew."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.search import entities
from archive.web import create_app
from tests.helpers import index_with_cli

STORIES = [
    ("Reagan meets Gorbachev", "Ronald Reagan met Mikhail Gorbachev in Geneva on Tuesday.", ["Ronald Reagan"]),
    ("Talks end", "Reagan said the talks in Geneva had ended without a deal.", ["Reagan"]),
    ("Budget plan", "Ronald Reagan sent his budget plan to Congress.", ["Ronald Reagan"]),
]


def _write(folder: Path, name: str, stories: list[tuple[str, str, list[str]]]) -> None:
    folder.mkdir(exist_ok=True)
    records = [
        {"headline": h, "body": b, "published": f"1987-03-0{n + 1}T10:00:00+00:00", "entities": {"people": people}}
        for n, (h, b, people) in enumerate(stories)
    ]
    (folder / name).write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _people(index_dir: Path) -> dict[str, int]:
    entities._cache.clear()  # as a new process: nothing built in memory
    client = create_app({"INDEX_DIR": index_dir, "TESTING": True}).test_client()
    return dict(client.get("/api/search?q=").get_json()["facets"]["person"])


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, Path]:
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    _write(folder, "one.jsonl", STORIES)
    index_with_cli(index_dir, folder)
    return folder, index_dir


def test_the_next_process_reads_the_view_archive_index_kept(archive, monkeypatch) -> None:
    _, index_dir = archive
    assert (index_dir / entities.VIEW_FILE).is_file()

    def refuse(*args: object) -> None:
        raise AssertionError("built again, not read")

    monkeypatch.setattr(entities, "_build", refuse)
    assert _people(index_dir) == {"Ronald Reagan": 3}  # the surname joined the full name, read from the file


def test_a_commit_or_an_edit_of_the_file_makes_the_view_anew(archive) -> None:
    folder, index_dir = archive
    kept = (index_dir / entities.VIEW_FILE).read_bytes()
    _write(folder, "two.jsonl", [("Nancy Reagan visits", "Nancy Reagan opened a school.", ["Nancy Reagan"])])
    index_with_cli(index_dir, folder)
    assert (index_dir / entities.VIEW_FILE).read_bytes() != kept
    # Two full names end with Reagan now: the lone surname is no longer taken for either.
    assert _people(index_dir) == {"Ronald Reagan": 2, "Reagan": 1, "Nancy Reagan": 1}
    (index_dir / "entities.toml").write_text('[person."Ronald W. Reagan"]\naliases = ["Ronald Reagan"]\n')
    renamed = _people(index_dir)
    assert renamed["Ronald W. Reagan"] == 2 and "Ronald Reagan" not in renamed


def test_a_damaged_view_is_built_again(archive) -> None:
    _, index_dir = archive
    (index_dir / entities.VIEW_FILE).write_bytes(b"\x80\x05 not a pickle at all")
    assert _people(index_dir) == {"Ronald Reagan": 3}
    assert entities._load(index_dir / entities.VIEW_FILE, ("no", "such", "key")) is None
