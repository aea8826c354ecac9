"""Score topic assignment: Reuters-21578 TOPICS stories and the hand-labelled set in bench/data/topic_labels.json.

Run: /work/main/.venv/bin/python bench/bench_topics.py [--corpora DIR] [--topics FILE] [--model NPZ] [--before NPZ]
     [--errors dev|test]   (--before: an earlier model beside it: `git show REV:archive/data/topic_model.npz > F`)

Every Reuters-21578 story with a TOPICS category is economic news, so the share whose top-1 topic is
economy-business-finance measures that half; files reut2-000..008 are dev, 009..017 test, as in the
countries bench. The hand-labelled set (GUM news, extraction-benchmark bodies, Reuters stories without
TOPICS) has a dev/test split fixed before tuning; top-1 is right when it equals the first gold topic
("strict") or any gold topic ("lenient"); P/R/F1 are micro-averaged over all assigned topics. The
items whose first topic is business, politics, sport, tech or entertainment are also scored apart:
the nearest this data comes to a general news site's five desks.

Each figure is given for the term lists alone (`terms`, as before the model) and with the learned model
(`terms+model`, what the archive does), on the full texts (`long`) and on short versions cut from them
(`short`: the headline and first sentence, or the first two sentences where there is no headline, as a
feed entry or brief has), with the share of texts left without a topic. The model never saw any of these
texts: training/topics/train_model.py holds out every labelled item by id and Reuters files 009..017
(its calibration uses reut2-008), so the Reuters dev half (000..008) is partly its training data.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.errors import NoArticleText
from archive.ingest.enrich.topic_model import BUNDLED_MODEL, TopicModel, load_topic_model
from archive.ingest.enrich.topics import BUNDLED_TOPICS, Lexicon, assign_topics, load_lexicon, short_text
from archive.ingest.readers.reuters import iter_stories, story_to_article

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
LABELS = ROOT / "bench" / "data" / "topic_labels.json"
DEV_FILES = {f"reut2-{i:03d}.sgm" for i in range(9)}
ECONOMY = "economy-business-finance"
# The desks of a general news site (business, politics, sport, tech, entertainment), as in the BBC News set.
DESKS = (ECONOMY, "politics", "sport", "science-technology", "arts-culture-entertainment")
_DATE_LINE = re.compile(r"^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \w+ \d{1,2}, \d{4}$")


def gum_text(path: Path) -> tuple[str, str]:
    """Headline and body of a GUM news document, rebuilt from its `# text` lines and paragraph marks."""
    paragraphs: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newpar"):
            paragraphs.append([])
        elif line.startswith("# text = "):
            if not paragraphs:
                paragraphs.append([])
            paragraphs[-1].append(line.removeprefix("# text = "))
    texts = [" ".join(p) for p in paragraphs if p]
    body = [t for t in texts[1:] if not _DATE_LINE.match(t)]
    return texts[0], "\n\n".join(body)


def labelled_texts(corpora: Path) -> dict[str, tuple[str, str]]:
    """id -> (headline, body) for every source the label file draws on."""
    texts: dict[str, tuple[str, str]] = {}
    for path in sorted((corpora / "gum-news" / "dep").glob("GUM_news_*.conllu")):
        texts[f"gum:{path.stem}"] = gum_text(path)
    truth = json.loads((corpora / "extraction-benchmark" / "ground-truth.json").read_text(encoding="utf-8"))
    for key, value in truth.items():
        texts[f"extraction:{key[:16]}"] = ("", value["articleBody"])
    for path in sorted((corpora / "reuters21578").glob("reut2-*.sgm")):
        for story in iter_stories(path.read_text(encoding="latin-1")):
            if not story.topics:
                try:
                    article = story_to_article(story, f"{path}#{story.newid}")
                except NoArticleText:
                    continue
                texts[f"reuters:{story.newid}"] = (article.headline, article.body)
    return texts


def reuters_topics_stories(corpora: Path) -> Iterator[tuple[str, tuple[str, ...], str, str]]:
    """(half, TOPICS, headline, body) for every Reuters story that has TOPICS and text."""
    for path in sorted((corpora / "reuters21578").glob("reut2-*.sgm")):
        half = "dev" if path.name in DEV_FILES else "test"
        for story in iter_stories(path.read_text(encoding="latin-1")):
            if not story.topics:
                continue
            try:
                article = story_to_article(story, f"{path}#{story.newid}")
            except NoArticleText:
                continue
            headline = "" if article.headline_derived else article.headline
            yield half, story.topics, headline, article.body


def bench_reuters(
    corpora: Path, lexicon: Lexicon, model: TopicModel | None, short: bool, name: str = "model"
) -> dict[str, float]:
    """Print the economy share per half and per big TOPICS category; return share per half and untagged."""
    total: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    per_cat: dict[str, Counter[str]] = defaultdict(Counter)
    wrong_top: Counter[str] = Counter()
    for half, cats, headline, body in reuters_topics_stories(corpora):
        if short:
            headline, body = short_text(headline, body)
        top = assign_topics(headline, body, lexicon, model).topics[:1]
        ok = top == (ECONOMY,)
        total[half] += 1
        hits[half] += ok
        for cat in cats:
            per_cat[cat]["n"] += 1
            per_cat[cat]["ok"] += ok
        if not ok:
            wrong_top[top[0] if top else "(none)"] += 1
    shares = {half: hits[half] / total[half] for half in ("dev", "test")}
    all_share = sum(hits.values()) / sum(total.values())
    shares["untagged"] = wrong_top["(none)"] / sum(total.values())
    print(f"Reuters-21578 stories with TOPICS ({_mode(model, short, name)}): top-1 = economy-business-finance")
    for half in ("dev", "test"):
        print(f"  {half:5} {hits[half]:5}/{total[half]:5}  {shares[half]:.3f}")
    print(f"  all   {sum(hits.values()):5}/{sum(total.values()):5}  {all_share:.3f}")
    print("  by TOPICS category (15 biggest):")
    for cat, counts in sorted(per_cat.items(), key=lambda kv: -kv[1]["n"])[:15]:
        print(f"    {cat:12} {counts['ok']:5}/{counts['n']:5}  {counts['ok'] / counts['n']:.3f}")
    print("  top-1 when not economy:", ", ".join(f"{t} {n}" for t, n in wrong_top.most_common(6)))
    return shares


def _mode(model: TopicModel | None, short: bool, name: str = "model") -> str:
    return (f"terms+{name}" if model else "terms") + (", short" if short else ", long")


def bench_labelled(
    texts: dict[str, tuple[str, str]],
    lexicon: Lexicon,
    model: TopicModel | None,
    short: bool,
    show_errors: str | None,
    name: str = "model",
) -> dict[str, float]:
    """Print top-1 accuracy and micro P/R/F1 on the hand-labelled set, dev and test apart; return test figures."""
    items = json.loads(LABELS.read_text(encoding="utf-8"))["items"]
    print(f"\nHand-labelled set ({LABELS.relative_to(ROOT)}, {_mode(model, short, name)}): {len(items)} items")
    print("  split   n  top1-strict  top1-lenient  micro-P  micro-R  micro-F1  avg-topics  untagged")
    figures: dict[str, float] = {}
    per_topic: dict[str, Counter[str]] = defaultdict(Counter)
    desks: dict[str, Counter[str]] = defaultdict(Counter)
    for split in ("dev", "test", "all"):
        chosen = [i for i in items if split == "all" or i["split"] == split]
        strict = lenient = tp = fp = fn = n_topics = untagged = 0
        buckets: dict[str, Counter[str]] = defaultdict(Counter)  # confidence of the top topic -> right or not
        for item in chosen:
            headline, body = texts[item["id"]]
            if short:
                headline, body = short_text(headline, body)
            got = assign_topics(headline, body, lexicon, model)
            untagged += not got.topics
            if got.topics:
                bucket = min(int(got.scores[got.topics[0]] * 4), 3)
                buckets[f"{bucket * 25}-{bucket * 25 + 25}%"]["n"] += 1
                buckets[f"{bucket * 25}-{bucket * 25 + 25}%"]["ok"] += got.topics[0] == item["topics"][0]
            gold = item["topics"]
            top = got.topics[0] if got.topics else None
            strict += top == gold[0]
            lenient += top in gold
            tp += len(set(got.topics) & set(gold))
            fp += len(set(got.topics) - set(gold))
            fn += len(set(gold) - set(got.topics))
            n_topics += len(got.topics)
            if split == "all":
                per_topic[gold[0]]["n"] += 1
                per_topic[gold[0]]["ok"] += top == gold[0]
            if gold[0] in DESKS:
                desks[split]["n"] += 1
                desks[split]["ok"] += top == gold[0]
            if show_errors in (split, "all") and split != "all" and top != gold[0]:
                evidence = {t: got.evidence[t][:4] for t in got.topics}
                print(f"    MISS {item['id']}: gold {gold} got {list(got.topics)} {got.scores} {evidence}")
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        n = len(chosen)
        print(
            f"  {split:5} {n:4}  {strict / n:11.3f}  {lenient / n:12.3f}  {p:7.3f}  {r:7.3f}  {f1:8.3f}"
            f"  {n_topics / n:10.2f}  {untagged / n:8.3f}"
        )
        if split == "all":
            calibration = ", ".join(f"{b} {c['ok']}/{c['n']}" for b, c in sorted(buckets.items()))
            print(f"        top-1 right by its confidence (all): {calibration}")
        figures[split] = strict / n
        figures[f"{split}-untagged"] = untagged / n
    for split, c in desks.items():
        figures[f"{split}-desks"] = c["ok"] / c["n"]
    print(
        "  top-1 strict on items whose first topic is one of the five desks: "
        + ", ".join(f"{split} {c['ok']}/{c['n']} {c['ok'] / c['n']:.3f}" for split, c in desks.items())
    )
    print("  top-1 strict by gold topic (all):")
    for topic, counts in sorted(per_topic.items(), key=lambda kv: -kv[1]["n"]):
        print(f"    {topic:28} {counts['ok']:3}/{counts['n']:3}")
    return figures


def bench_speed(corpora: Path, lexicon: Lexicon, models: dict[str, TopicModel | None]) -> dict[str, float]:
    """Milliseconds per article (Reuters test half, full texts) with each model (None: terms alone), best of 3."""
    texts = [(h, b) for half, _, h, b in reuters_topics_stories(corpora) if half == "test"][:2000]
    best: dict[str, float] = {}
    for _ in range(3):
        for name, m in models.items():
            started = time.perf_counter()
            for headline, body in texts:
                assign_topics(headline, body, lexicon, m)
            ms = (time.perf_counter() - started) * 1000 / len(texts)
            best[name] = min(best.get(name, ms), ms)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="the shared corpora folder")
    parser.add_argument("--topics", type=Path, default=None, help="a user topics.toml laid over the bundled terms")
    parser.add_argument("--model", type=Path, default=BUNDLED_MODEL, help="the topic model (.npz)")
    parser.add_argument(
        "--before", type=Path, help="an earlier model (.npz) to score beside it, e.g. `git show main:archive/data/…`"
    )
    parser.add_argument("--errors", choices=("dev", "test", "all"), help="print the labelled items missed at top-1")
    args = parser.parse_args()
    if not args.corpora.exists():
        sys.exit(f"{args.corpora} not found: the bench needs ../shared/corpora")
    lexicon = load_lexicon(args.topics or BUNDLED_TOPICS)
    model = load_topic_model(args.model)
    if model is None:
        sys.exit(f"{args.model} not found: run `make topics-model`")
    started = time.perf_counter()
    texts = labelled_texts(args.corpora)
    before = load_topic_model(args.before) if args.before else None
    if args.before and before is None:
        sys.exit(f"{args.before} not found")
    rows = []
    for m, name in ((None, ""), (before, "before"), (model, "model")):
        if name == "before" and m is None:
            continue
        for short in (False, True):
            reuters = bench_reuters(args.corpora, lexicon, m, short, name)
            errors = args.errors if m is model and short else None
            labelled = bench_labelled(texts, lexicon, m, short, errors, name)
            rows.append((_mode(m, short, name), reuters, labelled))
    speed = bench_speed(
        args.corpora,
        lexicon,
        {"terms": None, "before": before, "model": model} if before else {"terms": None, "model": model},
    )
    print("\nSummary (labelled set dev / test split; Reuters economy top-1 on files 009..017, which the model never")
    print("trained on, nor on any labelled text; five desks: the labelled items whose first topic is one of them)")
    print("  mode                    labelled top-1   untagged      five desks    Reuters top-1  untagged")
    print("                          dev    test      dev    test   dev    test   test")
    for mode, reuters, labelled in rows:
        print(
            f"  {mode:22}  {labelled['dev']:.3f}  {labelled['test']:.3f}    {labelled['dev-untagged']:.3f}  "
            f"{labelled['test-untagged']:.3f}  {labelled['dev-desks']:.3f}  {labelled['test-desks']:.3f}  "
            f"{reuters['test']:.3f}          {reuters['untagged']:.3f}"
        )
    print(
        "  time per Reuters test article (full text, best of 3, interleaved): "
        + ", ".join(
            f"{name} {ms:.2f} ms" + (f" (+{ms - speed['terms']:.2f} ms)" if name != "terms" else "")
            for name, ms in speed.items()
        )
    )
    print(f"\n{time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
