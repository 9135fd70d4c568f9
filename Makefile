# Two commands for a newcomer: `make demo` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FORGE := node_modules/.bin/forge
export NANSEN_DATA_DIR ?= .data/demo
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup demo test test-python test-contracts lint contracts bench clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

contracts: node_modules/.installed
	node contracts/compile.mjs

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test-contracts: node_modules/.installed
	node contracts/compile.mjs --check
	$(FORGE) test

test-python: setup
	$(BIN)/pytest

test: setup lint test-contracts test-python

demo: setup
	$(BIN)/nansen dev bootstrap

bench: setup
	$(BIN)/python -m bench

clean:
	-$(BIN)/nansen chain down
	rm -rf .data contracts/out contracts/cache
