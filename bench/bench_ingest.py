"""Full ingest with NER beside `archive extract` on the same files: articles/s and their ratio.

Run: .venv/bin/python bench/bench_ingest.py [--files 4] [--rounds 3] [--workers 1,2]

`archive extract --json` reads, recognises entities and works out countries and topics (what an
archive's enrichment is) and writes JSON; `archive index` does the same and also groups versions,
writes the Whoosh index, its columns and posting arrays. Both run as whole processes from a cold
start over the first `--files` Reuters-21578 files (4: about 4,000 articles, past the size from
which `archive index` starts enrichment workers), interleaved round by round, `archive index` into
a fresh index with each `ARCHIVE_WORKERS` value. Prints each run and the median articles/s of each,
and the ratio of each `archive index` to `archive extract`; asserts nothing. The machine is shared,
so compare the ratios, measured in the same rounds, rather than the absolute rates.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"
SUMMARY = re.compile(r"(\d+) files: (\d+) indexed, (\d+) updated")


def timed(cmd: list[str], env: dict[str, str], stdout: object, stderr: object = subprocess.DEVNULL) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=stdout, stderr=stderr, check=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=4, help="Reuters-21578 files, from reut2-000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", default="1,2", help="ARCHIVE_WORKERS values for `archive index`")
    args = parser.parse_args()
    files = sorted(REUTERS.glob("reut2-0*.sgm"))[: args.files]
    if not files:
        print(f"no Reuters-21578 files under {REUTERS}: ../shared is not beside the repo; nothing measured")
        return 0
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    cli = [sys.executable, "-m", "archive"]
    rates: dict[str, list[float]] = {"extract": []}
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    print(f"{len(files)} files ({sum(f.stat().st_size for f in files) / 2**20:.1f} MiB), {args.rounds} rounds")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "extract.jsonl"
        for round_ in range(1, args.rounds + 1):
            with out.open("wb") as sink:
                wall = timed([*cli, "extract", "--json", *map(str, files)], env, sink)
            articles = sum(1 for _ in out.open(encoding="utf-8"))
            rates["extract"].append(articles / wall)
            print(f"round {round_}: extract {articles} articles in {wall:.1f} s, {articles / wall:.0f}/s")
            for count in workers:
                index_dir = Path(tmp) / "index"
                shutil.rmtree(index_dir, ignore_errors=True)
                log = Path(tmp) / "index.log"
                with log.open("wb") as sink:
                    wall = timed(
                        [*cli, "index", *map(str, files), "--index", str(index_dir)],
                        {**env, "ARCHIVE_WORKERS": str(count)},
                        subprocess.DEVNULL,
                        sink,  # the summary line goes to standard error
                    )
                found = SUMMARY.findall(log.read_text(errors="replace"))
                indexed = int(found[-1][1]) + int(found[-1][2]) if found else 0
                rates.setdefault(f"index, {count} workers", []).append(indexed / wall)
                rate = indexed / wall
                print(f"round {round_}: index ({count} workers) {indexed} articles in {wall:.1f} s, {rate:.0f}/s")
    base = statistics.median(rates["extract"])
    print(f"\nmedian articles/s: extract {base:.0f}")
    for name, values in rates.items():
        if name != "extract":
            ratios = [v / e for v, e in zip(values, rates["extract"], strict=True)]
            print(
                f"  {name}: {statistics.median(values):.0f}/s, {statistics.median(ratios):.0%} of extract's (per round)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
