"""Search and ingest at scale, beside tantivy: articles/s, index size, peak RSS, cold and warm query latency.

Run: PYTHONPATH=. .venv/bin/python bench/bench_scale.py [--articles 1000000] [--steps 100000,300000,1000000]
         [--work build/scale] [--rounds 3] [--timeout 21600] [--query-timeout 600] [--tantivy-threads 1]

For each step N (ascending; `--articles` is the largest and caps the others):
1. Once, cached under --work: `archive extract --json` over Reuters-21578 (reuters.jsonl), then
   ../shared/tools/scale_corpus.py writes the synthetic articles (corpus/part-NNNNN.jsonl, 10,000 a file,
   fewer when a step is not a multiple of 10,000). A larger cached corpus serves a smaller run (same seed).
2. The real `archive index <part files not indexed yet> --index DIR` in a subprocess, so each step adds
   its articles to the same index: articles/s of that step, wall time, peak RSS (os.wait4), index size.
   Then ADDED (1,000) other articles (another seed, their own folder) in one more `archive index`,
   timed on their own: what adding a day's news to an archive of that size costs. They stay, so a
   step's archive holds its N articles and 1,000 per step so far, and tantivy gets them too.
3. The same documents exported (`archive export --format jsonl` when the CLI has it, else the stored
   article JSON read from the index) and built into tantivy-py 0.27 in a fresh process: build time,
   size, peak RSS. headline+body use `en_stem` (headline boosted ×2 as in the archive), the 8 facets are
   raw fast string fields, `day` (YYYYMMDD) and `month` are i64 fast fields.
4. Serving, two fresh processes: `archive.web.create_app` + `test_client()` answering `/api/search`
   (hits with snippets, facet counts over the whole result set, histogram, suggestion: all it returns),
   and tantivy doing the same work (top 20 by BM25, snippets, a terms aggregation per facet with the
   disjunctive counts, a month histogram, the total). "Cold" is the wall time from starting the process
   to the first answer (the index files are in the OS cache: they were just written). Then 20 queries ×
   4 filter sets, `--rounds` times, archive and tantivy interleaved request by request; latency is
   measured inside each process (no pipe overhead). Filter semantics are checked against counts worked out
   from the exported records (OR within a facet, AND across, dates inclusive), and each query's totals
   are compared between the engines (a warning past 3 %: the stemmers and the archive's extra name
   fields differ).

Prints a row per step and writes every figure to --work/results.json; asserts nothing about speed.
Needs ../shared beside the repo (says so and exits 0 when it is absent) and `tantivy` (the bench extra).
Uses one core at a time: every phase is one process, tantivy builds with --tantivy-threads.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REUTERS = SHARED / "corpora" / "reuters21578"
SCALE_TOOL = SHARED / "tools" / "scale_corpus.py"
PER_FILE = 10_000

# Words frequent in wire copy. The first is the cold query.
QUERIES = [
    "oil",
    "bank",
    "trade",
    "dollar",
    "shares",
    "wheat",
    "market",
    "crude prices",
    "japan exports",
    "company profit",
    "brazil debt",
    "government tax",
    '"interest rates"',
    '"central bank"',
    "coffee OR cocoa",
    "gold OR silver",
    "bank NOT england",
    "export*",
    "price*",
    "",  # browse all
]
FILTER_SETS: list[dict[str, Any]] = [
    {},
    {"filters": {"country": ["US"]}},
    {"filters": {"country": ["JP"], "topic": ["economy-business-finance"]}},
    {"from": "1990-01-01", "to": "1999-12-31"},
]
FACETS = ("country", "topic", "person", "org", "place", "author", "source", "year")
FACET_SIZE = 25
TEXT_FIELDS = ("headline", "body")
HEADLINE_BOOST = 2.0  # as the archive's schema
PAGE = 20
SNIPPET_CHARS = 240
TOTALS_TOLERANCE = 0.03
ADDED = 1_000  # articles added to each step's archive after its import, timed on their own
SUMMARY = re.compile(r"(\d+) files: (\d+) indexed, (\d+) updated, (\d+) unchanged, (\d+) removed, (\d+) skipped")


class StepFailed(Exception):
    """A phase of a step failed or ran out of time; the message says which and where its log is."""


# --- small helpers ---------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def archive_cli(*args: str) -> list[str]:
    """The real CLI from this checkout (`python -m archive`, whatever `archive` on PATH points at)."""
    return [sys.executable, "-m", "archive", *args]


def this_script(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def run(what: str, cmd: list[str], *, timeout: float, log: Path, stdout: Path | None = None) -> tuple[float, float]:
    """Run a command to the end; (wall seconds, peak RSS MiB of it and its children). StepFailed otherwise."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as err, open(stdout or os.devnull, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env=child_env(), start_new_session=True)
        status, usage = wait_rusage(proc, started + timeout)
        wall = time.perf_counter() - started
    if status is None:
        raise StepFailed(f"{what} ran past {timeout:.0f} s (--timeout) and was stopped; log: {log}")
    if status != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        raise StepFailed(f"{what} failed with exit status {status}; log {log} ends:\n    " + "\n    ".join(tail))
    return wall, usage.ru_maxrss / 1024


def wait_rusage(proc: subprocess.Popen, deadline: float) -> tuple[int | None, Any]:
    """Wait for one child with os.wait4 (its own rusage, not every child's); kill it past the deadline.

    (exit status or None when it was killed, rusage). Every child runs in its own session and the kill
    goes to that process group by id; Popen.kill() would also poll, reaping the child and its rusage.
    """
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: helpers it started go too
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            return None, usage
        time.sleep(0.1)


class Child:
    """A long-lived fresh process answering one JSON line per JSON line (the serving processes)."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.log_path = log
        self.log = log.open("wb")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            cwd=ROOT,
            env=child_env(),
            bufsize=0,
            start_new_session=True,  # so a kill reaches whatever it starts too
        )
        self.buffer = b""

    def ask(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        data = (json.dumps(message) + "\n").encode()
        try:
            while data:
                data = data[os.write(self.proc.stdin.fileno(), data) :]
        except BrokenPipeError as exc:
            raise StepFailed(f"serving process died; log: {self.log_path}") from exc
        deadline = time.perf_counter() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                self.kill()
                raise StepFailed(f"no answer within {timeout:g} s (--query-timeout) to {message}; log: {self.log_path}")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise StepFailed(f"serving process exited; log: {self.log_path}")
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line)

    def close(self, timeout: float = 60) -> float:
        """Stop it; its peak RSS in MiB."""
        self.proc.stdin.close()
        _, usage = wait_rusage(self.proc, time.perf_counter() + timeout)
        self.log.close()
        return usage.ru_maxrss / 1024

    def kill(self) -> None:
        """Stop it now, if it is still running (after a failure)."""
        if self.proc.returncode is None:
            wait_rusage(self.proc, time.perf_counter())
        self.log.close()


# --- 1. the corpus ---------------------------------------------------------------------------------


def reuters_jsonl(work: Path, timeout: float) -> Path:
    out = work / "reuters.jsonl"
    if out.exists():
        return out
    files = sorted(REUTERS.glob("reut2-0*.sgm"))
    print(f"extracting {len(files)} Reuters-21578 files with `archive extract --json` (NER: a few minutes) …")
    partial = out.with_suffix(".jsonl.partial")
    wall, _ = run(
        "archive extract",
        archive_cli("extract", "--json", *map(str, files)),
        timeout=timeout,
        log=work / "logs" / "extract.log",
        stdout=partial,
    )
    partial.rename(out)
    print(f"  {sum(1 for _ in out.open(encoding='utf8')):,} articles in {wall:.0f} s -> {out}")
    return out


def synthetic_corpus(work: Path, source: Path, articles: int, per_file: int, timeout: float) -> Path:
    corpus = work / "corpus"
    marker = corpus / "corpus.json"
    wanted = {"per_file": per_file, "source_bytes": source.stat().st_size}
    if marker.exists():
        made = json.loads(marker.read_text())
        if made["articles"] >= articles and {k: made.get(k) for k in wanted} == wanted:
            return corpus
    shutil.rmtree(corpus, ignore_errors=True)
    print(f"writing {articles:,} synthetic articles with {SCALE_TOOL.name} …")
    cmd = [sys.executable, str(SCALE_TOOL), str(source), str(corpus), "--articles", str(articles)]
    wall, _ = run(
        "scale_corpus.py", [*cmd, "--per-file", str(per_file)], timeout=timeout, log=work / "logs" / "scale_corpus.log"
    )
    marker.write_text(json.dumps({"articles": articles, **wanted}))
    print(f"  {len(parts(corpus))} files in {wall:.0f} s, {folder_bytes(corpus) / 2**20:,.0f} MiB -> {corpus}")
    return corpus


def added_articles(work: Path, source: Path, step: int, timeout: float) -> Path:
    """ADDED other synthetic articles (another seed, a folder of their own: other ids) for one step, to time
    what adding a day's news to an archive of that size costs."""
    folder = work / "added" / str(step)
    out = folder / "part-00000.jsonl"
    if not out.exists():
        cmd = [sys.executable, str(SCALE_TOOL), str(source), str(folder), "--articles", str(ADDED)]
        run("scale_corpus.py", [*cmd, "--seed", str(step)], timeout=timeout, log=work / "logs" / "scale_corpus.log")
    return out


def parts(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("part-*.jsonl"))


# --- 2. the archive's import -----------------------------------------------------------------------


def index_step(files: list[Path], index_dir: Path, log: Path, timeout: float) -> dict[str, Any]:
    wall, rss = run(
        "archive index", archive_cli("index", *map(str, files), "--index", str(index_dir)), timeout=timeout, log=log
    )
    found = SUMMARY.findall(log.read_text(errors="replace"))
    if not found:
        raise StepFailed(f"`archive index` printed no summary line; log: {log}")
    _, indexed, updated, unchanged, _, skipped = map(int, found[-1])
    return {"indexed": indexed + updated, "unchanged": unchanged, "skipped": skipped, "seconds": wall, "rss_mb": rss}


# --- 3. the same documents for tantivy -------------------------------------------------------------


def cli_has_export() -> bool:
    done = subprocess.run(archive_cli("export", "--help"), capture_output=True, cwd=ROOT, env=child_env())
    return done.returncode == 0


def export_articles(index_dir: Path, out: Path, log: Path, timeout: float) -> tuple[str, float]:
    """Every article of the index as JSON Lines in the `archive extract --json` shape.

    `archive export` when the CLI has it (issue 11 item 4), else the stored article JSON read straight
    from the index; switching is this function only.
    """
    if cli_has_export():
        how, cmd = (
            "archive export",
            archive_cli("export", "--format", "jsonl", "--index", str(index_dir), "--output", str(out)),
        )
    else:
        how, cmd = "stored fields (no `archive export` yet)", this_script("--child", "export", str(index_dir), str(out))
    wall, _ = run(f"export ({how})", cmd, timeout=timeout, log=log)
    return how, wall


def child_export(index_dir: str, out: str) -> int:
    """Stand-in for `archive export`: each original's stored `data` (exact copies are not searched)."""
    from archive.store import article_from_stored, open_index

    count = 0
    with open_index(Path(index_dir)).searcher() as searcher, open(out, "w", encoding="utf8") as fh:
        for stored in searcher.all_stored_fields():
            if stored.get("copy_of"):
                continue
            fh.write(json.dumps(article_from_stored(stored), ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} articles -> {out}", file=sys.stderr)
    return 0


def record_facets(record: dict[str, Any]) -> tuple[dict[str, list[str]], int | None, int | None]:
    """An exported record's facet values as the archive's registry computes them, its day and month."""
    from archive.article import Article, Dateline
    from archive.facets import article_source, parse_published

    ents = record.get("entities") or {}
    dateline = record.get("dateline") or {}
    article = Article(source="", body="", url=record.get("url"), dateline=Dateline(**dateline))
    published = parse_published(record.get("published"))
    values = {
        "country": record.get("countries") or [],
        "topic": record.get("topics") or [],
        "person": ents.get("people") or [],
        "org": ents.get("organizations") or [],
        "place": ents.get("places") or [],
        "author": record.get("authors") or [],
        "source": [article_source(article)],
        "year": [str(published.year)] if published else [],
    }
    values = {k: [v.replace(",", " ").strip() for v in vs if v and v.strip()] for k, vs in values.items()}
    if published is None:
        return values, None, None
    day = published.year * 10000 + published.month * 100 + published.day
    return values, day, published.year * 12 + published.month - 1


def child_tantivy_build(export: str, out: str, threads: str) -> int:
    import tantivy

    started = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name="en_stem")
    for name in FACETS:
        builder.add_text_field(name, stored=False, fast=True, tokenizer_name="raw")
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_integer_field("month", indexed=True, fast=True)
    shutil.rmtree(out, ignore_errors=True)
    Path(out).mkdir(parents=True)
    index = tantivy.Index(builder.build(), path=out)
    writer = index.writer(heap_size=128_000_000, num_threads=int(threads))
    count = 0
    with open(export, encoding="utf8") as fh:
        for line in fh:
            record = json.loads(line)
            values, day, month = record_facets(record)
            doc = tantivy.Document()
            doc.add_text("id", record["id"])
            doc.add_text("headline", record.get("headline") or "")
            doc.add_text("body", record.get("body") or "")
            for name, vs in values.items():
                for v in vs:
                    doc.add_text(name, v)
            if day is not None:
                doc.add_integer("day", day)
                doc.add_integer("month", month)
            writer.add_document(doc)
            count += 1
    documents = time.perf_counter() - started
    writer.commit()
    writer.wait_merging_threads()
    print(json.dumps({"documents": count, "seconds": time.perf_counter() - started, "feeding_seconds": documents}))
    return 0


# --- 4. serving ------------------------------------------------------------------------------------


def serve_stdio(answer: Any) -> int:
    """Answer JSON lines on stdin with JSON lines on stdout; anything else printed goes to stderr."""
    out = os.fdopen(os.dup(1), "w", encoding="utf8")
    os.dup2(2, 1)
    for line in sys.stdin:
        reply = answer(json.loads(line))
        out.write(json.dumps(reply) + "\n")
        out.flush()
    return 0


def archive_path(request: dict[str, Any]) -> str:
    pairs = [("q", request.get("q", ""))]
    pairs += [(facet, v) for facet, values in (request.get("filters") or {}).items() for v in values]
    pairs += [(key, request[key]) for key in ("from", "to") if request.get(key)]
    return "/api/search?" + urlencode(pairs)


def child_archive(index_dir: str) -> int:
    started = time.perf_counter()
    from archive.web import create_app

    client = create_app({"INDEX_DIR": index_dir}).test_client()
    ready = time.perf_counter() - started

    def answer(request: dict[str, Any]) -> dict[str, Any]:
        t0 = time.perf_counter()
        response = client.get(archive_path(request))
        ms = (time.perf_counter() - t0) * 1000
        if response.status_code != 200:
            return {"ms": ms, "error": f"HTTP {response.status_code}: {response.get_data(as_text=True)[:300]}"}
        data = response.get_json()
        facets = {k: data["facets"].get(k, {}) for k in FACETS}
        return {"ms": ms, "total": data["total"], "hits": len(data["hits"]), "facets": facets, "ready_s": ready}

    return serve_stdio(answer)


def child_tantivy(index_dir: str) -> int:
    started = time.perf_counter()
    import tantivy

    index = tantivy.Index.open(index_dir)
    index.reload()
    schema = index.schema
    searcher = index.searcher()
    ready = time.perf_counter() - started
    must = tantivy.Occur.Must

    def text_query(q: str) -> Any:
        q = q.strip()
        if not q or q == "*":
            return tantivy.Query.all_query()
        if re.fullmatch(r"\w+\*", q):  # a prefix, as Whoosh expands it over the indexed (stemmed) terms
            prefix = re.escape(q[:-1].lower()) + ".*"
            leaves = [(tantivy.Occur.Should, tantivy.Query.regex_query(schema, f, prefix)) for f in TEXT_FIELDS]
            return tantivy.Query.boolean_query(leaves)
        return index.parse_query(
            q, list(TEXT_FIELDS), field_boosts={"headline": HEADLINE_BOOST}, conjunction_by_default=True
        )

    def answer(request: dict[str, Any]) -> dict[str, Any]:
        t0 = time.perf_counter()
        words = text_query(request.get("q", ""))
        passing = {  # OR within a facet
            facet: tantivy.Query.term_set_query(schema, facet, list(values))
            for facet, values in (request.get("filters") or {}).items()
        }
        dates = []
        if request.get("from") or request.get("to"):  # whole days, both ends included
            low = int(request["from"].replace("-", "")) if request.get("from") else None
            high = int(request["to"].replace("-", "")) if request.get("to") else None
            dates = [tantivy.Query.range_query(schema, "day", tantivy.FieldType.Integer, low, high, True, True)]

        def combined(leave_out: str | None = None) -> Any:  # AND across facets, the words and the dates
            clauses = [words, *dates, *(q for facet, q in passing.items() if facet != leave_out)]
            return tantivy.Query.boolean_query([(must, q) for q in clauses])

        matched = combined()
        result = searcher.search(matched, PAGE, count=True)
        snippets = tantivy.SnippetGenerator.create(searcher, words, schema, "body")
        snippets.set_max_num_chars(SNIPPET_CHARS)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            marked = snippets.snippet_from_doc(doc).to_html()
            body = doc.get_first("body") or ""
            hits.append(
                {
                    "id": doc.get_first("id"),
                    "headline": doc.get_first("headline"),
                    "score": score,
                    "snippet": marked or body[:SNIPPET_CHARS],
                }
            )
        aggs = {f: {"terms": {"field": f, "size": FACET_SIZE}} for f in FACETS if f not in passing}
        aggs["months"] = {"histogram": {"field": "month", "interval": 1}}
        found = searcher.aggregate(matched, aggs)
        for facet in passing:  # disjunctive: a facet with a selection is counted without its own filter
            found |= searcher.aggregate(combined(leave_out=facet), {facet: aggs_for(facet)})
        facets = {f: {b["key"]: b["doc_count"] for b in found[f]["buckets"]} for f in FACETS}
        months = [(b["key"], b["doc_count"]) for b in found["months"]["buckets"]]
        body = json.dumps({"total": result.count, "hits": hits, "facets": facets, "histogram": months})
        ms = (time.perf_counter() - t0) * 1000
        return {
            "ms": ms,
            "total": result.count,
            "hits": len(hits),
            "facets": facets,
            "ready_s": ready,
            "bytes": len(body),
        }

    def aggs_for(facet: str) -> dict[str, Any]:
        return {"terms": {"field": facet, "size": FACET_SIZE}}

    return serve_stdio(answer)


def mix() -> list[dict[str, Any]]:
    return [{"q": q, **filters} for filters in FILTER_SETS for q in QUERIES]


def describe(request: dict[str, Any]) -> str:
    parts_ = [repr(request.get("q", ""))]
    parts_ += [f"{k}={'|'.join(v)}" for k, v in (request.get("filters") or {}).items()]
    parts_ += [f"{k}={request[k]}" for k in ("from", "to") if request.get(k)]
    return " ".join(parts_)


def semantics_checks(export: Path) -> list[tuple[dict[str, Any], int]]:
    """Filter-only requests with their true counts, worked out from the exported records (one pass)."""
    with export.open(encoding="utf8") as fh:
        first = fh.readline()
    first_day = record_facets(json.loads(first))[1] if first.strip() else None
    day = f"{first_day // 10000:04d}-{first_day // 100 % 100:02d}-{first_day % 100:02d}" if first_day else "1990-06-01"
    topic = "economy-business-finance"
    checks = [
        ({"filters": {"country": ["JP", "GB"]}}, lambda v, d: bool({"JP", "GB"} & set(v["country"]))),
        ({"filters": {"country": ["JP"], "topic": [topic]}}, lambda v, d: "JP" in v["country"] and topic in v["topic"]),
        ({"from": day, "to": day}, lambda v, d: d == int(day.replace("-", ""))),
        ({"from": "1990-01-01", "to": "1999-12-31"}, lambda v, d: d is not None and 19900101 <= d <= 19991231),
    ]
    counts = [0] * len(checks)
    with export.open(encoding="utf8") as fh:
        for line in fh:
            values, d, _ = record_facets(json.loads(line))
            for i, (_, test) in enumerate(checks):
                counts[i] += test(values, d)
    return [({"q": "", **req}, count) for (req, _), count in zip(checks, counts, strict=True)]


def differs(a: float, b: float) -> bool:
    return abs(a - b) > max(2, TOTALS_TOLERANCE * max(a, b))


def serve_step(index_dir: Path, tantivy_dir: Path, export: Path, args: argparse.Namespace, logs: Path) -> dict:
    timeout = args.query_timeout
    out: dict[str, Any] = {}
    children: dict[str, Child] = {}
    try:
        first = mix()[0]
        for name, argv, where in (("archive", "serve-archive", index_dir), ("tantivy", "serve-tantivy", tantivy_dir)):
            child = children[name] = Child(this_script("--child", argv, str(where)), logs / f"serve-{name}.log")
            reply = child.ask(first, timeout)
            if "error" in reply:
                raise StepFailed(f"{name}: {describe(first)}: {reply['error']}")
            out[name] = {
                "cold_s": time.perf_counter() - child.started,
                "ready_s": reply["ready_s"],
                "first_query_ms": reply["ms"],
                "latencies_ms": [],
                "per_request": {},
            }

        problems = []
        for request, expected in semantics_checks(export):
            got = {name: children[name].ask(request, timeout).get("total") for name in children}
            ok = all(total == expected for total in got.values())
            problems += (
                []
                if ok
                else [f"{describe(request)}: expected {expected}, archive {got['archive']}, tantivy {got['tantivy']}"]
            )
        out["semantics_ok"] = not problems
        for problem in problems:
            print(f"  filter semantics MISMATCH {problem}")

        for q in QUERIES:  # warm both once over the words (untimed), as bench_index.py does
            for child in children.values():
                child.ask({"q": q}, timeout)
        requests = mix()
        answers: dict[str, dict[str, dict]] = {"archive": {}, "tantivy": {}}
        for _ in range(args.rounds):
            for request in requests:  # same order for both, request by request
                key = describe(request)
                for name, child in children.items():
                    reply = child.ask(request, timeout)
                    if "error" in reply:
                        raise StepFailed(f"{name}: {key}: {reply['error']}")
                    out[name]["latencies_ms"].append(reply["ms"])
                    out[name]["per_request"].setdefault(key, []).append(reply["ms"])
                    answers[name][key] = reply
        for name, child in children.items():
            out[name]["serve_rss_mb"] = child.close()
        children.clear()
        out["totals"] = {key: [a["total"], answers["tantivy"][key]["total"]] for key, a in answers["archive"].items()}
        out["totals_warnings"] = totals_warnings(answers)
        out["facet_agreement"] = facet_agreement(answers)
        return out
    finally:
        for child in children.values():
            child.kill()


def totals_warnings(answers: dict[str, dict[str, dict]]) -> list[str]:
    warnings = []
    for key, a in answers["archive"].items():
        t = answers["tantivy"][key]
        if differs(a["total"], t["total"]):
            warnings.append(f"{key}: archive {a['total']:,}, tantivy {t['total']:,}")
    return warnings


def facet_agreement(answers: dict[str, dict[str, dict]]) -> dict[str, int]:
    """Facet values listed by both engines for the same request, and how many of those counts differ."""
    both = off = 0
    for key, a in answers["archive"].items():
        t = answers["tantivy"][key]
        for facet in FACETS:
            for value, count in a["facets"][facet].items():
                if value in t["facets"][facet]:
                    both += 1
                    off += differs(count, t["facets"][facet][value])
    return {"compared": both, "differ": off}


# --- 5. the figures --------------------------------------------------------------------------------

COLUMNS = [  # heading, format, width
    ("articles", "{:,}", 9),
    ("ingest/s", "{:,.0f}", 8),
    ("index MB", "{:,.0f}", 8),
    ("build RSS", "{:,.0f}", 9),
    ("serve RSS", "{:,.0f}", 9),
    ("cold s", "{:.2f}", 6),
    ("arch p50", "{:.1f}", 8),
    ("p95", "{:.1f}", 7),
    ("max", "{:.1f}", 7),
    ("tant p50", "{:.1f}", 8),
    ("p95", "{:.1f}", 6),
    ("max", "{:.1f}", 6),
    ("×p50", "{:.1f}", 5),
    ("×p95", "{:.1f}", 5),
    ("tant build s", "{:.1f}", 12),
]


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["  ".join(f"{name:>{width}}" for name, _, width in COLUMNS)]
    for row in rows:
        cells = ["-" if v is None else fmt.format(v) for (_, fmt, _), v in zip(COLUMNS, row["table"], strict=True)]
        lines.append("  ".join(f"{cell:>{width}}" for cell, (_, _, width) in zip(cells, COLUMNS, strict=True)))
    return "\n".join(lines)


def summarise(step: dict[str, Any]) -> None:
    """Latency percentiles and the table row, into the step's own record."""
    serving = step.get("serving") or {}
    for name in ("archive", "tantivy"):
        lat = serving.get(name, {}).get("latencies_ms")
        if lat:
            serving[name].update(p50_ms=statistics.median(lat), p95_ms=percentile(lat, 95), max_ms=max(lat))
    a, t = serving.get("archive", {}), serving.get("tantivy", {})
    ratio = lambda k: a[k] / t[k] if a.get(k) and t.get(k) else None  # noqa: E731
    ingest = step.get("ingest", {})
    step["table"] = [
        step["articles"],
        ingest.get("articles_per_s"),
        ingest.get("index_mb"),
        ingest.get("rss_mb"),
        a.get("serve_rss_mb"),
        a.get("cold_s"),
        a.get("p50_ms"),
        a.get("p95_ms"),
        a.get("max_ms"),
        t.get("p50_ms"),
        t.get("p95_ms"),
        t.get("max_ms"),
        ratio("p50_ms"),
        ratio("p95_ms"),
        step.get("tantivy_build", {}).get("seconds"),
    ]


def report_step(step: dict[str, Any]) -> None:
    ingest, build, serving = step.get("ingest", {}), step.get("tantivy_build", {}), step.get("serving", {})
    if ingest:
        print(
            f"  archive index: {ingest['new']:,} new articles in {ingest['seconds']:.1f} s "
            f"({ingest['articles_per_s']:,.0f}/s), peak RSS {ingest['rss_mb']:,.0f} MiB, "
            f"index {ingest['index_mb']:,.0f} MiB"
        )
    if added := step.get("add"):
        print(
            f"  adding {added['indexed']:,} articles to it: {added['seconds']:.1f} s (a whole `archive index`), "
            f"peak RSS {added['rss_mb']:,.0f} MiB"
        )
    if build:
        print(
            f"  tantivy build: {build['documents']:,} documents in {build['seconds']:.1f} s "
            f"(export {build['export_seconds']:.1f} s via {build['export_via']}), peak RSS {build['rss_mb']:,.0f} "
            f"MiB, index {build['index_mb']:,.0f} MiB"
        )
    for name in ("archive", "tantivy"):
        s = serving.get(name)
        if s and "p50_ms" in s:
            slow = sorted(s["per_request"].items(), key=lambda kv: -statistics.median(kv[1]))[:3]
            print(
                f"  {name}: cold {s['cold_s']:.2f} s (ready {s['ready_s']:.2f} s, first query "
                f"{s['first_query_ms']:.0f} ms); warm p50 {s['p50_ms']:.1f} / p95 {s['p95_ms']:.1f} / max "
                f"{s['max_ms']:.1f} ms over {len(s['latencies_ms'])}; serving peak RSS {s['serve_rss_mb']:,.0f} MiB"
            )
            print("    slowest: " + "; ".join(f"{k} {statistics.median(v):.0f} ms" for k, v in slow))
    if serving:
        agree = serving["facet_agreement"]
        print(
            f"  filter semantics vs the exported records: {'ok' if serving['semantics_ok'] else 'MISMATCH'}; "
            f"facet counts listed by both: {agree['compared']:,}, differing > 3 %: {agree['differ']:,}"
        )
        for warning in serving["totals_warnings"]:
            print(f"  warning: totals differ > 3 %: {warning}")
    if step.get("error"):
        print(f"  FAILED: {step['error']}")


# --- the run ---------------------------------------------------------------------------------------


def plan(args: argparse.Namespace) -> tuple[list[int], int]:
    steps = sorted({min(int(s.replace("_", "")), args.articles) for s in args.steps.split(",") if s.strip()})
    if args.articles not in steps:
        steps.append(args.articles)
    per_file = math.gcd(PER_FILE, *steps)
    return steps, per_file


def serve_only(args: argparse.Namespace) -> int:
    """The serving phase again over what the last run left under --work."""
    work = args.work.resolve()
    index_dir, tantivy_dir, export = work / "index", work / "tantivy", work / "export.jsonl"
    if not (index_dir.is_dir() and tantivy_dir.is_dir() and export.is_file()):
        print(f"nothing to serve under {work}: run the benchmark first")
        return 1
    with export.open(encoding="utf-8") as records:
        articles = sum(1 for _ in records)
    print(f"\n== {articles:,} articles (serving only, {work})")
    step: dict[str, Any] = {"articles": articles}
    try:
        step["serving"] = serve_step(index_dir, tantivy_dir, export, args, work / "logs")
    except StepFailed as exc:
        step["error"] = str(exc)
    summarise(step)
    report_step(step)
    (work / "results-serving.json").write_text(json.dumps(step, indent=1))
    return 1 if step.get("error") else 0


def run_steps(args: argparse.Namespace) -> int:
    if args.serve_only:
        return serve_only(args)
    steps, per_file = plan(args)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    source = reuters_jsonl(work, args.timeout)
    corpus = synthetic_corpus(work, source, steps[-1], per_file, args.timeout)
    files = parts(corpus)
    index_dir, tantivy_dir, export = work / "index", work / "tantivy", work / "export.jsonl"
    shutil.rmtree(index_dir, ignore_errors=True)  # every figure comes from this run
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "steps_planned": steps,
        "per_file": per_file,
        "rounds": args.rounds,
        "queries": QUERIES,
        "filter_sets": FILTER_SETS,
        "steps": [],
    }
    print(f"steps {', '.join(f'{n:,}' for n in steps)}; {args.rounds} rounds of {len(mix())} requests; work {work}")
    done_files = 0
    for n in steps:
        print(f"\n== {n:,} articles")
        step: dict[str, Any] = {"articles": n}
        results["steps"].append(step)
        try:
            new = files[done_files : n // per_file]
            log = logs / f"index-{n}.log"
            ingest = index_step(new, index_dir, log, args.timeout)
            done_files = n // per_file
            expected = len(new) * per_file
            if ingest["indexed"] != expected:
                print(
                    f"  note: `archive index` indexed {ingest['indexed']:,} of {expected:,} new records "
                    f"({ingest['skipped']} skipped, {ingest['unchanged']} unchanged); log {log}"
                )
            ingest.update(
                new=ingest["indexed"],
                articles_per_s=ingest["indexed"] / ingest["seconds"],
                index_mb=folder_bytes(index_dir) / 2**20,
            )
            step["ingest"] = ingest
            extra = added_articles(work, source, n, args.timeout)
            step["add"] = index_step([extra], index_dir, logs / f"add-{n}.log", args.timeout)
            via, export_seconds = export_articles(index_dir, export, logs / f"export-{n}.log", args.timeout)
            stdout = logs / f"tantivy-build-{n}.json"
            build_cmd = this_script(
                "--child", "build-tantivy", str(export), str(tantivy_dir), str(args.tantivy_threads)
            )
            _, rss = run(
                "tantivy build", build_cmd, timeout=args.timeout, log=logs / f"tantivy-build-{n}.log", stdout=stdout
            )
            build = json.loads(stdout.read_text())
            build.update(
                rss_mb=rss, index_mb=folder_bytes(tantivy_dir) / 2**20, export_seconds=export_seconds, export_via=via
            )
            step["tantivy_build"] = build
            step["serving"] = serve_step(index_dir, tantivy_dir, export, args, logs)
        except StepFailed as exc:
            step["error"] = str(exc)
        summarise(step)
        report_step(step)
        (work / "results.json").write_text(json.dumps(results, indent=1))
        if step.get("error"):
            break
    print("\nMiB for sizes and RSS, ms for latencies; × is archive over tantivy; cold is the archive's")
    print(table(results["steps"]))
    print(f"figures: {work / 'results.json'}")
    return 1 if any(step.get("error") for step in results["steps"]) else 0


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        role, rest = sys.argv[2], sys.argv[3:]
        children = {
            "export": child_export,
            "build-tantivy": child_tantivy_build,
            "serve-archive": child_archive,
            "serve-tantivy": child_tantivy,
        }
        return children[role](*rest)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000, help="the largest step")
    parser.add_argument("--steps", default="100000,300000,1000000", help="comma-separated article counts")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "scale", help="cache and results folder")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the query mix")
    parser.add_argument("--timeout", type=float, default=6 * 3600, help="seconds allowed to each phase of a step")
    parser.add_argument("--query-timeout", type=float, default=600, help="seconds allowed to one request")
    parser.add_argument("--tantivy-threads", type=int, default=1, help="tantivy indexing threads")
    parser.add_argument(
        "--serve-only",
        action="store_true",
        help="only the serving phase, on the index, export and tantivy index a run left in --work "
        "(to re-measure queries after a search change)",
    )
    args = parser.parse_args()
    if not (REUTERS.is_dir() and any(REUTERS.glob("reut2-0*.sgm")) and SCALE_TOOL.is_file()):
        print(f"skipped: needs Reuters-21578 under {REUTERS} and {SCALE_TOOL}")
        return 0
    try:
        import tantivy  # noqa: F401
    except ImportError:
        print("skipped: tantivy is not installed (pip install -e '.[bench]')")
        return 0
    return run_steps(args)


if __name__ == "__main__":
    raise SystemExit(main())
