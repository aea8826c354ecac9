"""What enrichment makes of entity names on real copy: stray brackets, one name under two types, aliases.

Run: /work/main/.venv/bin/python bench/bench_entities.py [FILE ...]
(default: ../shared/corpora/reuters21578/reut2-000.sgm and the 90 extraction-benchmark pages).
Prints, over every article's entity facets: names that keep `<`/`>` or a bracket without its partner,
lone generic words ("Bank", "Energy"), names listed under two types in one article (case folded),
names both a person and a place somewhere, and the (short, long) aliases found. The same script under
an older checkout (PYTHONPATH=that checkout) prints its figures for comparison.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.ingest.enrich.pipeline import Enricher  # noqa: E402
from archive.ingest.readers.formats import read_file  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
KINDS = ("people", "organizations", "places", "groups", "events")
GENERIC = {"bank", "energy", "finance", "ministry", "government", "trade", "industry", "company", "group"}


def stray_bracket(name: str) -> bool:
    depth = 0
    for ch in name:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return True
    return depth != 0 or "<" in name or ">" in name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    files = args.files or [
        CORPORA / "reuters21578" / "reut2-000.sgm",
        *sorted((CORPORA / "extraction-benchmark" / "html").glob("*.html.gz")),
    ]
    articles = [a for f in files for a in read_file(f, max_bytes=100_000_000).articles]
    enricher = Enricher()
    enriched = [a for i in range(0, len(articles), 64) for a in enricher.enrich(articles[i : i + 64])]
    names = stray = generic = two_types = 0
    typed: dict[str, set[str]] = {}
    examples: Counter[str] = Counter()
    aliases = 0
    for article in enriched:
        seen: Counter[str] = Counter()
        for kind in KINDS:
            for name in getattr(article.entities, kind):
                names += 1
                seen[name.lower()] += 1
                typed.setdefault(name, set()).add(kind)
                if stray_bracket(name):
                    stray += 1
                    examples[name] += 1
                generic += name.lower() in GENERIC
        two_types += sum(1 for n in seen.values() if n > 1)
        aliases += len(getattr(article, "aliases", ()))
    person_and_place = sum(1 for kinds in typed.values() if {"people", "places"} <= kinds)
    print(f"{len(enriched)} articles from {len(files)} files, {names} entity names (per article)")
    print(f"  names with < > or a bracket without its partner: {stray}")
    for name, count in examples.most_common(5):
        print(f"    {count} x {name!r}")
    print(f"  lone generic words as names ({', '.join(sorted(GENERIC))}): {generic}")
    print(f"  names under two types in one article: {two_types}")
    print(f"  distinct names that are a person in one article and a place in another: {person_and_place}")
    print(f"  aliases (short, long) found: {aliases}")


if __name__ == "__main__":
    main()
