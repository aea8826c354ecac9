"""Damaged Reuters SGML: unclosed tags are read in linear time, and every bad `.sgm` gets its own line."""

from __future__ import annotations

import time
from pathlib import Path

from archive.errors import BinaryFile, NoArticleText, UnreadableFile, UnsupportedFormat
from archive.ingest.readers.formats import read_file
from archive.ingest.readers.reuters import read_reuters

STORY = (
    '<REUTERS NEWID="{n}"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT><TITLE>COCOA TALKS {n}</TITLE>'
    "<BODY>Cocoa producers met in London on Thursday and agreed to talk again next month, the ICCO said.\n"
)
LIMIT = 50 * 1024 * 1024


def timed(text: str) -> tuple[float, list]:
    started = time.perf_counter()
    items = list(read_reuters(text, "x.sgm"))
    return time.perf_counter() - started, items


def test_unclosed_stories_take_linear_time():
    text = "".join(STORY.format(n=i) for i in range(180 * 1024 // len(STORY)))  # 180 KB: 35 s when quadratic
    seconds, items = timed(text)
    assert seconds < 1.0
    (error,) = items
    assert isinstance(error, UnreadableFile) and "not closed" in error.message


def test_unclosed_inner_tags_take_linear_time():
    for tag in ("TITLE", "D", "DATELINE", "AUTHOR"):
        text = f'<REUTERS NEWID="1"><TEXT><PLACES>{f"<{tag}>x " * 20000}</PLACES><BODY>Cocoa.</BODY></TEXT></REUTERS>'
        seconds, items = timed(text)  # was 47 s for TITLE
        assert seconds < 1.0, tag
        assert len(items) == 1


def test_a_story_cut_short_keeps_the_stories_before_it(tmp_path: Path):
    path = tmp_path / "cut.sgm"
    path.write_text(STORY.format(n=1) + "</BODY></TEXT></REUTERS>\n" + STORY.format(n=2)[:120], encoding="latin-1")
    result = read_file(path, max_bytes=LIMIT)
    assert [a.source.rpartition("#")[2] for a in result.articles] == ["1"]
    (error,) = result.errors
    assert isinstance(error, UnreadableFile) and "NEWID 2" in error.message and str(path) in error.message


def test_empty_binary_and_garbage_sgml_each_get_an_outcome(tmp_path: Path):
    (tmp_path / "empty.sgm").write_bytes(b"")
    (tmp_path / "binary.sgm").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "garbage.sgm").write_text("this is not SGML at all, just words and <tags>\n" * 50)
    kinds = {}
    for name in ("empty.sgm", "binary.sgm", "garbage.sgm"):
        result = read_file(tmp_path / name, max_bytes=LIMIT)
        assert not result.articles
        (error,) = result.errors
        assert name in error.message
        kinds[name] = type(error)
    assert kinds == {"empty.sgm": NoArticleText, "binary.sgm": BinaryFile, "garbage.sgm": UnsupportedFormat}
