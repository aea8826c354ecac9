"""Ingest and query speed on Reuters-21578: articles/s for a full index build, query latency p50/p95.

Run: .venv/bin/python bench/bench_index.py [--files N] [--queries N] [--keep DIR]
Prints figures; asserts nothing. Needs ../shared/corpora beside the repo.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.config import Settings  # noqa: E402
from archive.ingest.enrich.pipeline import ENRICHMENT_VERSION, Enricher  # noqa: E402
from archive.ingest.indexer import Indexer  # noqa: E402
from archive.search import SearchRequest, search  # noqa: E402
from archive.store import open_index  # noqa: E402

REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"
QUERIES = [
    "oil",
    "crude prices",
    '"interest rates"',
    "Japan trade surplus",
    "coffee OR cocoa",
    "bank NOT england",
    "dollar yen",
    "merger",
    "opec output",
    "wheat exports",
    "strike",
    "Brazil debt",
    "earnings",
    "gold",
    "",
    "*",
    "shipping",
    "sugar",
    "takeover bid",
    "tax reform",
]
FILTERS = [{}, {"country": ["US"]}, {"topic": ["economy-business-finance"]}, {"country": ["JP", "GB"]}]


def percentile(values: list[float], pct: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=18, help="how many reut2-*.sgm files (1,000 stories each)")
    parser.add_argument("--queries", type=int, default=400, help="how many timed queries")
    parser.add_argument("--keep", type=Path, help="build the index here and keep it")
    args = parser.parse_args()
    files = sorted(REUTERS.glob("reut2-*.sgm"))[: args.files]
    if not files:
        print(f"skipped: no Reuters-21578 files under {REUTERS}")
        return 0
    index_dir = args.keep or Path(tempfile.mkdtemp(prefix="bench-index-"))
    if index_dir.exists() and args.keep:
        shutil.rmtree(index_dir)
    settings = Settings.from_env(index_dir=index_dir)

    start = time.perf_counter()
    enricher = Enricher(settings.spacy_model)
    loaded = time.perf_counter() - start
    indexer = Indexer(
        settings,
        enricher_factory=lambda: enricher,
        enrichment_version=ENRICHMENT_VERSION,
    )
    start = time.perf_counter()
    stats = indexer.run(files)
    build = time.perf_counter() - start
    articles = stats.indexed + stats.updated
    start = time.perf_counter()
    rerun = Indexer(
        settings,
        enricher_factory=lambda: enricher,
        enrichment_version=ENRICHMENT_VERSION,
    ).run(files)
    rerun_seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in index_dir.iterdir())

    ix = open_index(index_dir)
    rng = random.Random(1987)
    for q in QUERIES:  # warm the OS cache and Whoosh's per-segment caches once
        search(ix, SearchRequest(q=q))
    latencies = []
    for _ in range(args.queries):
        request = SearchRequest(q=rng.choice(QUERIES), filters=rng.choice(FILTERS), page=rng.choice([1, 1, 1, 2, 5]))
        t0 = time.perf_counter()
        search(ix, request)
        latencies.append((time.perf_counter() - t0) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"corpus: {len(files)} Reuters-21578 files, {articles:,} articles indexed, {stats.skipped} skipped")
    print(f"pipeline load: {loaded:.1f} s (spaCy model {settings.spacy_model or 'bundled'})")
    print(f"ingest: {build:.1f} s, {articles / build:,.1f} articles/s (parse + NER + countries + topics + Whoosh)")
    print(f"re-run, nothing changed: {rerun_seconds:.1f} s ({rerun.unchanged:,} unchanged)")
    print(f"index size: {size / 1024 / 1024:.1f} MiB")
    print(
        f"query latency over {len(latencies)} queries (facets over the whole result set, page of 20 with snippets): "
        f"p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
        f"max {max(latencies):.1f} ms"
    )
    print(f"peak memory (RSS): {peak_mb:,.0f} MiB")
    if not args.keep:
        shutil.rmtree(index_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
