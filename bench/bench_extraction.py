"""Body-extraction benchmark: the archive's HTML parser against trafilatura.

Scores both on the pages of the Zyte article-extraction-benchmark kept in
../shared, with that benchmark's own metric (evaluate.py at the commit the
corpus came from), so our numbers can be compared with its published table:
4-token shingles of case-sensitive `\\w+` tokens, per-page TP/FP/FN over the
shingle multisets normalised to sum 1, precision averaged over the pages
that predicted something, recall over the pages whose truth has text, F1 from
the two averages.

Run: .venv/bin/python bench/bench_extraction.py [--verbose]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO.parent / "shared" / "corpora" / "extraction-benchmark"

# The benchmark compiles with IGNORECASE, which does nothing for `\w+`:
# tokens keep their case, and so do we.
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)

Scores = tuple[float, float, float]


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of n-token shingles; a text shorter than n is one short shingle."""
    tokens = _TOKEN_RE.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def page_scores(true: str | None, pred: str | None) -> Scores:
    """TP, FP, FN of one page, normalised to sum 1 so long pages weigh no more."""
    t, p = shingles(true), shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def summarise(scores: list[Scores]) -> dict[str, float]:
    """Precision over pages that predicted text, recall over pages with true text, F1 of the means."""
    precision = statistics.mean([_precision(*s) for s in scores if s[0] + s[1] > 0] or [0.0])
    recall = statistics.mean([_recall(*s) for s in scores if s[0] + s[2] > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def page_f1(score: Scores) -> float:
    """One page's F1, for ranking the worst pages."""
    p, r = _precision(*score), _recall(*score)
    return 2 * p * r / (p + r) if p + r else 0.0


def load_pages(bench_dir: Path = BENCH_DIR) -> list[tuple[str, str, str]]:
    """(id, html, true body) for every page, in id order."""
    truth = json.loads((bench_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        with gzip.open(bench_dir / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
            pages.append((page_id, f.read(), truth[page_id].get("articleBody") or ""))
    return pages


def archive_extract(markup: str) -> str:
    """The archive's body, or "" where the parser finds no article text (as the benchmark scores None)."""
    from archive.errors import NoArticleText
    from archive.ingest.readers.html import parse_html

    try:
        return parse_html(markup, "bench").body
    except NoArticleText:
        return ""


def trafilatura_extractor() -> Callable[[str], str] | None:
    """trafilatura as the benchmark runs it, or None when it is not installed."""
    try:
        import trafilatura
    except ImportError:
        return None
    return lambda markup: trafilatura.extract(markup, include_comments=False) or ""


def run(extract: Callable[[str], str], pages: list[tuple[str, str, str]]) -> tuple[list[Scores], float]:
    """Per-page scores and pages per second (extraction time only)."""
    scores, elapsed = [], 0.0
    for _page_id, markup, true in pages:
        start = time.perf_counter()
        pred = extract(markup)
        elapsed += time.perf_counter() - start
        scores.append(page_scores(true, pred))
    return scores, len(pages) / elapsed if elapsed else float("inf")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list the archive's 10 worst pages")
    args = parser.parse_args(argv)
    if not BENCH_DIR.is_dir():
        print(f"skipped: benchmark corpus not found at {BENCH_DIR} (../shared is beside the repo)")
        return 0
    sys.path.insert(0, str(REPO))
    pages = load_pages()
    columns = {"archive": archive_extract}
    traf = trafilatura_extractor()
    if traf is None:
        print("trafilatura is not installed: its column is skipped (pip install trafilatura)")
    else:
        columns["trafilatura"] = traf
    print(f"{len(pages)} pages from {BENCH_DIR}")
    print(f"{'extractor':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    results = {}
    for name, extract in columns.items():
        scores, rate = run(extract, pages)
        results[name] = scores
        m = summarise(scores)
        print(f"{name:<12} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {rate:>8.1f}")
    if args.verbose:
        print("\narchive's worst 10 pages (page F1, precision, recall, url):")
        truth = json.loads((BENCH_DIR / "ground-truth.json").read_text(encoding="utf-8"))
        ranked = sorted(zip(pages, results["archive"], strict=True), key=lambda item: page_f1(item[1]))
        for (page_id, _markup, _true), score in ranked[:10]:
            line = f"  {page_f1(score):.3f}  P={_precision(*score):.3f}  R={_recall(*score):.3f}  {page_id[:12]}"
            print(f"{line}  {truth[page_id].get('url', '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
