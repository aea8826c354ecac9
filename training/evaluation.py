"""Gold test sets, student/teacher runners and scores shared by bench/bench_ner.py and packaging.

Gold sets:
- GUM news (gold named mentions; see `gum_docs` for what counts as named): its dev and test documents
  (GUM's own split, 4 articles) are never trained on; `make_corpus.py --gum` trains on the 20 train ones,
  so "gum" scores the held-out 4 and "gum_all" all 24 (the held-out figure for models without --gum),
- the held-out last 10% of GMB sentences (GMB's own labels, mapped to OntoNotes classes).
Agreement: the student's entities vs the teacher's on held-out Reuters bodies.
Both models see exactly the gold tokenisation (Doc from words), so scores compare spans only.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from training.corpora import (
    CORPORA,
    NAMED_LABELS,
    REPO,
    TEACHER_MODEL,
    detok_spaces,
    gmb_sentences,
    gum_split,
    iob_spans,
    reuters_docs,
)

TEACHER_PYTHON = REPO / "build" / "teacher-venv" / "bin" / "python"
Span3 = tuple[int, int, str]
# Predicted OntoNotes label -> class compared against the gold sets (None: not scored).
PLACE = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}
GUM_TYPES = {"person": "PERSON", "organization": "ORG", "place": "PLACE", "event": "EVENT"}
GMB_TYPES = {"per": "PERSON", "org": "ORG", "geo": "PLACE", "gpe": "NORP", "eve": "EVENT"}
# Leading titles are outside OntoNotes PERSON spans; GUM and GMB include them.
TITLES = {
    "President", "Mr.", "Mrs.", "Ms.", "Dr.", "Prime", "Minister", "Secretary", "General", "Gen.",
    "Senator", "Sen.", "Governor", "Gov.", "Chancellor", "King", "Queen", "Prince", "Pope", "Judge",
    "Mayor", "Colonel", "Captain", "Sir", "Lord", "Vice", "Foreign", "Premier", "Sheikh", "Ambassador",
}
_NAME_INNER_POS = {"PROPN", "DET", "CCONJ", "NUM", "PART"}
_NAME_INNER_ADP = {"of", "for", "de", "du", "del", "der", "von", "van", "al", "la", "le"}
_NAME_INNER_PUNCT = {"-", ".", "&", "'"}


def gum_docs(split: str | None = None) -> list[dict]:
    """GUM news documents: {"id", "split", "words", "spaces", "gold": [(start, end, class)]}.

    `split`: "heldout" (GUM's dev and test documents), "train", or None for all.
    """
    docs = []
    for path in sorted((CORPORA / "gum-news" / "dep").glob("GUM_news_*.conllu")):
        words, spaces, pos, xpos, opened, mentions = [], [], [], [], {}, []
        for line in path.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) != 10 or not cols[0].isdigit():
                continue
            i = len(words)
            words.append(cols[1])
            pos.append("PROPN" if cols[4] in {"NNP", "NNPS"} else cols[3])  # GUM: "United" is VERB/NNP
            xpos.append(cols[4])
            misc = dict(kv.split("=", 1) for kv in cols[9].split("|") if "=" in kv)
            spaces.append(misc.get("SpaceAfter") != "No")
            for kind, gid, fields in _entity_events(misc.get("Entity", "")):
                if kind == "open":
                    opened.setdefault(gid, []).append((i, fields))
                if kind == "close":
                    start, info = opened[gid].pop()
                    mentions.append((start, i + 1, info))
        gold = []
        for start, end, fields in mentions:
            parts = fields.split("-", 6)
            label = GUM_TYPES.get(parts[0])
            if label == "PERSON" and all(xpos[i] == "NNPS" for i in range(start, end)):
                continue  # "Afghans", "Muslims": groups (OntoNotes NORP), not persons
            identity = parts[6] if len(parts) == 7 else ""
            span = _named_span(words, pos, start, end, label, identity) if label else None
            if span:
                gold.append((*span, label))
        doc_split = gum_split(path.stem)
        if split is None or split == ("train" if doc_split == "train" else "heldout"):
            docs.append(
                {"id": path.stem, "split": doc_split, "words": words, "spaces": spaces, "gold": _outermost(gold)}
            )
    return docs


def _entity_events(value: str) -> Iterable[tuple[str, str, str]]:
    """Parse GUM's bracketed Entity= value into open/close events: "(7-person-...", "7)", "(...)"."""
    pos = 0
    while pos < len(value):
        if value[pos] == "(":
            m = re.match(r"\((\d+)-([^()]*)", value[pos:])
            yield "open", m.group(1), m.group(2)
            pos += m.end()
            if pos < len(value) and value[pos] == ")":  # a single-token mention closes at once
                yield "close", m.group(1), ""
                pos += 1
        else:
            m = re.match(r"(\d+)\)", value[pos:])
            yield "close", m.group(1), ""
            pos += m.end()


def _named_span(
    words: list[str], pos: list[str], start: int, end: int, label: str, identity: str
) -> tuple[int, int] | None:
    """The mention's proper name: the mention itself if it is one (after trimming determiners,
    titles and possessives), else, for mentions with a Wikipedia identity such as "Facebook
    founder Mark Zuckerberg", the proper-noun run inside it that shares most words with the identity.
    """
    if label == "PERSON":  # "U.S. President Donald Trump" -> "Donald Trump"
        titles = [i for i in range(start, end) if words[i].capitalize() in TITLES]
        start = titles[-1] + 1 if titles else start
    while start < end and pos[start] in {"DET", "PUNCT"}:
        start += 1
    runs, run_start = [], None
    for i in range(start, end + 1):
        inside = i < end and (
            pos[i] in _NAME_INNER_POS
            or (pos[i] == "ADP" and words[i].lower() in _NAME_INNER_ADP)
            or (pos[i] == "PUNCT" and words[i] in _NAME_INNER_PUNCT)
        ) and not (run_start is None and pos[i] != "PROPN")
        if inside and run_start is None:
            run_start = i
        if not inside and run_start is not None:
            last = max(j for j in range(run_start, i) if pos[j] == "PROPN")
            runs.append((run_start, last + 1))
            run_start = None
    whole = [r for r in runs if r[0] == start and _trim_end(pos, start, end) == r[1]]
    if whole:
        return whole[0]
    wanted = {w.lower() for w in identity.split("_") if w}
    scored = [(len(wanted & {w.lower() for w in words[s:e]}), s, e) for s, e in runs]
    best = max(scored, default=(0, 0, 0))
    if not best[0]:
        return None
    hits = [i for i in range(best[1], best[2]) if words[i].lower() in wanted]  # cut to the identity's words
    return hits[0], hits[-1] + 1


def _trim_end(pos: list[str], start: int, end: int) -> int:
    while end > start and pos[end - 1] in {"PUNCT", "PART"}:
        end -= 1
    return end


def _outermost(spans: list[Span3]) -> list[Span3]:
    """Flat NER can only find one of nested names: keep the outermost ones."""
    spans = sorted(set(spans), key=lambda s: (s[0], -s[1], s[2]))
    kept: list[Span3] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def gmb_test() -> list[dict]:
    """Held-out GMB sentences with GMB's labels mapped to classes (titles trimmed from per)."""
    docs = []
    for sent in gmb_sentences():
        if sent["split"] != "test":
            continue
        gold = []
        for start, end, kind in iob_spans(sent["tags"]):
            label = GMB_TYPES.get(kind)
            if label == "PERSON":
                while start < end and (sent["words"][start] in TITLES or sent["words"][start].islower()):
                    start += 1
            if label and start < end:
                gold.append((start, end, label))
        docs.append({"id": sent["id"], "words": sent["words"], "spaces": detok_spaces(sent["words"]), "gold": gold})
    return docs


def to_class(label: str, classes: set[str]) -> str | None:
    """Map a predicted OntoNotes label onto a gold set's classes."""
    label = PLACE.get(label, label) if "PLACE" in classes else label
    return label if label in classes else None


def prf(gold: Iterable[tuple], pred: Iterable[tuple]) -> dict[str, dict[str, float]]:
    """Exact-match precision/recall/F1 per label (last element of each tuple) and overall."""
    gold_c, pred_c = Counter(gold), Counter(pred)
    tp = gold_c & pred_c
    labels = sorted({g[-1] for g in gold_c} | {p[-1] for p in pred_c})
    out = {}
    for label in [*labels, "ALL"]:
        def count(c: Counter, label: str = label) -> int:
            return sum(n for k, n in c.items() if label in ("ALL", k[-1]))

        t, g, p = count(tp), count(gold_c), count(pred_c)
        prec, rec = (t / p if p else 0.0), (t / g if g else 0.0)
        out[label] = {
            "p": round(prec, 4), "r": round(rec, 4),
            "f": round(2 * prec * rec / (prec + rec) if prec + rec else 0.0, 4), "n_gold": g,
        }
    return out


def score_gold(docs: list[dict], predictions: list[list[Span3]]) -> dict[str, dict[str, float]]:
    """Score token-offset predictions against a gold set, in that set's classes."""
    classes = {g[2] for d in docs for g in d["gold"]}
    gold, pred = [], []
    for i, (doc, ents) in enumerate(zip(docs, predictions, strict=True)):
        gold.extend((i, s, e, label) for s, e, label in doc["gold"])
        for s, e, label in ents:
            cls = to_class(label, classes)
            if cls:
                pred.append((i, s, e, cls))
    return prf(gold, pred)


# The archive's types back to labels, to score what its facets show (`with_archive_rules`).
_LABEL_OF_FACET = {"people": "PERSON", "organizations": "ORG", "places": "GPE", "groups": "NORP", "events": "EVENT"}


def with_archive_rules(doc: dict, predicted: list[Span3]) -> list[Span3]:
    """A model's token spans over a gold document after the archive's own decoding and per-article
    typing (archive.ingest.enrich: spans, resolver, entities), back as token spans: what an article's
    facets would show, mention by mention. A span keeps the type its name ends up with, a surname the
    type of the full name it joins; a name enrichment drops (a generic word) is no span; places the
    gazetteer adds where the model marked nothing are spans too.
    """
    from archive.ingest.enrich.entities import clean_name, merge_entities
    from archive.ingest.enrich.resolve import assign_countries
    from archive.ingest.enrich.spans import decode_spans

    starts, ends, text = [], [], ""
    for word, space in zip(doc["words"], doc["spaces"], strict=True):
        starts.append(len(text))
        text += word
        ends.append(len(text))
        text += " " if space else ""
    spans = decode_spans(text, [(starts[s], ends[e - 1], label) for s, e, label in predicted])
    countries = assign_countries(headline="", body=text, entities=spans)
    ents = merge_entities(
        spans, text, place_names=countries.place_names, unmarked_places=countries.unmarked_places
    )
    kind_of = {name.lower(): kind for kind in _LABEL_OF_FACET for name in getattr(ents, kind)}
    people = [name for name in ents.people if " " in name]
    added = [(start, start + len(name), "GPE") for start, name, _ in countries.unmarked_places
             if text[start : start + len(name)] == name]
    out = []
    for start, end, label in [*spans, *added]:
        name = clean_name(text[start:end], label).lower()
        kind = kind_of.get(name)
        if kind is None and any(p.lower().split()[-1] == name or p.lower().split()[0] == name for p in people):
            kind = "people"
        if kind is None:
            continue
        first = next((i for i, e in enumerate(ends) if e > start), None)
        last = next((i for i in range(len(starts) - 1, -1, -1) if starts[i] < end), None)
        if first is not None and last is not None and first <= last:
            out.append((first, last + 1, label if _LABEL_OF_FACET[kind] == _class(label) else _LABEL_OF_FACET[kind]))
    return sorted(set(out))


def _class(label: str) -> str:
    """GPE, LOC and FAC are one facet (places): a LOC span that stays a place keeps its label."""
    return "GPE" if label in PLACE else label


def score_agreement(
    reference: list[list[Span3]], predictions: list[list[Span3]], labels: tuple[str, ...] = NAMED_LABELS
) -> dict[str, dict[str, float]]:
    """Student vs teacher on raw text (char offsets), named labels only (or only `labels`)."""
    gold = [(i, s, e, lab) for i, ents in enumerate(reference) for s, e, lab in ents if lab in labels]
    pred = [(i, s, e, lab) for i, ents in enumerate(predictions) for s, e, lab in ents if lab in labels]
    return prf(gold, pred)


def reuters_test_texts() -> list[str]:
    """Held-out Reuters bodies (5% of stories, by id)."""
    return [d["text"] for d in reuters_docs("test")]


# ---- student (spaCy 3) -------------------------------------------------------------------------

def student_predict_words(nlp, docs: list[dict]) -> list[list[Span3]]:
    """Student NER on gold tokenisation."""
    from spacy.tokens import Doc

    made = (Doc(nlp.vocab, words=d["words"], spaces=d["spaces"]) for d in docs)
    return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in nlp.pipe(made)]


def student_predict_texts(nlp, texts: list[str]) -> list[list[Span3]]:
    """Student NER on raw text (char offsets)."""
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]


def words_per_second(run: Callable[[], int]) -> float:
    """Words/s of one call of `run` (which returns the word count)."""
    start = time.perf_counter()
    words = run()
    return words / (time.perf_counter() - start)


# ---- teacher (spaCy 2, separate venv) ----------------------------------------------------------

def teacher_available() -> str | None:
    """None if the teacher can run here, else the reason it cannot."""
    if not TEACHER_PYTHON.exists():
        return f"teacher venv missing ({TEACHER_PYTHON}); run `bash training/train.sh` to create it"
    if not TEACHER_MODEL.exists():
        return f"teacher model missing ({TEACHER_MODEL})"
    return None


def _teacher(args: list[str], stdin: str) -> str:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    script = str(REPO / "training" / "teacher.py")
    result = subprocess.run(
        [str(TEACHER_PYTHON), script, *args], input=stdin, capture_output=True, text=True, env=env, check=True,
    )
    return result.stdout


def teacher_predict(items: list[dict]) -> list[list[Span3]]:
    """Teacher NER for {"words","spaces"} (token offsets) or {"text"} (char offsets) items."""
    payload = "".join(json.dumps(item) + "\n" for item in items)
    return [[tuple(e) for e in json.loads(line)["ents"]] for line in _teacher(["predict"], payload).splitlines()]


class TeacherSpeed:
    """A running teacher process that times NER-only passes over fixed texts on request."""

    def __init__(self, texts: list[str]) -> None:
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
        self.proc = subprocess.Popen(
            [str(TEACHER_PYTHON), str(REPO / "training" / "teacher.py"), "speed-server"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )
        self.proc.stdin.write(json.dumps(texts) + "\n")
        self.proc.stdin.flush()

    def __call__(self, n_process: int) -> float:
        self.proc.stdin.write(f"{n_process}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("teacher speed process ended early")
        result = json.loads(line)
        return result["words"] / result["seconds"]

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def speed_rounds(
    nlp, texts: list[str], rounds: int, teacher: bool, others: dict | None = None
) -> dict[str, dict[str, list[int]]]:
    """Words/s of N alternating rounds on the same texts: student 1 process, teacher 1 process,
    student 2 processes, teacher 2 processes, again and again (`others`: more spaCy 3 pipelines by
    name, e.g. the model a new one would replace, run after the student each time). On a shared
    machine a run is only ever slowed down by other work, so the best of the N runs is the figure
    to compare (the other runs are kept too).
    """
    students = {"student": nlp, **(others or {})}
    runs: dict[str, dict[str, list[int]]] = {name: {"1proc": [], "2proc": []} for name in students}
    server = TeacherSpeed(texts) if teacher else None
    if server:
        runs["teacher"] = {"1proc": [], "2proc": []}
    for pipeline in students.values():
        list(pipeline.pipe(texts[:200]))  # warm-up: vocab and caches
    try:
        for _ in range(rounds):
            for n_process in (1, 2):
                key = f"{n_process}proc"
                for name, pipeline in students.items():
                    runs[name][key].append(round(words_per_second(
                        lambda n=n_process, p=pipeline: sum(len(d) for d in p.pipe(texts, n_process=n))
                    )))
                if server:
                    runs["teacher"][key].append(round(server(n_process)))
    finally:
        if server:
            server.close()
    return runs


def python_version() -> str:
    return sys.version.split()[0]


def evaluate_all(
    model_path: Path,
    with_teacher: bool = True,
    with_speed: bool = True,
    speed_repeats: int = 2,
    rounds: int = 5,
    baseline: Path | None = None,
) -> dict:
    """Every figure the benchmark prints and meta.json stores, for the student and the teacher
    (and, given `baseline`, for that model too, under "baseline": the one the student would replace).

    Speed: `rounds` alternating student/teacher runs (see `speed_rounds`) over the held-out
    Reuters bodies repeated `speed_repeats` times; words_per_second_* are the best run of each.
    """
    import spacy

    nlp = spacy.load(model_path, exclude=["senter"])
    others = {"baseline": spacy.load(baseline, exclude=["senter"])} if baseline else {}
    texts = reuters_test_texts()
    speed_texts = texts * speed_repeats
    gum_all, gmb = gum_docs(), gmb_test()
    gum = [d for d in gum_all if d["split"] != "train"]
    gum_upper = [{**d, "words": [w.upper() for w in d["words"]]} for d in gum_all]  # all-caps copy, headline-style
    results: dict = {
        "speed_texts": {"docs": len(speed_texts), "words": sum(len(d) for d in nlp.tokenizer.pipe(speed_texts))},
    }
    for name, pipeline in {"student": nlp, **others}.items():
        predicted = student_predict_words(pipeline, gum_all)
        ruled = [with_archive_rules(d, p) for d, p in zip(gum_all, predicted, strict=True)]
        results[name] = {
            "gum": score_gold(gum, [p for d, p in zip(gum_all, predicted, strict=True) if d["split"] != "train"]),
            "gum_all": score_gold(gum_all, predicted),
            "gum_rules": score_gold(gum, [p for d, p in zip(gum_all, ruled, strict=True) if d["split"] != "train"]),
            "gum_all_rules": score_gold(gum_all, ruled),
            "gum_all_upper": score_gold(gum_upper, student_predict_words(pipeline, gum_upper)),
            "gmb_heldout": score_gold(gmb, student_predict_words(pipeline, gmb)),
        }
    reason = teacher_available() if with_teacher else "teacher not requested"
    if with_speed:
        runs = speed_rounds(nlp, speed_texts, rounds, teacher=not reason, others=others)
        results["speed_texts"]["rounds"] = rounds
        for who, by_key in runs.items():
            results.setdefault(who, {})
            for key, values in by_key.items():
                results[who][f"words_per_second_{key}"] = max(values)
                results[who][f"words_per_second_{key}_runs"] = values
    if reason:
        results["teacher_skipped"] = reason
        return results
    teacher_reuters = teacher_predict([{"text": t} for t in texts])
    for name, pipeline in {"student": nlp, **others}.items():
        predicted = student_predict_texts(pipeline, texts)
        results[name]["reuters_agreement"] = score_agreement(teacher_reuters, predicted)
        results[name]["reuters_agreement_student_labels"] = score_agreement(
            teacher_reuters, predicted, labels=tuple(pipeline.get_pipe("ner").labels)
        )
    teacher_gum = teacher_predict([{"words": d["words"], "spaces": d["spaces"]} for d in gum_all])
    results["teacher"] = {
        **results.get("teacher", {}),
        "gum": score_gold(gum, [p for d, p in zip(gum_all, teacher_gum, strict=True) if d["split"] != "train"]),
        "gum_all": score_gold(gum_all, teacher_gum),
        "gum_rules": score_gold(
            gum, [with_archive_rules(d, p) for d, p in zip(gum_all, teacher_gum, strict=True) if d["split"] != "train"]
        ),
        "gum_all_rules": score_gold(
            gum_all, [with_archive_rules(d, p) for d, p in zip(gum_all, teacher_gum, strict=True)]
        ),
        "gum_all_upper": score_gold(
            gum_upper, teacher_predict([{"words": d["words"], "spaces": d["spaces"]} for d in gum_upper])
        ),
        "gmb_heldout": score_gold(gmb, teacher_predict([{"words": d["words"], "spaces": d["spaces"]} for d in gmb])),
    }
    return results
