# Two commands do all the set-up: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
INDEX ?= index
CHROMIUM ?= /usr/bin/chromium
TESSERACT ?= /usr/bin/tesseract
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install index serve lint bench bench-scale model topics-model clean

# A .venv made by another Python than $(PYTHON) (an older one, one since removed or upgraded) keeps failing in
# odd ways; it is made again, saying why. A Python is known by its version and where it is installed.
PYINFO := import sys; print("Python %d.%d.%d at %s" % (*sys.version_info[:3], sys.base_prefix))
WANT_PY := $(shell $(PYTHON) -c '$(PYINFO)' 2>/dev/null)
HAVE_PY := $(shell [ -x $(BIN)/python ] && $(BIN)/python -c '$(PYINFO)' 2>/dev/null)
ifneq ($(WANT_PY),)
ifneq ($(wildcard $(VENV)),)
ifneq ($(HAVE_PY),$(WANT_PY))
$(info Recreating $(VENV): it was made by $(or $(HAVE_PY),a Python that no longer runs), and PYTHON=$(PYTHON) is $(WANT_PY))
$(shell rm -rf $(VENV))
endif
endif
endif

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "The archive needs Python 3.11 or newer; $(PYTHON) is $(or $(WANT_PY),not there)."; \
	  echo "Install one (python.org, or your system's python3.11+) and run: make run PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# `make run` installs the archive as a user does (`pip install .`, no -e: what the wheel holds) with its runtime
# dependencies only, again whenever a file of the package changes; the tests' extras (Playwright, pytest, ruff)
# and an editable install come with `make test`.
PACKAGE_FILES := $(shell find archive -type f -not -name '*.pyc')
$(VENV)/.runtime: pyproject.toml $(PACKAGE_FILES) | $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	touch $@

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

index: $(VENV)/.runtime
	$(BIN)/archive index --index $(INDEX) seeds

serve: $(VENV)/.runtime
	$(BIN)/archive serve --index $(INDEX) --host $(HOST) --port $(PORT)

# The desktop app over ./index with seeds/ as its first source: the browser opens on it (NO_BROWSER=1: not),
# on $(PORT) or the next free port; it says which.
run: index
	$(BIN)/archive app --index $(INDEX) --host $(HOST) --port $(PORT) --add seeds $(if $(NO_BROWSER),--no-browser)

# The browser tests drive Debian's Chromium; install it when it is missing.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-color-emoji

# Scans are read by Tesseract OCR with its English data; install it when it is missing.
$(TESSERACT):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq tesseract-ocr tesseract-ocr-eng

# Tests marked `slow` (all of Reuters-21578 through the CLI, about four minutes) run where CI is set, as CI
# sets it (CI=true); elsewhere `make test CI=1` or plain `pytest` runs them too.
# The tests run in as many processes as there are cores (pytest-xdist), a module to a process so its fixtures
# are made once; TEST_WORKERS=0 runs them in this one.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST_ARGS ?= $(if $(CI),,-m "not slow") $(if $(filter 0 1,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadscope)

test: install $(CHROMIUM) $(TESSERACT)
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check archive tests bench

bench: install
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/bench_index.py
	$(BIN)/python bench/bench_ner.py
	$(BIN)/python bench/bench_countries.py
	$(BIN)/python bench/bench_topics.py
	$(BIN)/python bench/bench_extraction.py
	$(BIN)/python bench/bench_duplicates.py
	PYTHONPATH=. $(BIN)/python bench/bench_documents.py

# The archive beside tantivy at growing sizes (hours at 1M articles: the ingest is Whoosh's).
SCALE_STEPS ?= 100000,300000,1000000
comma := ,
bench-scale: install
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	PYTHONPATH=. $(BIN)/python bench/bench_scale.py --articles $(lastword $(subst $(comma), ,$(SCALE_STEPS))) --steps $(SCALE_STEPS)

# Rebuild the bundled NER pipeline from the spaCy 2 teacher (an hour or more; not part of the tests).
model: install
	bash training/train.sh

# Retrain the bundled topic model (archive/data/topic_model.npz) from ../shared (about 2 minutes; scikit-learn
# only here, in the `train` extra; the archive applies the weights with numpy).
topics-model: install
	$(BIN)/python -m pip install --quiet -e '.[test,train]'
	$(BIN)/python training/topics/train_model.py

clean:
	rm -rf $(VENV) $(INDEX) build test-output .pytest_cache
