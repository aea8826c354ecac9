"""A damaged index: `index` and `search` say so in one line naming it, `archive check` finds what is wrong,
and `archive rebuild` makes a sound index of the stored articles that still read, keeping the damaged one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.store.annotations import Annotations
from archive.store.check import check_index
from tests.helpers import SEED

STORY = "Story {i}\n\nThe harbour board met on Monday and agreed that pier number {i} would be rebuilt this year.\n"


def cli(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output and "Aborted!" not in result.output, result.output
    return result


@pytest.fixture()
def two_segments(tmp_path: Path) -> tuple[Path, Path]:
    """The seed indexed in one run, ten stories in a second: an index of two segments."""
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    assert cli("index", "--index", str(index_dir), str(folder)).exit_code == 0
    for i in range(10):
        (folder / f"s{i}.txt").write_text(STORY.format(i=i))
    assert cli("index", "--index", str(index_dir), str(folder)).exit_code == 0
    return folder, index_dir


def newest_segment_file(index_dir: Path, ending: str) -> Path:
    return max(index_dir.glob(f"MAIN_*{ending}"), key=lambda p: p.stat().st_mtime_ns)


def truncate_terms(index_dir: Path) -> None:
    path = newest_segment_file(index_dir, ".trm")
    path.write_bytes(path.read_bytes()[:100])


def overwrite_postings(index_dir: Path) -> None:
    path = newest_segment_file(index_dir, ".pst")
    data = bytearray(path.read_bytes())
    data[: len(data) // 2] = bytes((i * 7919) % 251 for i in range(len(data) // 2))
    path.write_bytes(bytes(data))


def truncate_stored(index_dir: Path) -> None:
    path = newest_segment_file(index_dir, "_stored.col")
    path.write_bytes(path.read_bytes()[:200])


def lose_toc(index_dir: Path) -> None:
    for toc in index_dir.glob("_MAIN_*.toc"):
        toc.unlink()


def test_a_sound_index_checks_clean(two_segments: tuple[Path, Path]):
    _, index_dir = two_segments
    assert check_index(index_dir) == []
    result = cli("check", "--index", str(index_dir))
    assert result.exit_code == 0 and f"{index_dir}: sound, 11 documents" in result.output


@pytest.mark.parametrize(
    ("damage", "recovered"),
    [(truncate_terms, 1), (overwrite_postings, 11), (truncate_stored, 1), (lose_toc, 0)],
)
def test_damage_is_named_checked_and_rebuilt(two_segments: tuple[Path, Path], damage, recovered: int):
    folder, index_dir = two_segments
    Annotations(index_dir).add_tag("a story's id", "kept")
    damage(index_dir)
    problems = check_index(index_dir)
    assert problems, "check found nothing"
    checked = cli("check", "--index", str(index_dir))
    assert checked.exit_code == 1 and f"`archive rebuild --index {index_dir}`" in checked.output

    for args in (("search", "--index", str(index_dir), "pier"), ("index", "--index", str(index_dir), str(folder))):
        result = cli(*args)
        if damage is overwrite_postings and args[0] == "index":
            continue  # writing does not read the postings: it may well succeed
        assert result.exit_code == 1, (args, result.output)
        assert f"Error: {index_dir}: the index is damaged; `archive check` says what is wrong" in result.output

    rebuilt = cli("rebuild", "--index", str(index_dir))
    assert rebuilt.exit_code == 0, rebuilt.output
    assert f"{recovered} articles recovered" in rebuilt.output, rebuilt.output
    assert ("not recovered:" in rebuilt.output) == (recovered < 11)
    (backup,) = index_dir.parent.glob("index.damaged-*")
    assert list(backup.glob("MAIN_*")), "the damaged index is kept"
    assert check_index(index_dir) == []
    assert f"{recovered} stories" in cli("search", "--index", str(index_dir)).output
    assert Annotations(index_dir).of("a story's id")["tags"] == ["kept"]  # readers' marks are not in the index

    again = cli("index", "--index", str(index_dir), str(folder))  # the way back for what was lost
    assert again.exit_code == 0 and f"{11 - recovered} indexed" in again.output, again.output
    assert "11 stories" in cli("search", "--index", str(index_dir)).output
