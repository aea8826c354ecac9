"""Benchmark the shipped NER model (archive/ner_model) against its spaCy-2 teacher.

Run: /work/main/.venv/bin/python bench/bench_ner.py [--model PATH] [--rounds N] [--no-teacher] [--json OUT]
Prints words/s (NER only, 1 and 2 processes, held-out Reuters bodies; N rounds that alternate
student and teacher runs on the same texts, best run of each), F1 per label on GUM news gold
and on held-out GMB, and the student's agreement with the teacher on held-out Reuters.
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


def table(title: str, student: dict, teacher: dict | None) -> None:
    """Per-label P/R/F for the student next to the teacher's."""
    print(f"\n{title}")
    print(f"  {'label':<10} {'n_gold':>6}  {'student P/R/F':>20}  {'teacher P/R/F':>20}")
    for label, s in student.items():
        t = teacher.get(label) if teacher else None
        t_text = f"{t['p']:.3f}/{t['r']:.3f}/{t['f']:.3f}" if t else "-"
        print(f"  {label:<10} {s['n_gold']:>6}  {s['p']:.3f}/{s['r']:.3f}/{s['f']:.3f}  {t_text:>20}")


def best_median(figures: dict, key: str) -> str:
    runs = sorted(figures[f"words_per_second_{key}_runs"])
    return f"{figures[f'words_per_second_{key}']:>7,} ({runs[len(runs) // 2]:>7,})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "archive" / "ner_model")
    parser.add_argument("--no-teacher", action="store_true")
    parser.add_argument("--no-speed", action="store_true", help="accuracy only (quicker)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating student/teacher speed rounds (default 5)")
    parser.add_argument("--json", type=Path, help="also write all figures to this file")
    args = parser.parse_args()

    results = evaluate_all(
        args.model, with_teacher=not args.no_teacher, with_speed=not args.no_speed, rounds=args.rounds
    )
    student, teacher = results["student"], results.get("teacher")
    if "teacher_skipped" in results:
        print(f"Teacher columns skipped: {results['teacher_skipped']}")
    if not args.no_speed:
        words = results["speed_texts"]
        print(
            f"Speed, NER only, held-out Reuters bodies x2 ({words['docs']} docs, {words['words']} words), words/s,\n"
            f"best of {words['rounds']} rounds alternating student and teacher on the same texts (median in brackets):"
        )
        for key, name in (("1proc", "1 process"), ("2proc", "2 processes")):
            line = f"  {name:<12} student {best_median(student, key)}"
            if teacher:
                ratio = student[f"words_per_second_{key}"] / teacher[f"words_per_second_{key}"]
                line += f"   teacher {best_median(teacher, key)}   student/teacher {ratio:.2f}x"
            print(line)
    table(
        "GUM news gold (never trained on), classes PERSON/ORG/PLACE(GPE+LOC+FAC)/EVENT:",
        student["gum"],
        teacher and teacher["gum"],
    )
    table(
        "Held-out GMB sentences (last 10%), GMB labels mapped:",
        student["gmb_heldout"],
        teacher and teacher["gmb_heldout"],
    )
    if "reuters_agreement" in student:
        table(
            "Agreement with the teacher on held-out Reuters (teacher = reference), all named types:",
            student["reuters_agreement"],
            None,
        )
        table("The same, only the labels the student has:", student["reuters_agreement_student_labels"], None)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
