"""The learned topic model: a linear classifier over word and word-pair features, applied with numpy alone.

The term lists need several matching words before they name a topic, which a headline and one sentence
seldom have. The model (multinomial logistic regression, trained by `make topics-model` on long texts
labelled by the term lists, see training/topics/README.md) knows the words that go with each topic, so a
short text gets a topic when the words are there. Its weights ship as `archive/data/topic_model.npz`;
the features of a text are computed here for training and for ingest alike, so both see the same thing.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

import numpy as np

from archive.display import BUNDLED_TOPICS
from archive.errors import BadParameter

BUNDLED_MODEL = BUNDLED_TOPICS.with_name("topic_model.npz")
_TOKEN = re.compile(r"[a-z][a-z0-9]*(?:['’-][a-z0-9]+)*", re.IGNORECASE)
HEADLINE_COUNT = 2.0  # a headline word counts as two body words, as the term lists weigh the headline more
MAX_BODY_TOKENS = 400  # the opening of a long body says what it is about; the cost stays bounded


def tokens(text: str, limit: int | None = None) -> list[str]:
    """The first `limit` words (all by default) with a letter first, lower-cased; numbers say little of a topic.

    Read lazily, so a book-length body costs no more than its opening.
    """
    found = islice(_TOKEN.finditer(text), limit)
    return [m.group().lower().replace("’", "'") for m in found]


def feature_counts(headline: str, body: str) -> dict[str, float]:
    """Unigram and adjacent-bigram counts, the headline's counting double; the body cut at MAX_BODY_TOKENS."""
    counts: dict[str, float] = {}
    for words, weight in ((tokens(headline), HEADLINE_COUNT), (tokens(body, MAX_BODY_TOKENS), 1.0)):
        for i, word in enumerate(words):
            counts[word] = counts.get(word, 0.0) + weight
            if i:
                pair = f"{words[i - 1]} {word}"
                counts[pair] = counts.get(pair, 0.0) + weight
    return counts


def feature_values(counts: dict[str, float], vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Indexes and values of the known features: sub-linear counts (1 + log n), L2-normalised."""
    known = [(vocabulary[f], 1.0 + math.log(n) if n >= 1 else n) for f, n in counts.items() if f in vocabulary]
    if not known:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    index = np.fromiter((i for i, _ in known), dtype=np.int64, count=len(known))
    values = np.fromiter((v for _, v in known), dtype=np.float32, count=len(known))
    return index, values / np.linalg.norm(values)


@dataclass(frozen=True)
class TopicPrediction:
    """Probability per topic slug, and per topic the features that pushed it up most (strongest first)."""

    probabilities: dict[str, float]
    evidence: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class TopicModel:
    """Weights (topics x features), biases and a temperature that calibrates the probabilities."""

    slugs: tuple[str, ...]
    features: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # float32, len(slugs) x len(features)
    bias: np.ndarray
    temperature: float

    def predict(
        self, headline: str, body: str, removed: frozenset[str] = frozenset(), evidence_for: int = 3
    ) -> TopicPrediction:
        """Calibrated probabilities; evidence (up to 6 features) for the `evidence_for` most probable topics.

        `removed`: words or phrases (`elect*`: any ending) a user took out of the topic terms; the model
        does not count them either.
        """
        counts = feature_counts(headline, body)
        if removed:
            counts = {f: n for f, n in counts.items() if not _removed(f, removed)}
        index, values = feature_values(counts, self.vocabulary)
        if not len(index):
            return TopicPrediction({}, {})
        contributions = self.weights[:, index] * values  # topics x present features
        logits = (contributions.sum(axis=1) + self.bias) / self.temperature
        exp = np.exp(logits - logits.max())
        probs = exp / exp.sum()
        order = np.argsort(-probs)
        evidence = {}
        for t in order[:evidence_for]:
            # What sets this topic apart: its weight above the features' mean weight over all topics.
            lift = contributions[t] - contributions.mean(axis=0)
            best = [int(j) for j in np.argsort(-lift)[:6] if lift[j] > 0]
            evidence[self.slugs[t]] = tuple(self.features[index[j]] for j in best)
        return TopicPrediction({self.slugs[t]: float(probs[t]) for t in order}, evidence)


def _removed(feature: str, removed: frozenset[str]) -> bool:
    """Whether a feature is a removed term or holds a removed word (`flu` takes `flu cases`; `elect*`: any ending)."""
    if feature in removed:
        return True
    words = feature.split()
    return any(w in removed or any(t.endswith("*") and w.startswith(t[:-1]) for t in removed) for w in words)


def save_model(
    path: Path, slugs: list[str], features: list[str], weights: np.ndarray, bias: np.ndarray, temperature: float
) -> None:
    """Write the model as one compressed .npz of plain arrays (no pickles: loading runs no code)."""
    np.savez_compressed(
        path,
        slugs=np.array("\n".join(slugs).encode("utf-8")),
        features=np.array("\n".join(features).encode("utf-8")),
        weights=weights.astype(np.float16),
        bias=bias.astype(np.float32),
        temperature=np.array(temperature, dtype=np.float32),
    )


def load_topic_model(path: Path = BUNDLED_MODEL) -> TopicModel | None:
    """The model at `path` (the bundled one by default), read once per process; None when there is none."""
    if not path.exists():
        return None
    stat = path.stat()
    return _load(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=2)
def _load(path: Path, _mtime: int, _size: int) -> TopicModel:
    try:
        with np.load(path, allow_pickle=False) as data:
            slugs = tuple(data["slugs"].item().decode("utf-8").split("\n"))
            features = tuple(data["features"].item().decode("utf-8").split("\n"))
            weights = data["weights"].astype(np.float32)
            bias = data["bias"].astype(np.float32)
            temperature = float(data["temperature"])
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise BadParameter(f"topic model: {exc}", subject=str(path)) from exc
    if weights.shape != (len(slugs), len(features)) or bias.shape != (len(slugs),):
        raise BadParameter("topic model: weights do not match its topics and features", subject=str(path))
    return TopicModel(slugs, features, {f: i for i, f in enumerate(features)}, weights, bias, temperature)
