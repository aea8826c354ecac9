"""Make a trained pipeline faster to run without retraining it: fewer NER labels, no shared tok2vec.

Usage: python training/slim.py MODEL_DIR OUT_DIR [--keep PERSON,NORP,...]
(default --keep: training.corpora.STUDENT_LABELS, the labels the archive uses).

1. Labels. spaCy 3.8.8 and later check every transition of the NER (4 per label) at every token
through code that takes and releases Python's GIL several times per check (measured with
`perf`; 3.8.7 does not), so each label costs time on every token. Training on fewer labels
lost PERSON recall on GUM (see training/README.md); pruning the trained model does not retrain
anything: the B/I/L/U moves of the other labels and their output rows in the NER's
`precomputable_affine` layer are deleted, so the model scores the remaining moves exactly as
before and picks the best of them (where it would have opened a PRODUCT it now takes its next
best move).
2. Tok2vec. `ner` and `senter` get their own copies of the trained `tok2vec` component's model
in place of listeners, and the component goes. Same weights, same output; but NER-only runs
(`exclude=["senter"]`) no longer store a 64-float vector per token in `doc.tensor`, which
`nlp.pipe(n_process=2)` had to serialise and send back with every Doc (2/3 of the bytes).

Used by training/train.sh between `spacy train` and package.py.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import srsly

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import spacy
from spacy.ml.models.parser import _define_lower

from training.corpora import STUDENT_LABELS


def move_names(moves) -> list[str]:
    return [moves.get_class_name(i) for i in range(moves.n_moves)]


def prune(nlp: spacy.language.Language, keep: set[str]) -> list[str]:
    """Drop the ner's labels outside `keep` in place; returns the dropped labels."""
    ner = nlp.get_pipe("ner")
    model = ner.model
    if model.attrs["has_upper"]:
        raise SystemExit("only use_upper = false models are supported (the output rows are in the lower layer)")
    old_names = move_names(ner.moves)
    dropped = sorted(set(ner.labels) - keep)
    labels = {
        action: {label: freq for label, freq in counts.items() if label not in dropped}
        for action, counts in ner.moves.labels.items()
    }
    msg = srsly.msgpack_loads(ner.moves.to_bytes(exclude=["strings"]))
    msg["moves"] = srsly.json_dumps(labels)
    ner.moves.from_bytes(srsly.msgpack_dumps(msg), exclude=["strings"])
    rows = [old_names.index(name) for name in move_names(ner.moves)]

    lower = model.get_ref("lower")
    nF, nP, nI = lower.get_dim("nF"), lower.get_dim("nP"), lower.get_dim("nI")
    smaller = _define_lower(nO=len(rows), nF=nF, nI=nI, nP=nP)
    smaller.set_param("W", lower.get_param("W")[:, rows].copy())
    smaller.set_param("b", lower.get_param("b")[rows].copy())
    smaller.set_param("pad", lower.get_param("pad")[:, :, rows].copy())
    model._layers[1] = smaller
    model.set_ref("lower", smaller)
    model.attrs["unseen_classes"] = {rows.index(i) for i in model.attrs["unseen_classes"] if i in rows}
    return dropped


def inline_tok2vec(nlp: spacy.language.Language) -> None:
    """Replace the listeners of the shared tok2vec by copies of its model; remove the component."""
    tok2vec = nlp.get_pipe("tok2vec")
    config = copy.deepcopy(nlp.config.interpolate()["components"]["tok2vec"]["model"])
    for name in tok2vec.listening_components:
        pipe = nlp.get_pipe(name)
        own = tok2vec.model.copy()
        if name == "ner":  # TransitionModel: tok2vec = chain(listener, list2array, linear)
            chain = pipe.model.get_ref("tok2vec")
            chain._layers[0] = own
        else:  # Tagger.v2 (senter): chain(listener, softmax)
            pipe.model._layers[0] = own
            pipe.model.set_ref("tok2vec", own)
        nlp._pipe_configs[name]["model"]["tok2vec"] = copy.deepcopy(config)
    nlp.remove_pipe("tok2vec")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--keep", default=",".join(STUDENT_LABELS))
    args = parser.parse_args()

    nlp = spacy.load(args.model)
    before = nlp.get_pipe("ner").moves.n_moves
    dropped = prune(nlp, set(args.keep.split(",")))
    if "tok2vec" in nlp.pipe_names:
        inline_tok2vec(nlp)
    nlp.to_disk(args.out)
    check = spacy.load(args.out)
    ner = check.get_pipe("ner")
    print(f"dropped {', '.join(dropped) or 'nothing'}: {before} -> {ner.moves.n_moves} moves; "
          f"labels {', '.join(ner.labels)}; pipeline {check.pipe_names} -> {args.out}")


if __name__ == "__main__":
    main()
