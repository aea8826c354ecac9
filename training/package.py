"""Copy a trained pipeline to archive/ner_model and record its measured figures in meta.json.

Usage: python training/package.py MODEL_DIR [--out archive/ner_model]
The figures come from training/evaluation.py (the same code bench/bench_ner.py prints).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from training.evaluation import evaluate_all

SOURCES = [
    {"name": "Reuters-21578, Distribution 1.0 (bodies, teacher-annotated)", "license": "research use only",
     "url": "http://www.daviddlewis.com/resources/testcollections/reuters21578/"},
    {"name": "Groningen Meaning Bank NER sentences (gmb-ner, first 88%)",
     "license": "public-domain texts (VOA); annotations partly machine-made (Kaggle copy listed as ODbL)"},
    {"name": "Zyte article-extraction-benchmark article bodies (teacher-annotated)", "license": "MIT"},
    {"name": "Teacher: spaCy en_core_web_sm 2.2.5 (spaCy 2.3.9)", "license": "MIT"},
    {"name": "mledoze/countries (gazetteer corrections)", "license": "ODbL 1.0"},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "archive" / "ner_model")
    args = parser.parse_args()

    if args.out.exists():
        shutil.rmtree(args.out)
    shutil.copytree(args.model, args.out)
    figures = evaluate_all(args.out)
    meta_path = args.out / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta.update({
        "name": "news_ner",
        "version": "1.0.0",
        "description": (
            "English news NER (tok2vec + ner + senter) distilled from spaCy 2 en_core_web_sm 2.2.5 "
            "on Reuters-21578, GMB and extraction-benchmark text; named types only. "
            "Load with exclude=['senter'] for NER-only speed. Built by training/train.sh."
        ),
        "license": "research use only (trained on Reuters-21578)",
        # Only spaCy 3.8 architectures: any 3.8.x loads it (3.8.7 ran it ~2.5x faster than 3.8.8+, training/README.md).
        "spacy_version": ">=3.8.0,<3.9.0",
        "sources": SOURCES,
        "performance": {
            "note": "exact-span P/R/F; see training/README.md for test-set definitions",
            **{k: v for k, v in figures.items() if k != "speed_texts"},
            "speed_texts": figures["speed_texts"],
        },
    })
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta["performance"], indent=1))


if __name__ == "__main__":
    main()
