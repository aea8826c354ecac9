"""Train `archive/data/topic_model.npz`: the linear topic model, distilled from the term lists on long texts.

Run: /work/main/.venv/bin/python training/topics/train_model.py [--corpora ../shared/corpora]  (`make topics-model`)
Needs scikit-learn (the `train` extra); the archive itself applies the weights with numpy alone.

Why: the term lists are right on long articles (many matching words) and silent on short ones. Each long
training text gets the top topic the term lists give it when their evidence is strong and clear; the model
then learns from the whole text *and from the short cuts a feed shows of it* (headline and first sentence,
headline alone, first two sentences, one sentence further on) to predict that topic, so it learns which
other words go with a topic and how to name it from a short text. Every GMB sentence is also an example on
its own, under the topic its context (two sentences either side) names: world news, sport, health and
science in one sentence, the way a wire snap has it. The IPTC vocabulary adds its concepts' labels and
definitions under the top-level topic IPTC files them under (gold labels, every topic, sport's and art's
long tail too).

Held out, never trained on (bench/bench_topics.py evaluates on them): every text of the hand-labelled set
(bench/data/topic_labels.json, by id: all GUM news and extraction-benchmark texts it uses, and its Reuters
stories) and all of Reuters-21578 files reut2-009 .. reut2-017 (the bench's test half). reut2-008 and the
last tenth of GMB are kept apart to fit the temperature that calibrates the probabilities.
Deterministic: same corpora, same model (lbfgs, no random state involved).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from archive.errors import NoArticleText  # noqa: E402
from archive.ingest.enrich.topic_model import (  # noqa: E402
    BUNDLED_MODEL,
    feature_counts,
    feature_values,
    save_model,
)
from archive.ingest.enrich.topics import (  # noqa: E402
    _WORD,
    BUNDLED_TOPICS,
    MIN_SCORE,
    load_lexicon,
    short_text,
    term_scores,
)
from archive.ingest.readers.reuters import iter_stories, story_to_article  # noqa: E402
from archive.ingest.readers.sentences import sentence_ends  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
LABELS = ROOT / "bench" / "data" / "topic_labels.json"
TRAIN_FILES = {f"reut2-{i:03d}.sgm" for i in range(8)}
CALIBRATION_FILES = {"reut2-008.sgm"}
MIN_SILVER = 6.0  # the term evidence a long text needs to become a training example (twice the tagging floor)
MIN_SILVER_SHARE = 0.45  # ... and the top topic's share of all its evidence
MIN_SILVER_RARE = 4.0  # the floor for a topic other than the three that fill the corpora (more sport, tech, crime)
COMMON = ("economy-business-finance", "politics", "conflict-war-peace")
IPTC_WEIGHT = 1.0  # an IPTC concept's label and definition weigh as this many silver examples
MIN_DF = 3
MAX_FEATURES = 60_000
C = 4.0  # inverse L2 strength; 1 and 16 did worse on the bench's dev split (short top-1 0.753 both, 0.763 at 4)
GMB_CHUNK = 8  # GMB has no document boundaries: 8 consecutive sentences stand for one story
GMB_CONTEXT = 2  # a GMB sentence is labelled by itself and this many sentences either side
EXTRA_CUTS = True  # each long text also as its headline alone, its first two sentences and one sentence further on
SENTENCES = True  # GMB sentences one by one, each labelled by its context
PAIRS = False  # GMB sentences also two by two, the first standing as a headline
MASKED = False  # the short texts once more with the terms' own words taken out (see `masked`)
SELF_TRAIN = 0.0  # > 0: a second fit adds the unlabelled long texts the first model gives this probability


def _words(text: str) -> list[str]:
    return text.split()


STOP = frozenset(
    _words(
        """a an and are as at be been but by for from had has have he her his i in is it its of on or s said she that
    the their they this to was were will with would which who we you not after also over up out about than more
    one two three four five six seven eight nine ten first second third new last next says say told"""
    )
)


def reuters(corpora: Path, held_out: set[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(headline, body) of the Reuters stories to train on and those to calibrate on."""
    train, calibrate = [], []
    for path in sorted((corpora / "reuters21578").glob("reut2-*.sgm")):
        if path.name not in TRAIN_FILES | CALIBRATION_FILES:
            continue
        for story in iter_stories(path.read_text(encoding="latin-1")):
            if f"reuters:{story.newid}" in held_out:
                continue
            try:
                article = story_to_article(story, f"{path}#{story.newid}")
            except NoArticleText:
                continue
            text = ("" if article.headline_derived else article.headline, article.body)
            (calibrate if path.name in CALIBRATION_FILES else train).append(text)
    return train, calibrate


def gmb_sentences(corpora: Path) -> list[str]:
    """Every GMB sentence (Voice of America news, a few CIA factbook entries and fables), in corpus order."""
    sentences: list[list[str]] = []
    with (corpora / "gmb-ner" / "ner_dataset.csv").open(encoding="cp1252") as stream:
        next(stream)
        for line in stream:
            first, _, rest = line.partition(",")
            if first.startswith("Sentence"):
                sentences.append([])
            word = rest.rsplit(",", 2)[0].strip('"')
            sentences[-1].append(word)
    return [" ".join(s) for s in sentences]


def gmb(sentences: list[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Chunks of GMB sentences as headline-less texts: the first 90% of the sentences train, the rest calibrate."""
    cut = len(sentences) * 9 // 10 // GMB_CHUNK * GMB_CHUNK
    chunks = [("", " ".join(sentences[i : i + GMB_CHUNK])) for i in range(0, len(sentences), GMB_CHUNK)]
    return chunks[: cut // GMB_CHUNK], chunks[cut // GMB_CHUNK :]


def gmb_single(sentences: list[str], lexicon) -> list[tuple[str, str, str]]:
    """("", sentence, slug) for each sentence whose context (GMB_CONTEXT sentences either side) names a topic.

    What a wire snap or a feed entry is: one sentence, often without any of the topic's terms. The
    context gives the label; a sentence whose own terms name another topic is left out (a story's edge).
    """
    found = []
    for i, sentence in enumerate(sentences):
        context = " ".join(sentences[max(0, i - GMB_CONTEXT) : i + GMB_CONTEXT + 1])
        label = silver_label("", context, lexicon)
        if not label:
            continue
        own = {slug: sum(terms.values()) for slug, terms in term_scores("", sentence, lexicon).items()}
        if own and max(own.values()) >= MIN_SCORE and max(own, key=own.__getitem__) != label:
            continue
        found.append(("", sentence, label))
        if PAIRS and i + 1 < len(sentences):
            found.append((sentence, sentences[i + 1], label))
    return found


def iptc(corpora: Path, qcode_slugs: dict[str, str]) -> list[tuple[str, str, str]]:
    """(label, definition, top-level slug) for every active IPTC concept under a known top-level topic."""
    concepts = {
        c["qcode"]: c
        for c in json.loads((corpora / "iptc-mediatopic" / "cptall-en-US.json").read_text(encoding="utf-8"))[
            "conceptSet"
        ]
    }
    found = []
    for qcode, concept in concepts.items():
        if concept.get("retired"):
            continue
        top, seen = qcode, set()
        while top in concepts and concepts[top].get("broader") and top not in seen:
            seen.add(top)
            top = "medtop:" + concepts[top]["broader"][0].rsplit("/", 1)[-1]
        slug = qcode_slugs.get(top)
        label = concept.get("prefLabel", {}).get("en-US", "")
        if slug and label:
            found.append((label, concept.get("definition", {}).get("en-US", ""), slug))
    return found


def silver_label(headline: str, body: str, lexicon) -> str | None:
    """The topic the term evidence names strongly and clearly, if any."""
    raw = {slug: sum(terms.values()) for slug, terms in term_scores(headline, body, lexicon).items()}
    if not raw:
        return None
    best = max(raw, key=raw.__getitem__)
    floor = MIN_SILVER if best in COMMON else MIN_SILVER_RARE
    if raw[best] >= floor and raw[best] >= MIN_SILVER_SHARE * sum(raw.values()):
        return best
    return None


def silver(texts: list[tuple[str, str]], lexicon) -> list[tuple[str, str, str]]:
    """(headline, body, slug) for the texts whose term evidence names one topic strongly."""
    return [(h, b, slug) for h, b in texts for slug in [silver_label(h, b, lexicon)] if slug]


def cuts(headline: str, body: str) -> list[tuple[str, str]]:
    """The short texts a feed shows of a long one: headline and first sentence (no headline: two sentences),
    and with EXTRA_CUTS the headline alone, the first two sentences alone and one sentence further on
    (picked by a checksum of the text, so the same corpora give the same cuts)."""
    found = [short_text(headline, body)]
    if not EXTRA_CUTS:
        return found
    ends = [0, *sentence_ends(body)]
    if headline.strip():
        found.append((headline, ""))
        found.append(short_text("", body))
    if len(ends) > 3:
        k = 2 + zlib.crc32(body.encode("utf-8")) % (len(ends) - 2)
        sentence = body[ends[k - 1] : ends[k] if k < len(ends) else len(body)].strip()
        if len(sentence) > 40:
            found.append(("", sentence))
    return found


def masked(text: str, lexicon) -> str:
    """`text` without the words any topic term matches: what is left is the evidence the terms cannot see.

    A copy so masked teaches the model the words that come with a topic besides its terms, which is what a
    short text with none of them needs; without it the model leans on the very words the terms already count.
    """
    return " ".join(w for w in _WORD.findall(text.replace("’", "'")) if not lexicon.match(w))


def with_short(examples: list[tuple[str, str, str]], lexicon=None) -> list[tuple[str, str, str]]:
    """Every long example, and its short cuts under the same topic (with a lexicon and MASKED, the headline
    and first sentence also without the terms' words, when four words or more are left)."""
    out = []
    for headline, body, slug in examples:
        out.append((headline, body, slug))
        out.extend((h, b, slug) for h, b in cuts(headline, body) if (h + b).strip())
        if lexicon is not None and MASKED:
            h, b = (masked(t, lexicon) for t in short_text(headline, body))
            if len((h + " " + b).split()) >= 4:
                out.append((h, b, slug))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--output", type=Path, default=BUNDLED_MODEL)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="change a constant (trials)")
    args = parser.parse_args()
    for setting in args.set:
        name, _, value = setting.partition("=")
        globals()[name] = type(globals()[name])(eval(value))  # the trainer's own command line
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    lexicon = load_lexicon(BUNDLED_TOPICS)  # the bundled terms only: a user's file is laid over at runtime
    held_out = {item["id"] for item in json.loads(LABELS.read_text(encoding="utf-8"))["items"]}
    r_train, r_cal = reuters(args.corpora, held_out)
    sentences = gmb_sentences(args.corpora)
    cut = len(sentences) * 9 // 10 // GMB_CHUNK * GMB_CHUNK
    g_train, g_cal = gmb(sentences)
    concepts = iptc(args.corpora, {q: s for s, q in lexicon.qcodes.items()})
    long_train = silver(r_train, lexicon) + silver(g_train, lexicon)
    single = gmb_single(sentences[:cut], lexicon) if SENTENCES else []
    train = [(label, definition, slug) for label, definition, slug in concepts] + with_short(long_train, lexicon)
    train += single + [
        ("", b, slug) for _, s, slug in single if MASKED for b in [masked(s, lexicon)] if len(b.split()) >= 4
    ]
    calibrate = with_short(silver(r_cal, lexicon) + silver(g_cal, lexicon))
    calibrate += gmb_single(sentences[cut:], lexicon) if SENTENCES else []
    print(f"long texts: Reuters {len(r_train)} + GMB chunks {len(g_train)}; silver-labelled {len(long_train)}")
    print(f"GMB sentences labelled by their context {len(single)}; IPTC concepts {len(concepts)}")
    print(f"training examples {len(train)}; calibration examples {len(calibrate)}")
    print("  silver topics (long):", dict(Counter(s for _, _, s in long_train).most_common()))
    print("  GMB sentences:", dict(Counter(s for _, _, s in single).most_common()))

    counts = [feature_counts(h, b) for h, b, _ in train]
    df = Counter(f for c in counts for f in c)
    kept = [
        f for f, n in df.items() if n >= MIN_DF and not (f in STOP or f.split()[0] in STOP or f.split()[-1] in STOP)
    ]
    features = sorted(sorted(kept, key=lambda f: -df[f])[:MAX_FEATURES])
    vocabulary = {f: i for i, f in enumerate(features)}

    def matrix(docs: list[dict[str, float]]) -> csr_matrix:
        rows, cols, vals = [], [], []
        for r, c in enumerate(docs):
            index, values = feature_values(c, vocabulary)
            rows.extend([r] * len(index))
            cols.extend(index.tolist())
            vals.extend(values.tolist())
        return csr_matrix((vals, (rows, cols)), shape=(len(docs), len(features)), dtype=np.float64)

    slugs = sorted(lexicon.labels)

    def fit(examples: list[tuple[str, str, str]], x: csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        y = np.array([slugs.index(s) for _, _, s in examples])
        # Balanced classes: each topic's examples weigh as much in all as the biggest topic's (Reuters is 70%
        # economy; without this the model calls any short text business). Tried on the bench's dev split:
        # (most / n) ** 0.5 gave short top-1 0.732, ** 1 0.763 (long 0.814 / 0.825).
        per_class = Counter(y.tolist())
        weights = np.array([max(per_class.values()) / per_class[c] for c in y])
        weights[: len(concepts)] *= IPTC_WEIGHT  # they come first
        model = LogisticRegression(C=C, max_iter=2000)
        model.fit(x, y, sample_weight=weights)
        w = np.zeros((len(slugs), len(features)))
        b = np.full(len(slugs), -30.0)  # a topic with no example at all is never predicted
        for row, cls in enumerate(model.classes_):
            w[cls], b[cls] = model.coef_[row], model.intercept_[row]
        return w, b

    x_train = matrix(counts)
    w, b = fit(train, x_train)
    if SELF_TRAIN:
        # One round of self-training: the long texts the terms left unlabelled, named by the model when it is sure.
        labelled = {(h, bd) for h, bd, _ in long_train}
        rest = [t for t in r_train + g_train if t not in labelled]
        logits = np.asarray(matrix([feature_counts(h, bd) for h, bd in rest]) @ w.T) + b
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        best = zip(rest, p.argmax(axis=1), p.max(axis=1), strict=True)
        extra = [(h, bd, slugs[k]) for (h, bd), k, q in best if q >= SELF_TRAIN]
        print(f"self-training: {len(extra)} of {len(rest)} unlabelled long texts", dict(Counter(s for *_, s in extra)))
        extra = with_short(extra)
        train = train + extra
        w, b = fit(train, matrix(counts + [feature_counts(h, bd) for h, bd, _ in extra]))

    # Temperature: the one scale that makes the held-out probabilities most likely (negative log-likelihood).
    x_cal = matrix([feature_counts(h, bd) for h, bd, _ in calibrate])
    y_cal = np.array([slugs.index(s) for _, _, s in calibrate])
    logits = np.asarray(x_cal @ w.T) + b

    def nll(t: float) -> float:
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        return float(-(z[np.arange(len(y_cal)), y_cal] - np.log(np.exp(z).sum(axis=1))).mean())

    temperature = min(np.arange(0.3, 3.01, 0.05), key=nll)
    top1 = float((logits.argmax(axis=1) == y_cal).mean())
    print(f"features {len(features)}; calibration top-1 vs silver {top1:.3f}; temperature {temperature:.2f}")
    save_model(args.output, slugs, features, w, b, float(temperature))
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
