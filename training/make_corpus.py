"""Turn the teacher's JSONL annotations (+ GMB gold) into spaCy 3 DocBins for training.

Usage: python training/make_corpus.py TEACHER_DIR OUT_DIR --gmb {merged,hybrid,teacher} [--no-gazetteer]
       [--labels {archive,named}] [--gum N] [--org-cleaning]

Silver data = teacher entities, restricted to named types, cleaned of obvious junk and
(with the gazetteer) corrected for country names and demonyms. GMB either keeps only the
teacher's labels ("teacher") or uses the GMB gold spans, typed and trimmed with the
teacher's help ("merged"; "hybrid" = merged but ORG from the teacher). --labels named (the
default, shipped) keeps all named types; --labels archive keeps only the archive's seven
(training.corpora.STUDENT_LABELS): the teacher's other named types are used for cleaning, then
become "no entity" (an experiment: it cost PERSON recall on GUM, see training/README.md).

Cleaner ORG data (`--org-cleaning`, an experiment, not the shipped recipe): Reuters-21578 marks
company names in angle brackets (`<Fibre Co>`), so those are ORG whatever the teacher said, and a
ticker after a name (`Boeing Co <BA>`) is no entity; teacher spans never keep a bracket or `<`/`>`
at an edge or run across one, and a lone generic word ("Bank", "Energy") is no name. `--gum N`
adds GUM's 20 train-split news articles N times with their gold PERSON/ORG/place/EVENT mentions
(the teacher's other named types fill the gaps, its PERSON/ORG/place/EVENT spans outside the gold
are left unannotated). Nothing from GUM's dev and
test documents or from the held-out GMB / Reuters splits goes into train.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, DocBin, Span
from spacy.util import filter_spans

from archive.ingest.enrich.entities import GENERIC_WORDS
from training.corpora import LABEL_SETS, NAMED_LABELS, iob_spans
from training.gazetteer import load_gazetteer

MARKUP = {"<", ">"}
BRACKETS = {"(", ")", "[", "]", "{", "}"} | MARKUP

TITLES = {
    "President", "Mr.", "Mrs.", "Ms.", "Dr.", "Prime", "Minister", "Secretary", "General", "Gen.",
    "Vice", "Chancellor", "King", "Queen", "Prince", "Princess", "Pope", "Senator", "Sen.", "Rep.",
    "Governor", "Gov.", "Premier", "Foreign", "Defense", "Defence", "Chairman", "Leader", "Chief",
    "Judge", "Justice", "Ambassador", "Mayor", "Colonel", "Col.", "Lieutenant", "Lt.", "Sergeant",
    "Sgt.", "Captain", "Capt.", "Admiral", "Adm.", "Major", "Maj.", "Commander", "Sheikh", "Ayatollah",
    "Cardinal", "Archbishop", "Bishop", "Reverend", "Rev.", "Saint", "Sir", "Lord", "Lady", "Emperor",
    "Sultan", "Emir", "Crown", "Interior", "State", "Finance", "Energy", "Agriculture", "Trade",
    "Former", "former", "Deputy", "Acting", "Opposition", "Egyptian", "Presidents", "Senators",
}
GMB_DEFAULT = {"per": "PERSON", "org": "ORG", "geo": "GPE", "gpe": "NORP", "eve": "EVENT"}
# Which teacher types may override GMB's type on the same span (GMB types are coarse).
GMB_COMPATIBLE = {
    "per": {"PERSON"},
    "org": {"ORG", "GPE", "NORP", "FAC"},
    "geo": {"GPE", "LOC", "FAC"},
    "gpe": {"NORP", "GPE"},
    "eve": {"EVENT"},
    "art": {"PRODUCT", "WORK_OF_ART", "LAW", "FAC", "EVENT"},
    "nat": {"EVENT"},
}


class Cleaner:
    """Filters teacher spans and applies the gazetteer corrections (GPE / NORP)."""

    def __init__(
        self,
        nlp: spacy.language.Language,
        use_gazetteer: bool,
        labels: tuple[str, ...] = NAMED_LABELS,
        org_cleaning: bool = False,
    ) -> None:
        self.use_gazetteer = use_gazetteer
        self.org_cleaning = org_cleaning  # --org-cleaning: markup, brackets and generic words (see the docstring)
        self.labels = set(labels)
        self.places, self.demonyms = load_gazetteer()
        self.matcher = PhraseMatcher(nlp.vocab)
        self.matcher.add("GPE", list(nlp.tokenizer.pipe(sorted(self.places))))
        self.matcher.add("NORP", list(nlp.tokenizer.pipe(sorted(self.demonyms))))
        self.stats: Counter[str] = Counter()

    def clean(self, spans: Iterable[Span]) -> list[Span]:
        """Drop non-named types and junk; trim punctuation at the edges."""
        kept = []
        for span in spans:
            if span.label_ not in NAMED_LABELS:
                continue
            start, end = span.start, span.end
            doc = span.doc
            # A name never runs across markup or a bracket it does not close ("Boeing Co <BA", "Debt(Dec").
            inner = range(start + 1, end - 1) if self.org_cleaning else range(0)
            unmatched = [i for i in inner if doc[i].text in BRACKETS and not _matched(doc, i, start, end)]
            if unmatched and doc[unmatched[0]].text not in MARKUP:
                self.stats["dropped_unmatched_bracket"] += 1  # "International Monetary) Fund": not trained on
                continue
            if unmatched:
                end = unmatched[0]
                self.stats["cut_at_markup"] += 1
            # Names only: no leading "the", no punctuation or possessive at the edges
            # (but keep the "'s" of two-token ORG names such as "Moody's").
            edges = BRACKETS if self.org_cleaning else set()
            while start < end and (
                doc[start].is_punct or doc[start].is_space or doc[start].lower_ == "the" or doc[start].text in edges
            ):
                start += 1
            while end > start and (
                doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].text in edges
                or (doc[end - 1].lower_ in {"'s", "’s"} and not (span.label_ == "ORG" and end - start == 2))
            ):
                end -= 1
            text = doc[start:end].text
            if start == end or not any(c.isalpha() for c in text) or "\n" in text:
                self.stats["dropped_junk"] += 1
                continue
            generic = end - start == 1 and text.lower() in GENERIC_WORDS
            if self.org_cleaning and generic and span.label_ in {"ORG", "PERSON"}:
                self.stats["dropped_generic_word"] += 1
                continue
            if span.label_ == "PERSON" and all(t.is_lower or t.like_num for t in doc[start:end]):
                self.stats["dropped_lower_person"] += 1
                continue
            kept.append(Span(doc, start, end, span.label_))
        return kept

    def correct_doc(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """Relabel exact gazetteer matches; add unlabelled unambiguous ones; keep the student's labels.

        All named types take part in the corrections (a LANGUAGE "English" blocks adding a NORP),
        then spans outside the student's label set are dropped (trained as "no entity").
        """
        return [s for s in self._gazetteer(doc, spans) if s.label_ in self.labels]

    def _gazetteer(self, doc: Doc, spans: list[Span]) -> list[Span]:
        if not self.use_gazetteer:
            return spans
        by_offsets = {(s.start, s.end): s for s in spans}
        covered = {i for s in spans for i in range(s.start, s.end)}
        result = dict(by_offsets)
        for match_id, start, end in self.matcher(doc):
            label = doc.vocab.strings[match_id]
            existing = by_offsets.get((start, end))
            if existing is not None:
                if existing.label_ != label and existing.label_ not in {"LANGUAGE", "WORK_OF_ART", "PRODUCT"}:
                    self.stats[f"relabel_{existing.label_}_to_{label}"] += 1
                    result[(start, end)] = Span(doc, start, end, label)
            elif not covered.intersection(range(start, end)) and not self._in_caps_context(doc, start):
                self.stats[f"added_{label}"] += 1
                result[(start, end)] = Span(doc, start, end, label)
        return filter_spans(result.values())

    @staticmethod
    def _in_caps_context(doc: Doc, start: int) -> bool:
        """Sentence-initial words in title-case headlines are unreliable for insertion."""
        window = [t for t in doc[max(0, start - 3) : start + 4] if t.is_alpha]
        return sum(t.is_title or t.is_upper for t in window) > 5


def _matched(doc: Doc, i: int, start: int, end: int) -> bool:
    """Whether the bracket at token i has its partner inside [start, end) ("Industrial Equity (Pacific) Ltd")."""
    pairs = {"(": ")", "[": "]", "{": "}", "<": ">"}
    text = doc[i].text
    if text in pairs:
        return any(doc[j].text == pairs[text] for j in range(i + 1, end))
    opener = next((o for o, c in pairs.items() if c == text), None)
    return any(doc[j].text == opener for j in range(start, i))


def markup_orgs(doc: Doc, spans: list[Span]) -> list[Span]:
    """Reuters' `<Company Name>` markup as ORG spans; a `<TICKER>` (no lower-case letter) as no entity."""
    marked: list[Span] = []
    blocked: set[int] = set()
    for i, token in enumerate(doc):
        if token.text != "<":
            continue
        ends = (j for j in range(i + 1, min(len(doc), i + 16)) if doc[j].text in MARKUP or "\n" in doc[j].text)
        close = next(ends, None)
        if close is None or doc[close].text != ">" or close == i + 1:
            continue
        inner = doc[i + 1 : close]
        if inner.text[:1].isupper() and any(c.islower() for c in inner.text):
            marked.append(Span(doc, i + 1, close, "ORG"))
        else:
            blocked.update(range(i + 1, close))
    covered = {k for s in marked for k in range(s.start, s.end)} | blocked
    return marked + [s for s in spans if not covered.intersection(range(s.start, s.end))]


def caps_lines(doc: Doc) -> list[Span]:
    """Lines that are mostly upper-case (tables, headlines): the teacher is unreliable there."""
    spans, start = [], 0
    for i, token in enumerate([*doc, None]):
        if token is None or "\n" in token.text or "\n" in token.whitespace_:
            end = i if token is None or "\n" in token.text else i + 1
            letters = "".join(c for c in doc[start:end].text if c.isalpha())
            if len(letters) >= 12 and sum(c.isupper() for c in letters) > 0.6 * len(letters):
                spans.append(doc[start:end])
            start = i + 1
    return spans


def silver_docs(nlp: spacy.language.Language, path: Path, split: str, cleaner: Cleaner) -> Iterator[Doc]:
    """Teacher-annotated raw texts -> Docs with entities and sentence starts."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            if item["split"] != split:
                continue
            doc = nlp.make_doc(item["text"])
            starts = set(item["sents"])
            for token in doc:
                token.is_sent_start = token.i == 0 or token.idx in starts
            spans = [doc.char_span(s, e, label) for s, e, label in item["ents"]]
            spans = cleaner.clean(s for s in spans if s is not None)
            if cleaner.org_cleaning and "<" in item["text"]:
                spans = markup_orgs(doc, spans)
            spans = cleaner.correct_doc(doc, spans)
            missing = caps_lines(doc)
            blocked = {i for m in missing for i in range(m.start, m.end)}
            spans = [s for s in spans if not blocked.intersection(range(s.start, s.end))]
            doc.set_ents(spans, missing=missing, default="outside")
            yield doc


def merge_gmb(doc: Doc, gold: list[tuple[int, int, str]], teacher: list[Span], mode: str) -> list[Span]:
    """GMB gold boundaries, typed with the teacher's help; teacher-only types fill the gaps.

    mode "hybrid" takes ORG from the teacher instead of GMB (GMB's org spans are the noisiest).
    """
    teacher_by_offsets = {(s.start, s.end): s.label_ for s in teacher}
    skip = {"tim", "org"} if mode == "hybrid" else {"tim"}
    fill = {"FAC", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE", "EVENT"} | ({"ORG"} if mode == "hybrid" else set())
    spans: list[Span] = []
    for start, end, kind in gold:
        if kind in skip:
            continue
        if kind == "per":
            inner = [s for s in teacher if s.label_ == "PERSON" and start <= s.start and s.end <= end]
            if inner:
                spans.extend(Span(doc, s.start, s.end, "PERSON") for s in inner)
                continue
            while start < end and (doc[start].text in TITLES or doc[start].is_lower):
                start += 1
            if start == end:
                continue
        label = teacher_by_offsets.get((start, end))
        if label not in GMB_COMPATIBLE.get(kind, set()):
            label = GMB_DEFAULT.get(kind)
        if label:
            spans.append(Span(doc, start, end, label))
    covered = {i for s in spans for i in range(s.start, s.end)}
    spans.extend(s for s in teacher if s.label_ in fill and not covered.intersection(range(s.start, s.end)))
    return filter_spans(spans)


def gmb_docs(nlp: spacy.language.Language, path: Path, split: str, mode: str, cleaner: Cleaner) -> Iterator[Doc]:
    """GMB sentences grouped 8 at a time into pseudo-documents (so senter sees boundaries)."""
    with path.open(encoding="utf-8") as handle:
        items = [item for item in map(json.loads, handle) if item["split"] == split]
    for i in range(0, len(items), 8):
        group = items[i : i + 8]
        words = [w for it in group for w in it["words"]]
        spaces = [sp for it in group for sp in [*it["spaces"][:-1], True]]
        sent_starts = [j == 0 for it in group for j in range(len(it["words"]))]
        doc = Doc(nlp.vocab, words=words, spaces=spaces, sent_starts=sent_starts)
        spans, offset = [], 0
        for it in group:
            teacher = cleaner.clean(Span(doc, offset + s, offset + e, label) for s, e, label in it["teacher"])
            if mode in {"merged", "hybrid"}:
                gold = [(offset + s, offset + e, k) for s, e, k in iob_spans(it["tags"])]
                spans.extend(merge_gmb(doc, gold, teacher, mode))
            else:
                spans.extend(teacher)
            offset += len(it["words"])
        doc.set_ents(cleaner.correct_doc(doc, filter_spans(spans)), default="outside")
        yield doc


def gum_train_docs(nlp: spacy.language.Language, cleaner: Cleaner) -> list[Doc]:
    """GUM's train-split news articles: gold names, typed places, the teacher's other named types."""
    from training.evaluation import gum_docs, teacher_predict

    docs = gum_docs("train")
    teacher = teacher_predict([{"words": d["words"], "spaces": d["spaces"]} for d in docs])
    out = []
    for item, predicted in zip(docs, teacher, strict=True):
        doc = Doc(nlp.vocab, words=item["words"], spaces=item["spaces"])
        teacher_spans = cleaner.clean(Span(doc, s, e, label) for s, e, label in predicted)
        teacher_label = {(s.start, s.end): s.label_ for s in teacher_spans}
        gold = []
        for start, end, cls in item["gold"]:
            label = cls
            if cls == "PLACE":
                label = teacher_label.get((start, end), "")
                if label not in {"GPE", "LOC", "FAC"}:
                    label = "GPE" if doc[start:end].text in cleaner.places else "LOC"
            gold.append(Span(doc, start, end, label))
        covered = {i for s in gold for i in range(s.start, s.end)}
        gold_types = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT"}
        fill = [s for s in teacher_spans if not covered.intersection(range(s.start, s.end))]
        spans = gold + [s for s in fill if s.label_ not in gold_types]
        missing = [s for s in fill if s.label_ in gold_types]
        doc.set_ents([s for s in filter_spans(spans) if s.label_ in cleaner.labels], missing=missing, default="outside")
        out.append(doc)
    cleaner.stats["gum_train_docs"] = len(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("teacher_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--gmb", choices=["merged", "hybrid", "teacher"], default="merged")
    parser.add_argument("--no-gazetteer", action="store_true")
    parser.add_argument("--labels", choices=sorted(LABEL_SETS), default="named",
                        help="named: all 11 named types (shipped); archive: only the 7 labels the archive uses")
    parser.add_argument("--dev-reuters", type=int, default=300, help="Reuters dev docs used for model selection")
    parser.add_argument("--gum", type=int, default=0, help="copies of GUM's train-split news articles (gold) in train")
    parser.add_argument("--org-cleaning", action="store_true",
                        help="Reuters markup as ORG, no spans across brackets, no lone generic words (an experiment)")
    args = parser.parse_args()

    nlp = spacy.blank("en")
    cleaner = Cleaner(
        nlp, use_gazetteer=not args.no_gazetteer, labels=LABEL_SETS[args.labels], org_cleaning=args.org_cleaning
    )
    args.out_dir.mkdir(parents=True, exist_ok=True)
    train = [
        *silver_docs(nlp, args.teacher_dir / "reuters.jsonl", "train", cleaner),
        *silver_docs(nlp, args.teacher_dir / "extraction.jsonl", "train", cleaner),
        *gmb_docs(nlp, args.teacher_dir / "gmb.jsonl", "train", args.gmb, cleaner),
        *(gum_train_docs(nlp, cleaner) * args.gum if args.gum else []),
    ]
    random.Random(0).shuffle(train)
    # Dev: GMB dev slice (merged labels, the closest thing to gold) + some Reuters dev (silver).
    dev = [
        *gmb_docs(nlp, args.teacher_dir / "gmb.jsonl", "dev", "merged", cleaner),
        *list(silver_docs(nlp, args.teacher_dir / "reuters.jsonl", "dev", cleaner))[: args.dev_reuters],
    ]
    DocBin(docs=train, store_user_data=False).to_disk(args.out_dir / "train.spacy")
    DocBin(docs=dev, store_user_data=False).to_disk(args.out_dir / "dev.spacy")
    labels = Counter(e.label_ for d in train for e in d.ents)
    summary = {
        "train_docs": len(train),
        "train_words": sum(len(d) for d in train),
        "dev_docs": len(dev),
        "labels": dict(labels.most_common()),
        "corrections": dict(cleaner.stats.most_common()),
    }
    (args.out_dir / "summary.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
