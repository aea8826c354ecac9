"""Grouping: the same copy read twice, and versions of one story (updates, new headlines, trims).

Each article gets a fingerprint: a hash of its normalised words (equal hashes are the same
copy, kept in the Whoosh index) and MinHash band keys over 5-word shingles (datasketch),
kept in a small SQLite table beside the index (`bands.sqlite`): as Whoosh terms, 42 nearly
unique keys per article doubled the cost of every commit. A candidate is a version of the same story when
the two texts share enough shingles *and* were published close together (exact copies too): wire services
re-issue formula stories (reserve operations, crop estimates, price tables) day after day
with most words equal, and those are different stories. The figures behind the thresholds
are in README.md (`bench/bench_duplicates.py`).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from datasketch import MinHash
from whoosh.searching import Searcher

from archive.article import Article
from archive.store import find_articles, find_exact, parse_published

SHINGLE_WORDS = 5
SHORT_BODY_WORDS = 60  # shorter bodies (earnings tables, dividend notices) are formulas: the headline joins them
BANDS, BAND_ROWS = 42, 3  # LSH: a pair with 30% shingles in common becomes a candidate 2 times in 3, at 50% always
WINDOW = timedelta(hours=48)  # versions of a story are filed within hours, re-issues within a day or two
NEAR_DAYS = 2  # calendar days either side that can hold an article within WINDOW
SAME_DAY = timedelta(hours=12)  # beyond this, formula stories re-issued daily (~24 h apart) look like updates
MIN_JACCARD = 0.5
MIN_CONTAINMENT = 0.8  # a trimmed or extended version: most of the shorter text is inside the longer one
MIN_JACCARD_LATER = 0.85  # 12 to 48 hours apart: a re-issue with small edits, not the next day's figures
MIN_JACCARD_UNDATED = 0.8  # without dates to compare, only near-identical texts count
GROUPING_VERSION = "4"  # bump when fingerprints change, so re-indexing regroups
WORD = re.compile(r"\w+")
CACHE_KIB = 64 * 1024  # SQLite's page cache for the band table (its default is 2 MiB)


@dataclass(frozen=True)
class Fingerprint:
    """What grouping compares: the exact-copy key, the shingle set and the publication time."""

    exact: str
    shingles: frozenset[str]
    published: datetime | None


def fingerprint(headline: str, body: str, published: datetime | None) -> Fingerprint:
    """The fingerprint of one text; case, punctuation and spacing do not count."""
    head, words = WORD.findall(headline.lower()), WORD.findall(body.lower())
    exact = hashlib.sha1(" ".join([*head, "\x1f", *words]).encode()).hexdigest()
    if len(words) < SHORT_BODY_WORDS:
        words = [*head, "\x1f", *words]
    n = max(1, len(words) - SHINGLE_WORDS + 1)
    return Fingerprint(exact, frozenset(" ".join(words[i : i + SHINGLE_WORDS]) for i in range(n)), published)


def band_keys(fingerprints: Sequence[Fingerprint]) -> list[list[int]]:
    """Per fingerprint, its LSH band keys: the band number in the top byte, a hash of that band's minima below.

    Integers, not text: they keep the bucket table a third smaller.
    """
    hashes = MinHash.bulk([[s.encode() for s in fp.shingles] for fp in fingerprints], num_perm=BANDS * BAND_ROWS)
    keys = []
    for minhash in hashes:
        rows = minhash.hashvalues.reshape(BANDS, BAND_ROWS)
        keys.append(
            [
                n << 56 | int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=7).digest())
                for n, row in enumerate(rows)
            ]
        )
    return keys


def close_in_time(a: datetime | None, b: datetime | None) -> bool:
    """Published within WINDOW of each other, or not both dated (then the text alone decides)."""
    return a is None or b is None or abs(a - b) <= WINDOW


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """How alike two texts are, 0 to 1: Jaccard of their shingles, or containment for a trimmed version."""
    common = len(a.shingles & b.shingles)
    if not common:
        return 0.0
    jaccard = common / len(a.shingles | b.shingles)
    containment = common / min(len(a.shingles), len(b.shingles))
    if a.published is None or b.published is None:
        return jaccard if jaccard >= MIN_JACCARD_UNDATED else 0.0
    if not close_in_time(a.published, b.published):
        return 0.0
    if abs(a.published - b.published) > SAME_DAY:
        return jaccard if jaccard >= MIN_JACCARD_LATER else 0.0
    if jaccard >= MIN_JACCARD:
        return jaccard
    return jaccard if containment >= MIN_CONTAINMENT else 0.0


def best_match(fp: Fingerprint, candidates: Iterable[tuple[str, Fingerprint]]) -> str | None:
    """The group of the most similar candidate that is a version of the same story, if any."""
    scored = [(similarity(fp, other), group) for group, other in candidates]
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] > 0 else None


@dataclass(frozen=True)
class Placement:
    """Where an article goes: its group, the original it copies (if it is a copy), its index keys and day."""

    group: str
    copy_of: str | None
    exact: str
    bands: tuple[int, ...]
    day: int | None


def article_fingerprint(article: Article) -> Fingerprint:
    """The fingerprint of an article's headline, body and publication date."""
    return fingerprint(article.headline, article.body, parse_published(article.published))


def day_number(published: datetime | None) -> int | None:
    """The calendar day an article was published on, as a number; None when undated."""
    return published.toordinal() if published is not None else None


class BandTable:
    """LSH buckets: band key -> article ids and their publication days, in `<index>/bands.sqlite`.

    Written before the articles are committed to the index, so a run killed in between leaves
    at worst keys of articles the index does not have, which lookups skip. Keys of removed or
    changed articles stay for the same reason: every candidate is checked against the index.
    A dated article's candidates are only those published within NEAR_DAYS (or undated): in an
    archive of many years most articles that share a sentence with it are far away in time, and
    each candidate costs a read of its stored text.
    """

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, timeout=120)
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS buckets"
            " (key INTEGER, id TEXT, day INTEGER, PRIMARY KEY (key, id)) WITHOUT ROWID"
        )
        if "day" not in {row[1] for row in self.db.execute("PRAGMA table_info(buckets)")}:
            with self.db:  # a table from before days were kept: its rows stay candidates at any date
                self.db.execute("ALTER TABLE buckets ADD COLUMN day INTEGER")

    def ids(self, keys: Sequence[int], day: int | None = None) -> set[str]:
        """The articles in these buckets; with `day`, those published within NEAR_DAYS of it or undated."""
        marks = ",".join("?" * len(keys))
        sql = f"SELECT id FROM buckets WHERE key IN ({marks})"
        params: list[int] = list(keys)
        if day is not None:
            sql += " AND (day IS NULL OR day BETWEEN ? AND ?)"
            params += [day - NEAR_DAYS, day + NEAR_DAYS]
        return {row[0] for row in self.db.execute(sql, params)}

    def add(self, entries: Iterable[tuple[str, Sequence[int], int | None]]) -> None:
        """Record (article id, its band keys, its day) triples, in one transaction, in key order: random keys
        would each land on a page of their own, which at a million articles is rarely in memory."""
        rows = sorted((key, aid, day) for aid, keys, day in entries for key in keys)
        with self.db:
            self.db.executemany("INSERT OR IGNORE INTO buckets VALUES (?, ?, ?)", rows)


@dataclass(frozen=True)
class Sketch:
    """What grouping looks an article up by: its exact-copy key and LSH band keys. Made where the article
    is enriched (a worker process), since MinHash is the costliest part of grouping and needs no index."""

    exact: str
    bands: tuple[int, ...]


def sketches(articles: Sequence[Article]) -> list[Sketch]:
    prints = [article_fingerprint(a) for a in articles]
    return [Sketch(fp.exact, tuple(keys)) for fp, keys in zip(prints, band_keys(prints), strict=True)]


def assign_stories(
    searcher: Searcher, table: BandTable, articles: Sequence[Article], made: Sequence[Sketch | None] = ()
) -> list[Placement]:
    """Group a batch against the index and against itself, in order: the first of a story founds its group.

    `made` holds sketches made beforehand (None, or none at all, where there are none); shingles are
    worked out only for articles with candidates to compare.
    """
    given = list(made) or [None] * len(articles)
    missing = [a for a, sketch in zip(articles, given, strict=True) if sketch is None]
    made_here = iter(sketches(missing))
    keyed = [sketch or next(made_here) for sketch in given]
    prints: dict[int, Fingerprint] = {}

    def print_of(i: int) -> Fingerprint:
        if i not in prints:
            prints[i] = article_fingerprint(articles[i])
        return prints[i]

    exact_seen: dict[str, list[tuple[str, str, datetime | None]]] = defaultdict(list)  # key -> (id, group, date)
    band_seen: dict[int, list[int]] = defaultdict(list)  # in this batch: band key -> positions
    placements: list[Placement] = []
    for i, (article, sketch) in enumerate(zip(articles, keyed, strict=True)):
        published = parse_published(article.published)
        # The same words on another day are another day's news (a formula story), not a copy.
        stored = [(s["id"], s.get("group") or s["id"], s.get("published")) for s in find_exact(searcher, sketch.exact)]
        originals = [o for o in [*exact_seen[sketch.exact], *stored] if o[0] != article.id]
        original = next((o for o in originals if close_in_time(o[2], published)), None)
        if original:
            placements.append(Placement(original[1], original[0], sketch.exact, (), day_number(published)))
            continue
        earlier = {j for band in sketch.bands for j in band_seen[band]}
        candidates = [(placements[j].group, print_of(j)) for j in sorted(earlier)]
        day = day_number(published)
        for stored in find_articles(searcher, table.ids(sketch.bands, day) - {article.id}):
            other = fingerprint(stored.get("headline", ""), stored.get("body", ""), stored.get("published"))
            candidates.append((stored.get("group") or stored["id"], other))
        group = (best_match(print_of(i), candidates) if candidates else None) or article.id
        placements.append(Placement(group, None, sketch.exact, sketch.bands, day))
        exact_seen[sketch.exact].append((article.id, group, published))
        for band in sketch.bands:
            band_seen[band].append(i)
    return placements
