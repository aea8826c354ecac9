"""Score country assignment against the PLACES of Reuters-21578.

Run: /work/main/.venv/bin/python bench/bench_countries.py [--corpus DIR] [--half dev|test|all]

Reuters indexers listed the countries each story is about in <PLACES>; we use them only
to measure `assign_countries`, never as input. Files reut2-000..008 are the dev half (the
resolver was tuned on them), reut2-009..017 the test half, so both are reported apart.
The run passes no NER spans (entities=None): it measures the text-only resolver.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.ingest.countries import assign_countries

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

_STORY = re.compile(r"<REUTERS\b.*?</REUTERS>", re.S)
_PLACES = re.compile(r"<PLACES>(.*?)</PLACES>", re.S)
_D = re.compile(r"<D>(.*?)</D>")
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_DATELINE = re.compile(r"<DATELINE>(.*?)</DATELINE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)(?:</BODY>|</TEXT>)", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')
_DATELINE_PLACE = re.compile(r"^\s*(.*?),\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I)
_TRAILER = re.compile(r"\s*Reuter\s*$")


@dataclass(frozen=True)
class Story:
    """The parts of a Reuters story the resolver sees, plus the gold PLACES."""

    file: str
    newid: str
    headline: str
    dateline_place: str | None
    body: str
    places: tuple[str, ...]


def _unescape(text: str) -> str:
    """Turn SGML references into text and drop the control characters (&#2; &#3; ...)."""
    text = html.unescape(text)
    return "".join(ch for ch in text if ch >= " " or ch in "\n\t")


def read_stories(path: Path) -> Iterator[Story]:
    """Yield the stories of one reut2-*.sgm file (Latin-1)."""
    raw = path.read_text(encoding="latin-1")
    for match in _STORY.finditer(raw):
        chunk = match.group(0)
        places_m = _PLACES.search(chunk)
        places = tuple(_D.findall(places_m.group(1))) if places_m else ()
        title_m, dateline_m, body_m = _TITLE.search(chunk), _DATELINE.search(chunk), _BODY.search(chunk)
        dateline_place = None
        if dateline_m:
            place_m = _DATELINE_PLACE.match(_unescape(dateline_m.group(1)))
            dateline_place = place_m.group(1).strip() if place_m else None
        body = _TRAILER.sub("", _unescape(body_m.group(1))).strip() if body_m else ""
        newid_m = _NEWID.search(chunk)
        yield Story(
            file=path.name,
            newid=newid_m.group(1) if newid_m else "",
            headline=_unescape(title_m.group(1)).strip() if title_m else "",
            dateline_place=dateline_place or None,
            body=body,
            places=places,
        )


def place_code(place: str) -> str:
    """Map a PLACES string (`usa`, `west-germany`) to the code the resolver uses."""
    if place in PLACE_CODES:
        return PLACE_CODES[place]
    import pycountry

    name = place.replace("-", " ")
    return pycountry.countries.lookup(name).alpha_2


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


def evaluate(stories: list[Story]) -> tuple[Score, float]:
    """Score every story; return the score and the articles per second."""
    score = Score()
    start = time.perf_counter()
    predictions = [
        assign_countries(headline=s.headline, body=s.body, dateline_place=s.dateline_place).countries for s in stories
    ]
    elapsed = time.perf_counter() - start
    for story, predicted in zip(stories, predictions, strict=True):
        score.add(predicted, {place_code(p) for p in story.places})
    return score, len(stories) / elapsed if elapsed else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--half", choices=("dev", "test", "all"), default=None, help="one half only (default: dev, test and all)"
    )
    args = parser.parse_args()
    assign_countries(headline="", body="warm-up", dateline_place=None)  # build the gazetteer outside the timing
    print("Reuters-21578 countries vs PLACES; NER spans: none (entities=None, text-only resolver)")
    for half in [args.half] if args.half else ["dev", "test", "all"]:
        stories = load(args.corpus, half)
        score, rate = evaluate(stories)
        fig = score.figures()
        label = {"dev": "dev  (reut2-000..008)", "test": "test (reut2-009..017)", "all": "all  (reut2-000..017)"}[half]
        print(
            f"{label}: stories={score.stories} P={fig['precision']:.3f} R={fig['recall']:.3f} "
            f"F1={fig['f1']:.3f} focus={fig['focus']:.3f} articles/s={rate:.0f}"
        )


if __name__ == "__main__":
    main()
