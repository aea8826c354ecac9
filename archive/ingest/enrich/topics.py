"""Topics: IPTC Media Topics top-level slugs from weighted terms a user can read and edit.

Terms come in layers, each a TOML file of the same format: `topics-iptc.toml` (derived from the IPTC
vocabulary), then the hand-written `topics.toml`, then a user's `<index>/topics.toml`. A later layer
adds topics, adds or re-weights terms, or removes them (weight 0), so a newsroom can fix a topic
without retraining anything; each assignment keeps the terms that weighed most as its evidence.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from archive.display import BUNDLED_TOPICS
from archive.errors import BadParameter
from archive.ingest.enrich.topic_model import TopicModel, load_topic_model
from archive.ingest.readers.sentences import lead_end

IPTC_TOPICS = BUNDLED_TOPICS.with_name("topics-iptc.toml")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")
_AMOUNT = re.compile(r"^\d+bn$")  # `£1.9bn` reads as `1` and `9bn`: the second is the term `bn`
HEADLINE_WEIGHT = 3.0
LEAD_WEIGHT = 1.5
MAX_TOPICS = 3
MIN_SCORE = 3.0  # below this much evidence an article gets no topic (one headline word, or two body words)
MIN_SECOND_SCORE = 4.0  # a second or third topic needs this much evidence ...
MIN_SHARE = 0.2  # ... and this share of all the evidence ...
MIN_RATIO = 0.3  # ... and this fraction of the first topic's score
MAX_PHRASE_WORDS = 3
# The learned model's vote in term points: alone it reaches MIN_SCORE at probability 3/8. On the bench's dev
# split 6 left 6% of short texts untagged, 8 4%, 9 3% with one long text fewer right.
MODEL_WEIGHT = 8.0
MAX_EVIDENCE = 8
MIN_MODEL_EVIDENCE = 2  # the model's words shown beside the terms, at least


@dataclass(frozen=True)
class TopicAssignment:
    """Topics most confident first, their confidences (share of evidence), and the terms behind them."""

    topics: tuple[str, ...]
    scores: dict[str, float]
    evidence: dict[str, tuple[str, ...]]


Match = tuple[str, str, float]  # (term as written, topic slug, weight)


@dataclass(frozen=True)
class Lexicon:
    """Terms -> [(topic, weight)]: lower-case terms match any case, capitalised ones only as written."""

    labels: dict[str, str]
    qcodes: dict[str, str]
    boosts: dict[str, float]  # topic-wide multipliers (`weight = 0.8` in a topic's table)
    exact: dict[str, list[tuple[str, float]]]
    prefixes: dict[str, list[tuple[str, float]]]  # `elect*`, held without the star
    cased: dict[str, list[tuple[str, float]]]  # `Labour`: matched only so capitalised; [] = a stop
    prefix_lengths: tuple[int, ...]
    phrase_starts: frozenset[str]  # lower-cased first words of multi-word terms
    removed: frozenset[str] = frozenset()  # lower-case terms weighted 0 (`hospital`, `elect*`): no model evidence
    seen: dict[str, list[Match]] = field(default_factory=dict, compare=False)  # lower-cased gram -> matches

    def match(self, gram: str) -> list[Match]:
        """The terms one word or phrase (as written) matches: a capitalised term first, then the most specific.

        `scientology` takes `scientolog*` (religion) and not also `scien*` (science); a * term matches a
        word or phrase of as many words as it has (`trade union*`: trade unions, not trade union leaders).
        """
        if gram in self.cased:  # as written: a capitalised term, or a stop (no entries)
            return [(gram, slug, weight) for slug, weight in self.cased[gram]]
        lower = gram.lower()
        found = self.seen.get(lower)
        if found is not None:
            return found
        found = [(lower, slug, weight) for slug, weight in self.exact.get(lower, ())]
        if not found:  # the most specific term wins: a spelled-out word, else the longest prefix
            for length in reversed(self.prefix_lengths):
                prefix = lower[:length]
                if prefix in self.prefixes and lower.count(" ") == prefix.count(" "):  # * ends the last word only
                    found = [(prefix + "*", slug, weight) for slug, weight in self.prefixes[prefix]]
                    break
        if len(self.seen) < 200_000:  # news vocabulary repeats across articles: remember, within bounds
            self.seen[lower] = found
        return found


def read_topics_file(path: Path) -> dict[str, dict[str, Any]]:
    """One layer as slug -> {label, qcode, weight, replace, terms: {term: weight}}.

    A file a user got wrong is reported as one line naming it, not a traceback.
    """
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
        layer: dict[str, dict[str, Any]] = {}
        for slug, spec in data.items():
            if not isinstance(spec, dict) or not isinstance(spec.get("terms", []), list):
                raise ValueError(f"[{slug}] must be a table with terms = [...]")
            terms: dict[str, float] = {}
            for term in spec.get("terms", []):
                text, _, weight = str(term).rpartition("=") if "=" in str(term) else (str(term), "", "")
                terms[" ".join(text.split())] = float(weight or 1)
            known = {k: spec[k] for k in ("label", "qcode", "replace") if k in spec}
            if "weight" in spec:
                known["weight"] = float(spec["weight"])
            layer[slug] = {**known, "terms": terms}
    except (OSError, tomllib.TOMLDecodeError, ValueError, TypeError) as exc:
        raise BadParameter(f"topic terms: {exc}", subject=str(path)) from exc
    return layer


def merge_layers(layers: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Later layers win: new topics are added, terms added or re-weighted, `replace = true` starts afresh."""
    merged: dict[str, dict[str, Any]] = {}
    for layer in layers:
        for slug, spec in layer.items():
            current = merged.setdefault(slug, {"terms": {}})
            if spec.get("replace"):
                current["terms"] = {}
            current["terms"].update(spec["terms"])
            current.update({k: v for k, v in spec.items() if k in ("label", "qcode", "weight")})
    return merged


def build_lexicon(topics: dict[str, dict[str, Any]]) -> Lexicon:
    """The matching tables for merged topics; a term weighted 0 is dropped (capitalised: kept as a stop)."""
    exact: dict[str, list[tuple[str, float]]] = defaultdict(list)
    prefixes: dict[str, list[tuple[str, float]]] = defaultdict(list)
    cased: dict[str, list[tuple[str, float]]] = defaultdict(list)
    removed: set[str] = set()
    for slug, spec in topics.items():
        for text, weight in spec["terms"].items():
            if weight == 0 and text != text.lower():
                cased.setdefault(text, [])  # a stop: this spelling gives no topic
            elif weight == 0:
                removed.add(text.lower())
            elif text.endswith("*"):
                prefixes[text[:-1].lower()].append((slug, weight))
            elif text != text.lower():
                cased[text].append((slug, weight))
            else:
                exact[text].append((slug, weight))
    starts = frozenset(term.split()[0].lower() for term in [*exact, *prefixes, *cased] if " " in term)
    return Lexicon(
        labels={slug: spec.get("label", slug) for slug, spec in topics.items()},
        qcodes={slug: spec["qcode"] for slug, spec in topics.items() if "qcode" in spec},
        boosts={slug: float(spec.get("weight", 1)) for slug, spec in topics.items()},
        exact=dict(exact),
        prefixes=dict(prefixes),
        cased=dict(cased),
        prefix_lengths=tuple(sorted({len(p) for p in prefixes})),
        phrase_starts=starts,
        removed=frozenset(removed),
    )


def load_layer(path: Path) -> Lexicon:
    """One topics file on its own (the derivation script checks what the hand-written file matches)."""
    return build_lexicon(read_topics_file(path))


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The IPTC-derived terms, the bundled hand-written ones, and `path` over them when it is another file.

    A `path` that does not exist adds nothing: an index folder need not have a `topics.toml`.
    Parsed once per process for as long as the files are unchanged: an edited file is read again.
    """
    paths = [p for p in (IPTC_TOPICS, BUNDLED_TOPICS) if p.exists()]
    if path is not None and path.exists() and path.resolve() != BUNDLED_TOPICS.resolve():
        paths.append(path)
    return _lexicon(tuple((p, p.stat().st_mtime_ns, p.stat().st_size) for p in paths))


@lru_cache(maxsize=8)
def _lexicon(stamped: tuple[tuple[Path, int, int], ...]) -> Lexicon:
    return build_lexicon(merge_layers([read_topics_file(p) for p, _, _ in stamped]))


def short_text(headline: str, body: str) -> tuple[str, str]:
    """A feed entry's worth of an article: the headline and the first sentence (no headline: two sentences)."""
    end = lead_end(body)
    if not headline.strip():
        end += lead_end(body[end:])
    return headline, body[:end].strip()


def term_scores(headline: str, body: str, lexicon: Lexicon) -> dict[str, dict[str, float]]:
    """Topic -> {term: its weight in this text}, from the headline (weighted most), the lead and the rest."""
    end = lead_end(body)
    lead, rest = body[:end], body[end:]
    hits: dict[str, Counter[str]] = defaultdict(Counter)
    weights: dict[tuple[str, str], float] = {}
    for text, factor in ((headline, HEADLINE_WEIGHT), (lead, LEAD_WEIGHT), (rest, 1.0)):
        for term, slug, weight in _matches(text, lexicon):
            hits[slug][term] += factor
            weights[(slug, term)] = weight
    # Repeats count with diminishing returns, so one word said ten times cannot carry a topic.
    return {
        slug: {term: boost * weights[(slug, term)] * (1 + math.log(n)) for term, n in terms.items()}
        for slug, terms in hits.items()
        for boost in [lexicon.boosts.get(slug, 1.0)]
    }


def assign_topics(
    headline: str, body: str, lexicon: Lexicon | None = None, model: TopicModel | str | None = "bundled"
) -> TopicAssignment:
    """Score every topic on its terms and the learned model's vote; keep the confident ones.

    The model adds up to MODEL_WEIGHT points of evidence to a topic (its calibrated probability times
    that), so a headline and a sentence without enough terms still get a topic when the model is sure,
    while on a long article the terms, which a user can edit, carry most of the weight. A topic's
    `weight` in a topics file scales the model's vote too, and a term a user removed (weight 0) is no
    evidence to the model either. `model=None` scores on terms alone.
    """
    lexicon = lexicon or load_lexicon()
    model = load_topic_model() if model == "bundled" else model
    contributions = term_scores(headline, body, lexicon)
    raw = {slug: sum(terms.values()) for slug, terms in contributions.items()}
    learned = model.predict(headline, body, lexicon.removed) if isinstance(model, TopicModel) else None
    if learned:
        for slug, probability in learned.probabilities.items():
            if slug in lexicon.boosts:
                raw[slug] = raw.get(slug, 0.0) + lexicon.boosts[slug] * MODEL_WEIGHT * probability
    total = sum(raw.values())
    ranked = sorted(raw, key=raw.__getitem__, reverse=True)
    if not ranked or raw[ranked[0]] < MIN_SCORE:
        return TopicAssignment((), {}, {})
    best = raw[ranked[0]]
    chosen = ranked[:1] + [
        s for s in ranked[1:MAX_TOPICS] if raw[s] >= max(MIN_SECOND_SCORE, MIN_SHARE * total, MIN_RATIO * best)
    ]
    scores = {s: round(raw[s] / total, 3) for s in chosen}
    evidence = {}
    for s in chosen:
        terms = contributions.get(s, {})
        words = sorted(terms, key=terms.__getitem__, reverse=True)[:MAX_EVIDENCE]
        # The model's strongest words fill what the terms leave, so a short text's topic says why too.
        extra = [w for w in (learned.evidence.get(s, ()) if learned else ()) if not _shown(w, words)]
        evidence[s] = tuple(words + extra[: max(MAX_EVIDENCE - len(words), MIN_MODEL_EVIDENCE)])
    return TopicAssignment(tuple(chosen), scores, evidence)


def _shown(word: str, terms: list[str]) -> bool:
    """Whether a term already shown covers a model word (`profit*` covers `profits`)."""
    return any(word == t or (t.endswith("*") and word.startswith(t[:-1])) for t in terms)


def _matches(text: str, lexicon: Lexicon) -> list[Match]:
    """(term, topic, weight) for every term occurrence in `text`.

    The longest phrase that matches takes its words (up to three): `trade union` counts for labour and
    not also `trade` for the economy, `computer virus` for technology and not also `virus` for health.
    """
    words = [_AMOUNT.sub("bn", w) for w in _WORD.findall(text.replace("’", "'"))]
    found = []
    i = 0
    while i < len(words):
        taken = 1
        matches = []
        if words[i].lower() in lexicon.phrase_starts:
            for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 1, -1):
                matches = lexicon.match(" ".join(words[i : i + n]))
                if matches:
                    taken = n
                    break
        found.extend(matches or lexicon.match(words[i]))
        i += taken
    return found
