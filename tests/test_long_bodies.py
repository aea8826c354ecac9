"""Bodies past spaCy's max_length (1,000,000 characters) are enriched in pieces: no crash, no lost batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.ingest.enrich.nlp import entity_spans, load_pipeline, split_text
from archive.search import SearchRequest, search
from archive.store import open_index
from tests.helpers import SEED

PARAGRAPH = "Angela Merkel met union leaders in Berlin on Monday to talk about pensions and wages. " * 8


def test_split_text_cuts_at_paragraphs_then_lines_then_spaces_and_keeps_offsets():
    text = "aaaa\n\nbbbb\ncccc dddd eeeeeeeeeeeee"
    pieces = split_text(text, 12)
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= 12 for _, piece in pieces)
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert [piece for _, piece in pieces] == ["aaaa\n\n", "bbbb\n", "cccc dddd ", "eeeeeeeeeeee", "e"]
    assert split_text("short", 12) == [(0, "short")]


@pytest.fixture()
def small_max_length():
    """The bundled pipeline with a low max_length, so a text past it is cheap to make."""
    nlp = load_pipeline(None)
    saved, nlp.max_length = nlp.max_length, 20_000
    yield nlp
    nlp.max_length = saved


def test_a_text_past_max_length_gives_the_entities_of_every_piece_at_their_offsets(small_max_length):
    nlp = small_max_length
    text = "\n\n".join([PARAGRAPH] * 80)  # about 55,000 characters: spaCy alone raises E088
    assert len(text) > nlp.max_length
    short, long, after = entity_spans(nlp, ["Angela Merkel visited Paris.", text, "Olaf Scholz spoke in Bonn."])
    assert {(text[a:b], label) for a, b, label in long} >= {("Angela Merkel", "PERSON"), ("Berlin", "GPE")}
    assert sum(text[a:b] == "Berlin" for a, b, _ in long) == 8 * 80  # every piece read, none twice
    assert max(b for _, b, _ in long) > len(text) - len(PARAGRAPH)  # the last piece too
    assert ("Angela Merkel", "PERSON") in {("Angela Merkel visited Paris."[a:b], kind) for a, b, kind in short}
    assert after and after[0][0] == 0


def test_a_one_megabyte_body_is_indexed_with_the_file_beside_it(tmp_path: Path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "b.txt").write_text("Long\n\n" + "word " * 220_000)  # 1.1 million characters, as in the issue
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    index_dir = tmp_path / "index"
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder)])
    assert result.exit_code == 0, result.output
    assert "2 indexed" in result.output and "0 failed" in result.output, result.output
    ix = open_index(index_dir)
    assert search(ix, SearchRequest(q="Erdogan"))["total"] == 1
    assert search(ix, SearchRequest(q="word"))["total"] == 1
