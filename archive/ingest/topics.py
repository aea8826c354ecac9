"""Topics: IPTC Media Topics top-level slugs from weighted terms a user can read and edit.

Terms live in a TOML file (the bundled `archive/data/topics.toml`, or a copy in the
index directory that overrides it), so a newsroom can add a topic or fix one
without retraining anything; each assignment keeps the terms that weighed most.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from archive.labels import BUNDLED_TOPICS

_WORD = re.compile(r"[a-z0-9]+(?:[-'’][a-z0-9]+)*")
HEADLINE_WEIGHT = 3.0
LEAD_WEIGHT = 1.5
MAX_TOPICS = 3
MIN_SHARE = 0.15
MIN_SCORE = 4.0


@dataclass(frozen=True)
class TopicAssignment:
    """Topics most confident first, their confidences (share of evidence), and the terms behind them."""

    topics: tuple[str, ...]
    scores: dict[str, float]
    evidence: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Lexicon:
    """Term -> [(topic, weight)], with `*` terms held apart as prefixes."""

    labels: dict[str, str]
    exact: dict[str, list[tuple[str, float]]]
    prefixes: dict[str, list[tuple[str, float]]]
    prefix_lengths: tuple[int, ...]
    phrase_starts: frozenset[str]  # first words of multi-word terms: only these start a phrase lookup
    seen: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict, compare=False)  # gram -> matches


@lru_cache(maxsize=8)
def load_lexicon(path: Path = BUNDLED_TOPICS) -> Lexicon:
    """Parse a topics TOML file once per process."""
    with path.open("rb") as stream:
        data = tomllib.load(stream)
    exact: dict[str, list[tuple[str, float]]] = defaultdict(list)
    prefixes: dict[str, list[tuple[str, float]]] = defaultdict(list)
    labels = {}
    for slug, spec in data.items():
        labels[slug] = spec.get("label", slug)
        for term in spec.get("terms", []):
            text, _, weight = term.partition("=")
            text = " ".join(text.lower().split())
            target = prefixes if text.endswith("*") else exact
            target[text.rstrip("*")].append((slug, float(weight or 1)))
    starts = frozenset(term.split()[0] for term in [*exact, *prefixes] if " " in term)
    return Lexicon(labels, dict(exact), dict(prefixes), tuple(sorted({len(p) for p in prefixes})), starts)


def assign_topics(headline: str, body: str, lexicon: Lexicon | None = None) -> TopicAssignment:
    """Score every topic on the headline (weighted most), the lead and the rest of the body."""
    lexicon = lexicon or load_lexicon()
    lead, _, rest = body.partition("\n\n")
    hits: dict[str, Counter[str]] = defaultdict(Counter)
    weights: dict[tuple[str, str], float] = {}
    for text, factor in ((headline, HEADLINE_WEIGHT), (lead, LEAD_WEIGHT), (rest, 1.0)):
        for term, slug, weight in _matches(text, lexicon):
            hits[slug][term] += factor
            weights[(slug, term)] = weight
    # Repeats count with diminishing returns, so one word said ten times cannot carry a topic.
    raw = {
        slug: sum(weights[(slug, term)] * (1 + math.log(count)) for term, count in terms.items())
        for slug, terms in hits.items()
    }
    total = sum(raw.values())
    if not total:
        return TopicAssignment((), {}, {})
    ranked = sorted(raw, key=raw.get, reverse=True)  # type: ignore[arg-type]
    chosen = [s for s in ranked[:MAX_TOPICS] if raw[s] >= MIN_SCORE and raw[s] / total >= MIN_SHARE] or (
        ranked[:1] if raw[ranked[0]] >= MIN_SCORE else []
    )
    scores = {s: round(raw[s] / total, 3) for s in chosen}
    evidence = {
        s: tuple(t for t, _ in sorted(hits[s].items(), key=lambda kv: -kv[1] * weights[(s, kv[0])])[:8]) for s in chosen
    }
    return TopicAssignment(tuple(chosen), scores, evidence)


def _matches(text: str, lexicon: Lexicon) -> list[tuple[str, str, float]]:
    """(term, topic, weight) for every term occurrence in `text`, phrases up to three words."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    found = []
    for i, word in enumerate(words):
        found.extend(_gram_matches(word, lexicon))
        if word in lexicon.phrase_starts:
            for n in (2, 3):
                if i + n <= len(words):
                    found.extend(_gram_matches(" ".join(words[i : i + n]), lexicon))
    return found


def _gram_matches(gram: str, lexicon: Lexicon) -> list[tuple[str, str, float]]:
    """Terms matching one word or phrase, remembered: news vocabulary repeats across articles."""
    cached = lexicon.seen.get(gram)
    if cached is not None:
        return cached
    found = [(gram, slug, weight) for slug, weight in lexicon.exact.get(gram, ())]
    for length in lexicon.prefix_lengths:
        if length > len(gram):
            break
        prefix = gram[:length]
        if " " in gram and " " not in prefix:
            continue  # a one-word prefix matches single words only
        found.extend((prefix + "*", slug, weight) for slug, weight in lexicon.prefixes.get(prefix, ()))
    if len(lexicon.seen) < 200_000:
        lexicon.seen[gram] = found
    return found
