"""Score country assignment against the PLACES of Reuters-21578.

Run: /work/main/.venv/bin/python bench/bench_countries.py [--corpus DIR] [--half dev|test|all] [--ner [MODEL]]

Reuters indexers listed the countries each story is about in <PLACES>; we use them only
to measure `assign_countries`, never as input. Files reut2-000..008 are the dev half (the
resolver was tuned on them), reut2-009..017 the test half, so both are reported apart.
By default the run passes no NER spans (entities=None) and measures the text-only resolver;
`--ner [MODEL]` adds the spans of the archive's spaCy pipeline, as enrichment does.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.errors import NoArticleText
from archive.ingest.enrich.resolve import assign_countries
from archive.ingest.readers.reuters import iter_stories, story_to_article

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "reuters21578"
DEV_FILES = {f"reut2-{i:03d}.sgm" for i in range(9)}

# PLACES strings whose code is not simply the pycountry lookup of the name.
PLACE_CODES = {
    "usa": "US",
    "uk": "GB",
    "ussr": "SUHH",
    "west-germany": "DE",
    "east-germany": "DDDE",
    "yugoslavia": "YUCS",
    "czechoslovakia": "CSHH",
    "burma": "MM",
    "kampuchea": "KH",
    "zaire": "CD",
    "congo": "CG",
    "ivory-coast": "CI",
    "uae": "AE",
    "south-korea": "KR",
    "north-korea": "KP",
    "taiwan": "TW",
    "laos": "LA",
    "vietnam": "VN",
    "iran": "IR",
    "syria": "SY",
    "libya": "LY",
    "tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "macao": "MO",
    "vatican": "VA",
    "swaziland": "SZ",
    "western-samoa": "WS",
    "cape-verde": "CV",
    "yemen-arab-republic": "YE",
    "yemen-demo-republic": "YE",
    "netherlands-antilles": "ANHH",
    "trinidad-tobago": "TT",
    "antigua": "AG",
    "british-virgin-islands": "VG",
    "us-virgin-islands": "VI",
    "brunei": "BN",
    "gambia": "GM",
    "bahamas": "BS",
    "turkey": "TR",
}


@dataclass(frozen=True)
class Story:
    """What the resolver sees of one Reuters story (as the archive reads it), plus the gold PLACES."""

    file: str
    newid: str
    headline: str
    dateline_place: str | None
    body: str
    places: tuple[str, ...]


def read_stories(path: Path) -> Iterator[Story]:
    """The stories of one reut2-*.sgm file, through the archive's own Reuters reader.

    The dateline place keeps its state or province ("San Mateo, Calif."): that is what tells a
    Reuters reader which San Mateo or London is meant.
    """
    for story in iter_stories(path.read_text(encoding="latin-1")):
        if story.text_type == "BRIEF":  # title only; the body is filler ("Blah blah blah.")
            continue
        try:
            article = story_to_article(story, f"{path.name}#{story.newid}")
        except NoArticleText:
            continue
        yield Story(
            file=path.name,
            newid=story.newid,
            headline="" if article.headline_derived else article.headline,
            dateline_place=article.dateline.place,
            body=article.body,
            places=story.places,
        )


def place_code(place: str) -> str:
    """Map a PLACES string (`usa`, `west-germany`) to the code the resolver uses."""
    if place in PLACE_CODES:
        return PLACE_CODES[place]
    return pycountry.countries.lookup(place.replace("-", " ")).alpha_2


def load(corpus: Path, half: str) -> list[Story]:
    """Stories with at least one PLACE and some body text, from the chosen half."""
    stories = []
    for path in sorted(corpus.glob("reut2-*.sgm")):
        in_dev = path.name in DEV_FILES
        if (half == "dev" and not in_dev) or (half == "test" and in_dev):
            continue
        stories.extend(s for s in read_stories(path) if s.places and s.body)
    return stories


@dataclass
class Score:
    """Micro precision/recall/F1 of `countries` and focus accuracy of its first code."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    focus_hits: int = 0
    stories: int = 0

    def add(self, predicted: tuple[str, ...], gold: set[str]) -> None:
        pred = set(predicted)
        self.tp += len(pred & gold)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)
        self.focus_hits += bool(predicted) and predicted[0] in gold
        self.stories += 1

    def figures(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f1, "focus": self.focus_hits / max(self.stories, 1)}


def evaluate(
    stories: list[Story], spans: Sequence[list[tuple[int, int, str]] | None] | None = None
) -> tuple[Score, float]:
    """Score every story (with its NER spans when given); return the score and the articles per second."""
    per_story = spans if spans is not None else [None] * len(stories)
    score = Score()
    start = time.perf_counter()
    predictions = [
        assign_countries(headline=s.headline, body=s.body, dateline_place=s.dateline_place, entities=ents).countries
        for s, ents in zip(stories, per_story, strict=True)
    ]
    elapsed = time.perf_counter() - start
    for story, predicted in zip(stories, predictions, strict=True):
        score.add(predicted, {place_code(p) for p in story.places})
    return score, len(stories) / elapsed if elapsed else 0.0


def ner_spans(stories: list[Story], model: str) -> list[list[tuple[int, int, str]]]:
    """The archive pipeline's entity spans over each body (spaCy is imported only here)."""
    from archive.ingest.enrich.nlp import entity_spans, load_pipeline

    return list(entity_spans(load_pipeline(model or None), (s.body for s in stories)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--half", choices=("dev", "test", "all"), default=None, help="one half only (default: dev, test and all)"
    )
    parser.add_argument(
        "--ner",
        nargs="?",
        const="",
        default=None,
        metavar="MODEL",
        help="pass NER spans from the archive's spaCy pipeline (the bundled one, or MODEL); slow",
    )
    args = parser.parse_args()
    assign_countries(headline="", body="warm-up", dateline_place=None)  # build the gazetteer outside the timing
    ner = (
        "none (entities=None, text-only resolver)" if args.ner is None else f"from {args.ner or 'the bundled pipeline'}"
    )
    print(f"Reuters-21578 countries vs PLACES; NER spans: {ner}")
    for half in [args.half] if args.half else ["dev", "test", "all"]:
        stories = load(args.corpus, half)
        spans = ner_spans(stories, args.ner) if args.ner is not None else None
        score, rate = evaluate(stories, spans)
        fig = score.figures()
        label = {"dev": "dev  (reut2-000..008)", "test": "test (reut2-009..017)", "all": "all  (reut2-000..017)"}[half]
        print(
            f"{label}: stories={score.stories} P={fig['precision']:.3f} R={fig['recall']:.3f} "
            f"F1={fig['f1']:.3f} focus={fig['focus']:.3f} articles/s={rate:.0f} (resolver only)"
        )


if __name__ == "__main__":
    main()
