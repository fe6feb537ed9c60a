# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench bench-full browser

$(STAMP): requirements.lock pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## Run the app on the seed corpus (builds index/ from seeds/ on first run).
run: install
	$(BIN)/python app.py

## Debian's Chromium for the browser tests (Playwright cannot download a browser offline).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "WARNING: could not install chromium; browser tests will be skipped"; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy src

## Run the whole test suite (installs what it needs; tests start their own servers).
test: install browser lint
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/bench.py

## The whole shared corpus: ingest vs raw encoder, RSS, size, latency, UI first page (most of an hour).
bench-full: install
	$(BIN)/python benchmarks/full_corpus.py
