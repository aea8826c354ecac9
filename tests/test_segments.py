"""Segments written by archive.store.segments equal Whoosh's own, term for term and posting for posting.

The same documents go through Whoosh's SegmentWriter into one index and through SegmentBuilder
into another; so do merges (Whoosh's `add_reader` against `merge_segments`), with deletions.
Every term's postings (documents, weights, encoded positions and characters), its statistics,
every stored field, field length and column must agree. The spelling fields are the one
difference, on purpose: Whoosh numbers all their postings 0 (and its merges miscount them), the
builder numbers the real documents; a merge must equal a segment built from the live documents.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh.index import TOC
from whoosh.reading import SegmentReader

from archive.ingest.readers.formats import read_file
from archive.store import article_document, make_schema
from archive.store.segments import FastText, SegmentBuilder, merge_segments
from tests.helpers import ROOT

CORPUS = ROOT / "tests" / "data" / "corpus"
ODD_TEXTS = [
    "The İstanbul office of Erdoğan's party said ÆON and Straße were not the story, the 3.141 figure was.",
    "a I to of and: the stop words and one-letter words; then under_score, big-time, U.S. and e-mail",
    "Ελλάδα and Россия and 東京 reported; naïve café owners in São Paulo said ﬁnance rose 5.5 pct",
    "rates rate rated rating interest interested interesting INTEREST Rates",
    "",
    "... --- !!! ***",
    "word " * 300,
]


def documents() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        for n, article in enumerate(read_file(path, max_bytes=2**22).articles):
            doc = article_document(article, f"hash-{n}", str(path), group=f"g{len(docs) % 7}", exact=f"e{n}")
            doc["indexed"] = datetime(2026, 1, 1)
            docs.append(doc)
    for n in range(300):  # words in more documents than one posting block holds (128)
        text = f"Market report {n}: shares rose {n % 17} points in Tokyo, London and Paris trading " * (1 + n % 3)
        docs.append({"id": f"many-{n}", "file": "many", "headline": f"Report {n}", "body": text, "data": "{}"})
    for n, text in enumerate(ODD_TEXTS):
        docs.append(
            {"id": f"odd-{n}", "file": "odd", "headline": text[:80], "body": text, "byline": text[:40], "data": "{}"}
        )
    return docs


def new_index(folder: Path) -> Any:
    folder.mkdir()
    return whoosh_index.create_in(str(folder), make_schema())


def whoosh_segment(ix: Any, docs: list[dict[str, Any]]) -> None:
    writer = ix.writer(compound=False)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit(merge=False)


def built_segment(ix: Any, docs: list[dict[str, Any]]) -> None:
    builder = SegmentBuilder(ix.storage, ix.schema, ix.indexname)
    for doc in docs:
        builder.add(doc)
    segment = builder.finish()
    info = ix._read_toc()
    TOC(info.schema, [*info.segments, segment], info.generation + 1).write(ix.storage, ix.indexname)


def whoosh_merge(ix: Any) -> None:
    """Every segment into one, by Whoosh's own writer."""
    writer = ix.writer(compound=False)
    for segment in writer.segments:
        writer.add_reader(SegmentReader(writer.storage, writer.schema, segment))
    writer.commit(mergetype=lambda w, segments: [])


def built_merge(ix: Any) -> None:
    """Every segment into one, by merge_segments."""
    info = ix._read_toc()
    merged = merge_segments(ix.storage, info.schema, ix.indexname, info.segments)
    TOC(info.schema, [merged], info.generation + 1).write(ix.storage, ix.indexname)


def contents(ix: Any) -> dict[str, Any]:
    """Everything a reader sees, spelling fields as (term, document frequency) only."""
    out: dict[str, Any] = {"terms": {}, "spelling": {}, "stored": [], "lengths": [], "totals": {}, "published": []}
    with ix.reader() as reader:
        schema = ix.schema
        for (name, text), info in _term_infos(reader):
            if name.startswith("spell_"):
                out["spelling"][(name, text)] = info.doc_frequency()
                continue
            matcher = reader.postings(name, text)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight())
            out["terms"][(name, text)] = (postings, stats)
        names = [n for n in schema.names() if schema[n].scorable]
        for docnum in range(reader.doc_count_all()):
            out["stored"].append(reader.stored_fields(docnum))
            out["lengths"].append([reader.doc_field_length(docnum, n) for n in names])
        out["totals"] = {n: reader.field_length(n) for n in names}
        out["published"] = list(reader.column_reader("published", translate=False))
    return out


def _term_infos(reader: Any) -> list[tuple[tuple[str, bytes], Any]]:
    return [((name, text), reader.term_info(name, text)) for name, text in reader.all_terms()]


def assert_same(ours: dict[str, Any], theirs: dict[str, Any], *, spelling: bool = True, totals: bool = True) -> None:
    assert ours["terms"].keys() == theirs["terms"].keys()
    for key, value in theirs["terms"].items():
        assert ours["terms"][key] == value, key
    if spelling:
        assert ours["spelling"] == theirs["spelling"]
    for key in ("stored", "lengths", "totals", "published") if totals else ("stored", "lengths", "published"):
        assert ours[key] == theirs[key], key


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    found = documents()
    assert len(found) > 360
    return found


def test_a_segment_equals_whoosh_s(tmp_path: Path, docs: list[dict[str, Any]]) -> None:
    theirs, ours = new_index(tmp_path / "whoosh"), new_index(tmp_path / "built")
    whoosh_segment(theirs, docs)
    built_segment(ours, docs)
    assert_same(contents(ours), contents(theirs))
    assert contents(ours)["terms"], "nothing was indexed"


def test_a_merge_equals_whoosh_s(tmp_path: Path, docs: list[dict[str, Any]]) -> None:
    theirs, ours = new_index(tmp_path / "whoosh"), new_index(tmp_path / "built")
    thirds = [docs[i::3] for i in range(3)]
    for part in thirds:
        whoosh_segment(theirs, part)
        built_segment(ours, part)
    gone = [thirds[0][1]["id"], thirds[1][0]["id"], thirds[2][-1]["id"]]
    for ix in (theirs, ours):
        writer = ix.writer()
        for doc_id in gone:
            assert writer.delete_by_term("id", doc_id) == 1
        writer.commit(merge=False)

    whoosh_merge(theirs)
    built_merge(ours)

    mine, whooshs = contents(ours), contents(theirs)
    assert len(mine["stored"]) == len(docs) - len(gone)
    # Whoosh's merge miscounts its spelling postings (all numbered 0); the builder's count documents.
    assert_same(mine, whooshs, spelling=False)
    survivors = new_index(tmp_path / "survivors")
    built_segment(survivors, [doc for part in thirds for doc in part if doc["id"] not in gone])
    # A merge sums the lengths as stored (one byte each, approximate), as Whoosh's merge does.
    assert_same(mine, contents(survivors), totals=False)


def test_a_merge_of_segments_with_and_without_a_field(tmp_path: Path, docs: list[dict[str, Any]]) -> None:
    """A segment none of whose documents has a byline has no lengths for it: the merge must still line
    every document's length up with its number."""
    plain = [{k: v for k, v in doc.items() if k not in ("byline", "dateline")} for doc in docs[:40]]
    parts = [plain, docs[40:120], plain[:5]]
    parts[2] = [{**doc, "id": doc["id"] + "-again"} for doc in parts[2]]
    theirs, ours = new_index(tmp_path / "whoosh"), new_index(tmp_path / "built")
    for part in parts:
        whoosh_segment(theirs, part)
        built_segment(ours, part)
    whoosh_merge(theirs)
    built_merge(ours)
    assert_same(contents(ours), contents(theirs), spelling=False)


def test_words_are_analysed_as_whoosh_analyses_them() -> None:
    schema = make_schema()
    for name in ("headline", "body", "byline", "names"):
        field = schema[name]
        fast = FastText.of(field)
        assert fast is not None, name
        for text in ODD_TEXTS:
            expected = [
                (t.text, t.pos, t.startchar, t.endchar)
                for t in field.analyzer(text, positions=True, chars=True, mode="index")
                if not t.stopped
            ]
            tokens = [(word, pos, start, end) for word, _, pos, start, end in fast.tokens(text) if word is not None]
            assert tokens == expected, (name, text)
            items, plain = fast.analyse(text, field.format)
            assert sorted(items) == sorted(field.index(text)), (name, text)
            assert sorted(plain) == sorted(set(field.spellable_words(text))), (name, text)


def test_other_analyzers_are_left_to_whoosh() -> None:
    schema = make_schema()
    assert FastText.of(schema["country"]) is None  # keywords: Whoosh's own (cheap) path
    assert FastText.of(schema["id"]) is None
