"""Benchmark the shipped NER model (archive/ner_model) against its spaCy-2 teacher.

Run: /work/main/.venv/bin/python bench/bench_ner.py [--model PATH] [--no-teacher] [--json OUT]
Prints words/s (NER only, 1 and 2 processes, held-out Reuters bodies), F1 per label on
GUM news gold and on held-out GMB, and the student's agreement with the teacher on
held-out Reuters. Teacher columns need build/teacher-venv (made by training/train.sh)
and ../shared/models; without them they are skipped with a message.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "archive" / "ner_model")
    parser.add_argument("--no-teacher", action="store_true")
    parser.add_argument("--no-speed", action="store_true", help="accuracy only (quicker)")
    parser.add_argument("--json", type=Path, help="also write all figures to this file")
    args = parser.parse_args()

    results = evaluate_all(args.model, with_teacher=not args.no_teacher, with_speed=not args.no_speed)
    student, teacher = results["student"], results.get("teacher")
    if "teacher_skipped" in results:
        print(f"Teacher columns skipped: {results['teacher_skipped']}")
    if not args.no_speed:
        words = results["speed_texts"]
        print(f"Speed, NER only, held-out Reuters bodies x3 ({words['docs']} docs, {words['words']} words), words/s:")
        for key, name in (("words_per_second_1proc", "1 process"), ("words_per_second_2proc", "2 processes")):
            print(f"  {name:<12} student {student[key]:>8}   teacher {teacher[key] if teacher else '-':>8}")
    table("GUM news gold (never trained on), classes PERSON/ORG/PLACE(GPE+LOC+FAC)/EVENT:",
          student["gum"], teacher and teacher["gum"])
    table("Held-out GMB sentences (last 10%), GMB labels mapped:", student["gmb_heldout"],
          teacher and teacher["gmb_heldout"])
    if "reuters_agreement" in student:
        table("Agreement with the teacher on held-out Reuters (teacher = reference):",
              student["reuters_agreement"], None)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
