"""Readers for the shared news corpora, used by training and by bench/bench_ner.py.

Standard library only: the spaCy-2 teacher venv imports this module too.
Splits are fixed by document id / sentence position so every step agrees on
what is held out.
"""

from __future__ import annotations

import csv
import html
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
TEACHER_MODEL = SHARED / "models" / "en_core_web_sm-2.2.5"

# Named-entity labels the student learns (OntoNotes names; numeric types dropped).
NAMED_LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
    "WORK_OF_ART", "LAW", "LANGUAGE",
)
# The labels the shipped student keeps: the ones the archive shows (people, organisations, places,
# groups, events). It is trained on all NAMED_LABELS, then training/slim.py removes the
# others: every label costs the NER's transition loop time on every token (see training/README.md).
STUDENT_LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT")
LABEL_SETS = {"archive": STUDENT_LABELS, "named": NAMED_LABELS}
GMB_HELDOUT_FRACTION = 0.10  # last 10% of GMB sentences: test only
GMB_DEV_FRACTION = 0.02  # the 2% before that: dev (model selection)

_STORY = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_SIGNOFF = re.compile(r"\s*Reuter\s*$", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def reuters_split(newid: int) -> str:
    """Fixed split by story id: 5% test, 5% dev, the rest train."""
    return {0: "test", 1: "dev"}.get(newid % 20, "train")


def clean_reuters_body(raw: str) -> str:
    """Unescape SGML, drop the sign-off and re-join the 1987 hard line wraps.

    Paragraphs start with an indented line; lines inside a paragraph are joined
    with a space so the text reads like the archive's articles.
    """
    text = _CONTROL.sub("", html.unescape(raw))
    text = _SIGNOFF.sub("", text)
    paragraphs = re.split(r"\n\s{2,}", text.strip())
    return "\n".join(" ".join(line.strip() for line in p.splitlines() if line.strip()) for p in paragraphs)


def reuters_docs(split: str | None = None) -> Iterator[dict]:
    """Yield {"id", "split", "text"} for every Reuters-21578 story with a body."""
    for path in sorted((CORPORA / "reuters21578").glob("reut2-*.sgm")):
        for story in _STORY.finditer(path.read_text(encoding="latin-1")):
            newid, body = int(story.group(1)), _BODY.search(story.group(2))
            if not body:
                continue
            text = clean_reuters_body(body.group(1))
            doc_split = reuters_split(newid)
            if len(text) >= 40 and (split is None or split == doc_split):
                yield {"id": f"reuters-{newid}", "split": doc_split, "text": text}


def extraction_docs() -> Iterator[dict]:
    """Yield the extraction-benchmark article bodies (all used for training)."""
    data = json.loads((CORPORA / "extraction-benchmark" / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(data):
        text = data[key]["articleBody"].strip()
        if text:
            yield {"id": f"extraction-{key}", "split": "train", "text": text}


_NO_SPACE_BEFORE = {
    ",", ".", "!", "?", ";", ":", "%", ")", "]", "}", "'s", "'S", "n't", "'re", "'ve", "'ll", "'d", "'m",
}
_NO_SPACE_AFTER = {"(", "[", "{", "$"}


def detok_spaces(words: list[str]) -> list[bool]:
    """Guess trailing whitespace for tokenised GMB sentences (so text reads naturally)."""
    spaces = []
    for i, _word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        spaces.append(nxt is not None and nxt not in _NO_SPACE_BEFORE and words[i] not in _NO_SPACE_AFTER)
    return spaces


def gmb_sentences() -> list[dict]:
    """All GMB sentences as {"id", "split", "words", "tags"} (IOB2 tags, as given)."""
    sentences: list[dict] = []
    path = CORPORA / "gmb-ner" / "ner_dataset.csv"
    with path.open(encoding="cp1252", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for sent_id, word, _pos, tag in reader:
            if sent_id.strip() or not sentences:
                sentences.append({"id": sent_id.strip() or "Sentence: 1", "words": [], "tags": []})
            sentences[-1]["words"].append(word)
            sentences[-1]["tags"].append(tag)
    n = len(sentences)
    test_start = int(n * (1 - GMB_HELDOUT_FRACTION))
    dev_start = int(n * (1 - GMB_HELDOUT_FRACTION - GMB_DEV_FRACTION))
    for i, sent in enumerate(sentences):
        sent["split"] = "test" if i >= test_start else "dev" if i >= dev_start else "train"
    return sentences


def iob_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """IOB2 tags -> (start, end, type) token spans; a stray I- starts a span."""
    spans: list[tuple[int, int, str]] = []
    start, kind = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if start is not None and (prefix != "I" or label != kind):
            spans.append((start, i, kind))
            start, kind = None, None
        if prefix == "B" or (prefix == "I" and start is None):
            start, kind = i, label
    return spans


def gum_split(doc_id: str) -> str:
    """GUM's own split of a document (`splits.md`: dev, test, else train); dev and test are held out here."""
    section = "train"
    for line in (CORPORA / "gum-news" / "splits.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.strip().lstrip("* ").strip() == doc_id and section in {"dev", "test"}:
            return section
    return "train"


def stable_hash(text: str) -> int:
    """Process-independent hash for reproducible sampling."""
    return zlib.crc32(text.encode("utf-8"))
