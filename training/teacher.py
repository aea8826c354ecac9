"""Run the spaCy-2 teacher (en_core_web_sm 2.2.5). Needs the venv in build/teacher-venv.

Modes:
  annotate OUTDIR   write teacher entities (+ parser sentence starts) for all corpora as JSONL
  predict           JSONL {"words", "spaces"} or {"text"} on stdin -> {"ents": [[start, end, label]]} on stdout
                    (token offsets for words, char offsets for text); used by bench/bench_ner.py
  speed N_PROCESS   JSON list of texts on stdin -> words/s of NER-only nlp.pipe on stdout
  speed-server      first stdin line: JSON list of texts; then one N_PROCESS per line -> one
                    {"words", "seconds"} line per request (the model and texts load once, so the
                    benchmark can alternate teacher and student runs)
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from training.corpora import TEACHER_MODEL, detok_spaces, extraction_docs, gmb_sentences, reuters_docs

warnings.filterwarnings("ignore")
import spacy  # noqa: E402
from spacy.tokens import Doc  # noqa: E402


def annotate_texts(nlp: spacy.language.Language, docs: list[dict], out: Path) -> None:
    """Teacher entities and parser sentence starts (char offsets) for raw texts."""
    with out.open("w", encoding="utf-8") as handle:
        for item, doc in zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=64), strict=True):
            item["ents"] = [[e.start_char, e.end_char, e.label_] for e in doc.ents]
            item["sents"] = [s.start_char for s in doc.sents]
            handle.write(json.dumps(item) + "\n")


def annotate_gmb(nlp: spacy.language.Language, out: Path) -> None:
    """Teacher entities (token offsets) on GMB's own tokenisation, so they align with the gold."""
    sentences = gmb_sentences()
    ner = nlp.get_pipe("ner")
    docs = (Doc(nlp.vocab, words=s["words"], spaces=detok_spaces(s["words"])) for s in sentences)
    with out.open("w", encoding="utf-8") as handle:
        for sent, doc in zip(sentences, ner.pipe(docs, batch_size=256), strict=True):
            sent["spaces"] = [bool(t.whitespace_) for t in doc]
            sent["teacher"] = [[e.start, e.end, e.label_] for e in doc.ents]
            handle.write(json.dumps(sent) + "\n")


def predict(nlp: spacy.language.Language) -> None:
    """Line-by-line prediction service for the benchmark (NER only)."""
    ner = nlp.get_pipe("ner")
    for line in sys.stdin:
        item = json.loads(line)
        if "words" in item:
            doc = ner(Doc(nlp.vocab, words=item["words"], spaces=item["spaces"]))
            ents = [[e.start, e.end, e.label_] for e in doc.ents]
        else:
            doc = nlp(item["text"])
            ents = [[e.start_char, e.end_char, e.label_] for e in doc.ents]
        sys.stdout.write(json.dumps({"ents": ents}) + "\n")


def speed(nlp: spacy.language.Language, n_process: int) -> None:
    """NER-only words/s over the given texts (after one warm-up pass)."""
    texts = json.load(sys.stdin)
    list(nlp.pipe(texts[:200]))
    start = time.perf_counter()
    words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64, n_process=n_process))
    print(json.dumps({"words": words, "seconds": time.perf_counter() - start}))


def speed_server(nlp: spacy.language.Language) -> None:
    """Timed NER-only passes over the same texts, one per request line (see the module docstring)."""
    texts = json.loads(sys.stdin.readline())
    list(nlp.pipe(texts[:200]))
    for line in sys.stdin:
        start = time.perf_counter()
        words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64, n_process=int(line)))
        sys.stdout.write(json.dumps({"words": words, "seconds": time.perf_counter() - start}) + "\n")
        sys.stdout.flush()


def main() -> None:
    mode = sys.argv[1]
    if mode == "annotate":
        out = Path(sys.argv[2])
        out.mkdir(parents=True, exist_ok=True)
        nlp = spacy.load(TEACHER_MODEL, disable=["tagger"])
        annotate_gmb(nlp, out / "gmb.jsonl")
        annotate_texts(nlp, list(extraction_docs()), out / "extraction.jsonl")
        annotate_texts(nlp, list(reuters_docs()), out / "reuters.jsonl")
    elif mode == "predict":
        predict(spacy.load(TEACHER_MODEL, disable=["tagger", "parser"]))
    elif mode == "speed":
        speed(spacy.load(TEACHER_MODEL, disable=["tagger", "parser"]), int(sys.argv[2]))
    elif mode == "speed-server":
        speed_server(spacy.load(TEACHER_MODEL, disable=["tagger", "parser"]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
