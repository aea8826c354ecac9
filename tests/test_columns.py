"""Columns beside the index agree with it after adds, updates, deletes and merges (kill -9: test_resume)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from whoosh.query import Every

from archive.cli import main
from archive.search import SearchRequest, search
from archive.store import open_index
from archive.store.check import check_index
from archive.store.columns import columns_dir

COUNTRIES = ["France", "Japan", "Brazil", "Kenya", "Canada", "India", "Norway", "Chile", "Egypt", "Peru"]
STORY = "{city} (Reuters) - {country} and {other} agreed on {day} {detail}.\n"
DETAILS = [
    "to widen a rail link carrying copper ore across the northern border",
    "on new quotas for sardine fishing boats working the shared coastal waters",
    "that customs officers would inspect refrigerated poultry containers jointly",
    "to fund a dam whose reservoir would irrigate cotton and sugar cane farms",
    "on rules letting nurses trained abroad register with hospitals at once",
    "that satellite launch contracts would be split between two state agencies",
    "to cut tariffs on imported tractors, fertiliser and irrigation pumps by half",
    "on a timetable for returning museum artefacts taken during colonial rule",
    "to share weather radar data so airlines can route flights around storms",
    "that a disputed offshore gas field would be surveyed by neutral engineers",
    "on visa-free travel for students enrolled at universities in either state",
    "to build a pipeline moving crude oil from inland wells to a deepwater port",
]
CITIES = ["PARIS", "TOKYO", "BRASILIA", "NAIROBI", "OTTAWA", "NEW DELHI", "OSLO", "SANTIAGO", "CAIRO", "LIMA"]


def run_index(index_dir: Path, *paths: Path) -> str:
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), *map(str, paths)])
    assert result.exit_code == 0, result.output
    return result.output


def write_story(folder: Path, n: int, day: str = "Monday") -> Path:
    path = folder / f"story-{n}.txt"
    other = COUNTRIES[(n + 3) % len(COUNTRIES)]
    text = STORY.format(city=CITIES[n % 10], country=COUNTRIES[n % 10], day=day, other=other, detail=DETAILS[n])
    path.write_text(text)
    return path


def stored_country_counts(index_dir: Path) -> Counter[str]:
    """Stories per country, from the stored article JSON: what the columns must reproduce."""
    counts: Counter[str] = Counter()
    with open_index(index_dir).searcher() as searcher:
        for fields in searcher.documents():
            if not fields.get("copy_of"):
                counts.update(set(json.loads(fields["data"])["countries"]))
    return counts


def test_columns_follow_adds_updates_deletes_and_merges(tmp_path: Path):
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    for n in range(12):  # one commit per run: enough segments for the tiered merge to fold them
        write_story(folder, n)
        run_index(index_dir, folder)
    with open_index(index_dir).searcher() as searcher:
        segments = len(searcher.reader().segments()) if hasattr(searcher.reader(), "segments") else 1
        assert searcher.doc_count() == 12
    assert segments < 12, "the small segments were merged"
    assert len(list(columns_dir(index_dir).glob("*.cols"))) == segments  # merged-away columns are gone
    assert check_index(index_dir) == []

    (folder / "story-3.txt").write_text(
        STORY.format(city="OSLO", country="Norway", day="Tuesday", other="Chile", detail=DETAILS[3])
    )  # story 3 is now about Norway
    (folder / "story-5.txt").unlink()
    output = run_index(index_dir, folder)
    assert "1 updated" in output and "1 removed" in output
    assert check_index(index_dir) == []

    result = search(open_index(index_dir), SearchRequest(expand=frozenset({"country"})))
    assert result["total"] == 11
    want = stored_country_counts(index_dir)
    assert result["facets"]["country"] == dict(sorted(want.items(), key=lambda kv: (-kv[1], kv[0])))
    assert result["facets"]["country"]["NO"] >= 2  # the updated story counts under its new country


def test_search_opens_an_index_without_columns_and_builds_them_once(tmp_path: Path):
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    for n in range(3):
        write_story(folder, n)
    run_index(index_dir, folder)
    for path in columns_dir(index_dir).glob("*.cols"):  # as an index written before columns existed
        path.unlink()
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        assert searcher.doc_count() == len(list(searcher.docs_for_query(Every()))) == 3
    assert search(ix, SearchRequest(filters={"country": ("FR",)}))["total"] == 1
    assert len(list(columns_dir(index_dir).glob("*.cols"))) >= 1
    assert check_index(index_dir) == []


def test_a_commit_removes_only_the_columns_of_segments_it_merged_away(tmp_path: Path):
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    for n in range(3):
        write_story(folder, n)
        run_index(index_dir, folder)
    # As if another writer had just saved the columns of the segment it is committing, after this one let go.
    other = columns_dir(index_dir) / "MAIN_anotherwriter.cols"
    other.write_bytes(b"")
    for n in range(3, 12):  # commits that merge
        write_story(folder, n)
        run_index(index_dir, folder)
    assert other.exists()
    assert check_index(index_dir) == []


def test_numbers_a_failed_commit_gave_out_are_never_used(tmp_path: Path, monkeypatch):
    """A commit that fails after numbering new facet values, before saving them, must not leave those
    numbers to the next one (the writer's dictionary is kept for the process between batches)."""
    from archive.store import writer as writer_module

    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    write_story(folder, 0)
    run_index(index_dir, folder)
    write_story(folder, 1)  # Tokyo: new country and place values, numbered, then the commit fails

    def fail(columns, path):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(writer_module.SegmentColumns, "save", fail)  # after numbering, before saving
    assert CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder)]).exit_code != 0
    monkeypatch.undo()
    for n in range(2, 5):  # other new values first, then the failed article again
        write_story(folder, n)
    run_index(index_dir, folder)
    assert check_index(index_dir) == []
    result = search(open_index(index_dir), SearchRequest(expand=frozenset({"country"})))
    assert result["facets"]["country"] == dict(
        sorted(stored_country_counts(index_dir).items(), key=lambda kv: (-kv[1], kv[0]))
    )


def test_a_commit_that_fails_lets_go_of_the_write_lock(tmp_path: Path, monkeypatch):
    """The indexer tries a failed batch again in halves, in the same process: a commit that failed half-way
    must not keep the lock it took, or the retry waits for itself."""
    from archive.store import writer as writer_module
    from archive.store.writer import ArchiveWriter

    index_dir = tmp_path / "index"
    ix = open_index(index_dir, create=True)

    def fail(columns, path):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(writer_module.SegmentColumns, "save", fail)
    try:
        with ArchiveWriter(ix, index_dir) as writer:
            writer.update_document(id="a", file="f", headline="Harbour", body="harbour pier", data="{}")
    except RuntimeError:
        pass
    else:
        raise AssertionError("the commit did not fail")
    monkeypatch.undo()
    with ArchiveWriter(ix, index_dir, timeout=0.0) as writer:  # at once: nobody holds the lock
        writer.update_document(id="a", file="f", headline="Harbour", body="harbour pier", data="{}")
    assert open_index(index_dir).doc_count() == 1
