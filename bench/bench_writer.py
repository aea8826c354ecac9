"""Writing one segment: Whoosh's own SegmentWriter beside archive.store.segments, same documents, interleaved.

    python bench/bench_writer.py [--files N] [--rounds R]

Reads Reuters-21578 files from ../shared (the real reader, no NER), makes the documents the
archive writes (archive.store.schema), then in each round writes them as one segment both ways
into fresh indexes and prints documents/s for each, their ratio, and the postings written.
Interleaved rounds, best and median, because this machine is shared: compare the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import TOC

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.ingest.readers.formats import read_file  # noqa: E402
from archive.store import article_document, make_schema  # noqa: E402
from archive.store.segments import SegmentBuilder  # noqa: E402

REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"


def documents(files: int) -> list[dict[str, Any]]:
    paths = sorted(REUTERS.glob("*.sgm"))[:files]
    if not paths:
        sys.exit(f"no Reuters-21578 files in {REUTERS}: this benchmark needs ../shared beside the repo")
    docs = []
    for path in paths:
        for article in read_file(path, max_bytes=2**26).articles:
            docs.append(article_document(article, "hash", str(path), group=article.id, exact=article.id))
    return docs


def whoosh_writer(folder: Path, docs: list[dict[str, Any]]) -> None:
    ix = whoosh_index.create_in(str(folder), make_schema())
    writer = ix.writer(compound=False)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit(merge=False)


def segment_builder(folder: Path, docs: list[dict[str, Any]]) -> None:
    ix = whoosh_index.create_in(str(folder), make_schema())
    builder = SegmentBuilder(ix.storage, ix.schema, ix.indexname)
    for doc in docs:
        builder.add(doc)
    segment = builder.finish()
    info = ix._read_toc()
    TOC(info.schema, [segment], info.generation + 1).write(ix.storage, ix.indexname)


def postings(folder: Path) -> int:
    with whoosh_index.open_dir(str(folder)).reader() as reader:
        return sum(reader.doc_frequency(name, text) for name, text in reader.all_terms())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2, help="Reuters .sgm files to read (1,000 articles each)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    docs = documents(args.files)
    times: dict[str, list[float]] = {"whoosh": [], "builder": []}
    counts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.rounds):
            for name, write in (("whoosh", whoosh_writer), ("builder", segment_builder)):
                folder = Path(tmp) / f"{name}-{n}"
                folder.mkdir()
                started = time.perf_counter()
                write(folder, docs)
                times[name].append(time.perf_counter() - started)
                counts[name] = postings(folder)
    print(f"{len(docs):,} documents, {args.rounds} rounds, one segment each way")
    for name, runs in times.items():
        print(
            f"  {name:8} best {len(docs) / min(runs):7,.0f} docs/s  median {len(docs) / statistics.median(runs):7,.0f}"
            f" docs/s  ({counts[name]:,} postings)"
        )
    ratio = min(times["whoosh"]) / min(times["builder"])
    print(f"  builder / whoosh: {ratio:.1f}x faster (best against best)")


if __name__ == "__main__":
    main()
