"""Each segment keeps the hashes of its ids beside it, so a new process replaces articles without a pass over
every id of the archive; a missing or damaged file is made again from the segment's terms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from click.testing import CliRunner
from whoosh.reading import SegmentReader

from archive.cli import main
from archive.store import open_index, writer
from archive.store.postings import segment_file

STORY = "LONDON (Reuters) - British officials said on {day} that talks with France on fishing rights would resume.\n"


def index(index_dir: Path, folder: Path) -> str:
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder)])
    assert result.exit_code == 0, result.output
    return result.output


def kept(index_dir: Path) -> list[tuple[Path, np.ndarray]]:
    """Per segment, its `.id.vals` file and the hashes of the ids its terms hold."""
    ix = open_index(index_dir)
    out = []
    for segment in ix._segments():
        reader = SegmentReader(ix.storage, ix.schema, segment)
        try:
            ids = [t.decode() if isinstance(t, bytes) else t for t in reader.lexicon("id")]
        finally:
            reader.close()
        out.append((segment_file(ix.storage, segment, ".id.vals"), np.sort(writer.value_hashes(ids))))
    return out


def test_segments_keep_their_id_hashes_and_a_damaged_file_is_made_again(tmp_path: Path):
    folder, index_dir = tmp_path / "news", tmp_path / "index"
    folder.mkdir()
    for n, day in enumerate(["Monday", "Tuesday", "Wednesday"]):
        (folder / f"story-{n}.txt").write_text(STORY.format(day=day), encoding="utf-8")
    assert "3 indexed" in index(index_dir, folder)
    files = kept(index_dir)
    assert files and all(np.array_equal(np.load(path), hashes) for path, hashes in files)

    files[0][0].write_bytes(b"not an array")
    writer._VALUES.clear()  # as a new process starts
    (folder / "story-1.txt").write_text(STORY.format(day="Friday"), encoding="utf-8")
    assert "0 indexed, 1 updated, 2 unchanged" in index(index_dir, folder)  # the old version found and replaced
    with open_index(index_dir).searcher() as searcher:
        bodies = [d["body"] for d in searcher.documents()]
    assert len(bodies) == 3 and sum("Friday" in b for b in bodies) == 1 and not any("Tuesday" in b for b in bodies)
    assert all(np.array_equal(np.load(p), h) for p, h in kept(index_dir))  # the damaged one made again
