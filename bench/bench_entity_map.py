"""What entities across the archive cost: building the entity map and the corrected columns, and a search with facets.

Run: /work/main/.venv/bin/python bench/bench_entity_map.py [--articles 20000] [--keep DIR]

It writes a synthetic archive of distinct texts in the archive's own JSON Lines shape (entities given, so no NER runs):
each article names 3 people, 2 organisations and 2 places from pools of surnames, full names,
spelling variants and abbreviations with their expansions (about one distinct name per 4 articles,
as news has), and defines an abbreviation in one article of 20. It indexes them with the CLI, then
times, on a cold process's first request, the entity map and corrected columns (what each commit
costs the first search after it), counting the three entity facets over every story through the
found names' columns and through the entities', and a whole search. Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from click.testing import CliRunner

from archive.cli import main
from archive.facets import BY_NAME
from archive.search import FACET_LIMIT, SearchRequest, search
from archive.search import entities as entity_module
from archive.search.counts import top_values
from archive.store import open_index, snapshot

FIRST = ["John", "Maria", "Ahmed", "Li", "Olga", "Pierre", "Ana", "Kofi", "Yuki", "Ravi", "Sara", "Tomas"]
SYLLABLES = ("tra", "mel", "kor", "vin", "sol", "der", "pal", "gus")
WORDS = [f"{a}{b}" for a in SYLLABLES for b in ("an", "ek", "ot", "is", "um")]
LAST = ["Smith", "Garcia", "Khan", "Wang", "Petrova", "Dubois", "Silva", "Mensah", "Tanaka", "Patel", "Novak"]


def records(count: int, rng: random.Random) -> list[dict]:
    distinct = max(50, count // 4)
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}{n % 97 or ''}" for n in range(distinct)]
    people += [p.split()[-1] for p in people[: distinct // 10]]  # surnames alone
    people += [p.upper() for p in people[: distinct // 20]]  # spelling variants
    orgs = [f"Council{n} of Trade{n} Union" for n in range(distinct // 2)]
    shorts = [f"C{n}TU" for n in range(distinct // 2)]
    places = [f"Town{n}" for n in range(distinct // 2)]
    out = []
    for n in range(count):
        k = rng.randrange(len(orgs))
        org_names = [rng.choice((orgs[k], shorts[k])), rng.choice(orgs)]
        body = f"Officials of the {orgs[k]} ({shorts[k]}) met. " if n % 20 == 0 else ""
        body += " ".join(rng.choice(WORDS) for _ in range(80)) + "."  # distinct texts: no story has versions
        out.append({
            "id": f"b{n}", "headline": f"Story {n}", "body": body,
            "published": f"20{10 + n % 14:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "entities": {"people": rng.sample(people, 3), "organizations": org_names,
                         "places": rng.sample(places, 2)},
        })  # fmt: skip
    return out


def main_bench() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, default=None, help="Index here (and keep it) instead of a temp folder.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-entities-"))
    index_dir = args.keep or work / "index"
    source = work / "articles.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records(args.articles, random.Random(7))) + "\n")
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(source)])
    assert result.exit_code == 0, result.output
    print(f"indexed {args.articles:,} articles in {time.perf_counter() - started:.1f}s")
    ix = open_index(index_dir)
    snap = snapshot(ix)
    started = time.perf_counter()
    raw = snap.columns
    print(f"raw columns (cold): {time.perf_counter() - started:.3f}s")
    started = time.perf_counter()
    reading = entity_module.reading(snap)
    built = time.perf_counter() - started
    shown = {id(e): e for e in reading.entities.entity_of.values()}
    joined = sum(1 for e in shown.values() if len(e.members) > 1)
    names = sum(len(raw.terms.names(f)) for f in ("person", "org", "place"))
    print(f"entity map + corrected columns (cold): {built:.3f}s for {names:,} names, {joined:,} entities joined")
    for label, columns in (("found names", raw), ("entities", reading.columns)):
        times = []
        for _ in range(5):
            began = time.perf_counter()
            for facet in ("person", "org", "place"):
                top_values(columns, BY_NAME[facet], columns.eligible, FACET_LIMIT)
            times.append(time.perf_counter() - began)
        print(f"people, organisations and places counted over every story ({label}): "
              f"median {sorted(times)[2] * 1000:.1f} ms")  # fmt: skip
    times = []
    for _ in range(5):
        began = time.perf_counter()
        search(ix, SearchRequest())
        times.append(time.perf_counter() - began)
    print(f"a whole search, every facet, no words: median {sorted(times)[2] * 1000:.1f} ms")


if __name__ == "__main__":
    main_bench()
