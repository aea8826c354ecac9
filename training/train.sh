#!/usr/bin/env bash
# Build archive/ner_model from scratch: teacher venv -> teacher annotations -> corpus -> train -> prune labels
# -> package.
# Usage: bash training/train.sh            (the shipped recipe; `make model` calls exactly this)
# Steps whose output already exists in build/ are skipped; delete build/<step> to redo one.
# Experiments: VARIANT, LABELS, MAX_STEPS, GUM, UPPER, ORG_CLEAN (below); NO_PACKAGE=1 stops before archive/ner_model.
# Single-threaded and seeded (config.cfg [system] seed = 0), so reruns give the same model.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
BUILD="$ROOT/build"
TEACHER_VENV="$BUILD/teacher-venv"
VARIANT="${VARIANT:-teacher}"         # GMB labels: teacher (shipped; best on GUM), merged or hybrid (see README)
LABELS="${LABELS:-named}"             # trained labels: named (all 11 named types; shipped) or archive (only the 7 kept)
MAX_STEPS="${MAX_STEPS:-6000}"
GUM="${GUM:-0}"                       # copies of GUM's train-split news articles (gold) in train; 0: none
UPPER="${UPPER:-0.0}"                 # share of training documents upper-cased (all-caps headlines and copy)
ORG_CLEAN="${ORG_CLEAN:-0}"           # 1: make_corpus.py --org-cleaning (Reuters markup as ORG, ...; an experiment)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0

[ -d ../shared/models/en_core_web_sm-2.2.5 ] || { echo "needs ../shared/models/en_core_web_sm-2.2.5" >&2; exit 1; }
mkdir -p "$BUILD"

if [ ! -x "$TEACHER_VENV/bin/python" ] || ! "$TEACHER_VENV/bin/python" -c "import spacy" 2>/dev/null; then
  echo "== teacher venv (spaCy 2.3.9)"
  python3.11 -m venv "$TEACHER_VENV" 2>/dev/null || python3 -m venv "$TEACHER_VENV"
  "$TEACHER_VENV/bin/pip" install -q "spacy==2.3.9" "numpy<2"
fi

if [ ! -s "$BUILD/teacher/reuters.jsonl" ]; then
  echo "== teacher annotations -> build/teacher"
  "$TEACHER_VENV/bin/python" training/teacher.py annotate "$BUILD/teacher.tmp"
  rm -rf "$BUILD/teacher" && mv "$BUILD/teacher.tmp" "$BUILD/teacher"
fi

CORPUS="$BUILD/corpus/$VARIANT$([ "$LABELS" = named ] || echo "-$LABELS")$([ "$GUM" = 0 ] || echo "-gum$GUM")$([ "$ORG_CLEAN" = 0 ] || echo "-orgclean")"
if [ ! -s "$CORPUS/train.spacy" ]; then
  echo "== corpus ($VARIANT, $LABELS labels) -> $CORPUS"
  "$PY" training/make_corpus.py "$BUILD/teacher" "$CORPUS" --gmb "$VARIANT" --labels "$LABELS" --gum "$GUM" \
    $([ "$ORG_CLEAN" = 0 ] || echo --org-cleaning)
fi

# The run directory names the config's hash too: a changed config.cfg trains again.
CONFIG_HASH="$(sha1sum training/config.cfg | cut -c1-8)"
RUN="$BUILD/runs/$(basename "$CORPUS")-$LABELS-$MAX_STEPS-upper$UPPER-$CONFIG_HASH"
if [ ! -d "$RUN/model-best" ]; then
  echo "== train -> $RUN (log: $RUN.log)"
  mkdir -p "$BUILD/runs"
  "$PY" -m spacy train training/config.cfg --output "$RUN" \
    --paths.train "$CORPUS/train.spacy" --paths.dev "$CORPUS/dev.spacy" \
    --training.max_steps "$MAX_STEPS" --corpora.train.augmenter.upper_level "$UPPER" \
    --code training/augment.py > "$RUN.log" 2>&1
fi

# Same weights, run faster: keep only the labels the archive uses (PERSON NORP FAC ORG GPE LOC EVENT)
# and give ner and senter their own copy of the tok2vec (see training/slim.py, training/README.md).
echo "== slim -> $RUN/model-slim"
rm -rf "$RUN/model-slim"
"$PY" training/slim.py "$RUN/model-best" "$RUN/model-slim"

[ -z "${NO_PACKAGE:-}" ] || { echo "NO_PACKAGE set: $RUN/model-slim is built, archive/ner_model unchanged"; exit 0; }
echo "== package -> archive/ner_model (evaluation figures into meta.json)"
"$PY" training/package.py "$RUN/model-slim"
du -sh archive/ner_model
