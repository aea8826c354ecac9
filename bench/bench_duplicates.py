"""Duplicate grouping on all of Reuters-21578: how many copies and stories, examples, and precision.

Run: .venv/bin/python bench/bench_duplicates.py [--sample N] [--seed S] [--keep DIR]
Indexes every story through the real indexer and grouping code with enrichment switched off
(grouping does not use it), then prints the figures. Precision comes from the hand-checked
pairs in bench/data/duplicate_pairs.json: each is (an article, the article that founded its
group) with a verdict; `--sample` prints a fresh random sample of such pairs to check by hand.
Prints figures; asserts nothing. Needs ../shared/corpora beside the repo.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.article import Article  # noqa: E402
from archive.config import Settings  # noqa: E402
from archive.ingest.indexer import Indexer  # noqa: E402
from archive.store import open_index  # noqa: E402

REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"
LABELS = ROOT / "bench" / "data" / "duplicate_pairs.json"


class NoEnrichment:
    """Grouping reads headline, body and date only; NER would only make the run slower."""

    def enrich(self, articles: Sequence[Article]) -> list[Article]:
        return list(articles)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="print this many random grouped pairs to check")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the index here and keep it")
    args = parser.parse_args()
    files = sorted(REUTERS.glob("reut2-*.sgm"))
    if not files:
        print(f"skipped: no Reuters-21578 files under {REUTERS}")
        return 0
    index_dir = args.keep or Path(tempfile.mkdtemp(prefix="bench-dups-"))
    if index_dir.exists():
        shutil.rmtree(index_dir)
    start = time.perf_counter()
    settings = Settings.from_env(index_dir=index_dir, max_file_bytes=10**9)
    stats = Indexer(settings, enricher_factory=NoEnrichment, enrichment_version="bench").run(files)
    seconds = time.perf_counter() - start
    with open_index(index_dir).searcher() as searcher:
        docs = list(searcher.all_stored_fields())
    if not args.keep:
        shutil.rmtree(index_dir)

    by_id = {d["id"]: d for d in docs}
    members: dict[str, list[dict]] = defaultdict(list)
    for d in docs:
        members[d["group"]].append(d)
    copies = [d for d in docs if d.get("copy_of")]
    multi = {g: m for g, m in members.items() if len(m) > 1}
    near = {g: m for g, m in multi.items() if any(not d.get("copy_of") and d["id"] != g for d in m)}
    sizes = Counter(len(m) for m in multi.values())
    print(f"Reuters-21578, {len(files)} files: {stats.summary()}; indexing with grouping, no NER: {seconds:.1f} s")
    print(f"  articles {len(docs):,}; exact copies stored once {len(copies):,}; stories {len(members):,}")
    print(f"  stories with more than one version {len(multi):,} ({len(near):,} with a near-duplicate version)")
    print(f"  versions per grouped story: {', '.join(f'{n}: {c}' for n, c in sorted(sizes.items()))}")
    print("  largest groups:")
    for group, found in sorted(multi.items(), key=lambda kv: -len(kv[1]))[:5]:
        print(f"    {len(found)} x {headline(by_id.get(group) or found[0])}")

    # Pairs are named by file and story number (`reut2-003.sgm#2471`), which hold wherever the corpus sits.
    pairs = [(key(d), key(by_id[g])) for g, m in multi.items() for d in m if d["id"] != g and g in by_id]
    labels = json.loads(LABELS.read_text()) if LABELS.exists() else []
    grouped = set(pairs)
    checked = [item for item in labels if (item["a"], item["b"]) in grouped]
    if checked:
        right = sum(item["same"] for item in checked)
        print(
            f"  precision on the hand-checked sample: {right}/{len(checked)} = {right / len(checked):.3f} "
            f"({len(labels) - len(checked)} labelled pairs no longer grouped)"
        )
    if args.sample:
        rng = random.Random(args.seed)
        by_key = {key(d): d for d in docs}
        for a, b in rng.sample(sorted(pairs), min(args.sample, len(pairs))):
            print(json.dumps({"a": a, "b": b, "same": None, "A": describe(by_key[a]), "B": describe(by_key[b])}))
    return 0


def key(stored: dict) -> str:
    return Path(json.loads(stored["data"])["source"]).name


def headline(stored: dict) -> str:
    return json.loads(stored["data"])["headline"]


def describe(stored: dict) -> str:
    data = json.loads(stored["data"])
    kind = "copy" if stored.get("copy_of") else "text"
    return f"{data['published']} [{kind}] {data['headline']} | {stored.get('body', '')[:300]}"


if __name__ == "__main__":
    sys.exit(main())
