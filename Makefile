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

.PHONY: run test install index serve lint bench bench-scale model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

index: install
	$(BIN)/archive index --index $(INDEX) seeds

serve: install
	$(BIN)/archive serve --index $(INDEX) --host $(HOST) --port $(PORT)

run: index serve

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
PYTEST_ARGS ?= $(if $(CI),,-m "not slow")

test: install $(CHROMIUM) $(TESSERACT)
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check archive tests bench

bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/bench_index.py
	$(BIN)/python bench/bench_ner.py
	$(BIN)/python bench/bench_countries.py
	$(BIN)/python bench/bench_extraction.py
	$(BIN)/python bench/bench_duplicates.py
	PYTHONPATH=. $(BIN)/python bench/bench_documents.py

# The archive beside tantivy at growing sizes (hours at 1M articles: the ingest is Whoosh's).
SCALE_STEPS ?= 100000,300000,1000000
comma := ,
bench-scale: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	PYTHONPATH=. $(BIN)/python bench/bench_scale.py --articles $(lastword $(subst $(comma), ,$(SCALE_STEPS))) --steps $(SCALE_STEPS)

# Rebuild the bundled NER pipeline from the spaCy 2 teacher (an hour or more; not part of the tests).
model: install
	bash training/train.sh

clean:
	rm -rf $(VENV) $(INDEX) build test-output .pytest_cache
