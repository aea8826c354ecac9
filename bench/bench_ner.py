"""Benchmark the shipped NER model (archive/ner_model) against its spaCy-2 teacher.

Run: /work/main/.venv/bin/python bench/bench_ner.py [--model PATH] [--baseline PATH] [--rounds N] [--no-teacher]
     [--no-speed] [--json OUT]
Prints words/s (NER only, 1 and 2 processes, held-out Reuters bodies; N rounds that alternate
student, baseline and teacher runs on the same texts, best run of each), F1 per label on GUM news
gold (its held-out dev and test articles, and all 24) and on held-out GMB, and the agreement with
the teacher on held-out Reuters. `--baseline` names the model a new one would replace (e.g. the
shipped one, `git archive` of an older commit) and prints it beside the new one.
Teacher columns need build/teacher-venv (made by training/train.sh) and ../shared/models;
without them they are skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")  # fair per-process numbers: one thread each
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from training.evaluation import evaluate_all  # noqa: E402


def table(title: str, columns: dict[str, dict | None]) -> None:
    """Per-label P/R/F, one column per model (student, baseline, teacher)."""
    shown = {name: figures for name, figures in columns.items() if figures}
    first = next(iter(shown.values()))
    print(f"\n{title}")
    print(f"  {'label':<10} {'n_gold':>6}" + "".join(f"  {name + ' P/R/F':>20}" for name in shown))
    for label, s in first.items():
        cells = []
        for figures in shown.values():
            t = figures.get(label)
            cells.append(f"{t['p']:.3f}/{t['r']:.3f}/{t['f']:.3f}" if t else "-")
        print(f"  {label:<10} {s['n_gold']:>6}" + "".join(f"  {cell:>20}" for cell in cells))


def best_median(figures: dict, key: str) -> str:
    runs = sorted(figures[f"words_per_second_{key}_runs"])
    return f"{figures[f'words_per_second_{key}']:>7,} ({runs[len(runs) // 2]:>7,})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "archive" / "ner_model")
    parser.add_argument("--baseline", type=Path, help="the model this one would replace, printed beside it")
    parser.add_argument("--no-teacher", action="store_true")
    parser.add_argument("--no-speed", action="store_true", help="accuracy only (quicker)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating student/teacher speed rounds (default 5)")
    parser.add_argument("--json", type=Path, help="also write all figures to this file")
    args = parser.parse_args()

    results = evaluate_all(
        args.model,
        with_teacher=not args.no_teacher,
        with_speed=not args.no_speed,
        rounds=args.rounds,
        baseline=args.baseline,
    )
    models = ("student", "baseline", "teacher")
    if "teacher_skipped" in results:
        print(f"Teacher columns skipped: {results['teacher_skipped']}")
    if not args.no_speed:
        words = results["speed_texts"]
        print(
            f"Speed, NER only, held-out Reuters bodies x2 ({words['docs']} docs, {words['words']} words), words/s,\n"
            f"best of {words['rounds']} rounds alternating the models on the same texts (median in brackets):"
        )
        for key, name in (("1proc", "1 process"), ("2proc", "2 processes")):
            line = f"  {name:<12}"
            for who in models:
                if f"words_per_second_{key}" in results.get(who, {}):
                    line += f"   {who} {best_median(results[who], key)}"
            if "teacher" in results and "words_per_second_1proc" in results["teacher"]:
                ratio = results["student"][f"words_per_second_{key}"] / results["teacher"][f"words_per_second_{key}"]
                line += f"   student/teacher {ratio:.2f}x"
            print(line)
    for key, title in (
        ("gum", "GUM news gold, held-out articles (GUM's dev and test split, never trained on):"),
        ("gum_all", "GUM news gold, all 24 articles (a model built with GUM>0 trained on the 20 train ones):"),
        ("gum_rules", "The held-out articles after the archive's span decoding and per-article typing (facets):"),
        ("gum_all_rules", "All 24 after the archive's span decoding and per-article typing (what the facets show):"),
        ("gum_all_upper", "The same 24 articles in capitals (as headlines and some wire copy are):"),
        ("gmb_heldout", "Held-out GMB sentences (last 10%), GMB labels mapped:"),
    ):
        table(title, {who: results.get(who, {}).get(key) for who in models})
    for key, title in (
        ("reuters_agreement", "Agreement with the teacher on held-out Reuters (teacher = reference), all named types:"),
        ("reuters_agreement_student_labels", "The same, only the labels the student has:"),
    ):
        if key in results["student"]:
            table(title, {who: results.get(who, {}).get(key) for who in models[:2]})
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
