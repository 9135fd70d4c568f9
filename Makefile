# Two commands for a newcomer: `make demo` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FORGE := node_modules/.bin/forge
export NANSEN_DATA_DIR ?= .data/demo
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup system-deps demo test test-python test-contracts lint contracts bench clean

setup: system-deps $(VENV)/.installed node_modules/.installed

# gcc and libssl-dev (the C module of the verify path, built by hatch_build.py), PostgreSQL
# (storage tests), docker-compose (compose file validation), wrk (HTTP load in the benchmarks) and
# Chromium with fonts for every console language (browser tests drive Debian's chromium through
# Playwright, which must not download a browser of its own) from Debian packages. Installed where
# we may (root, as in CI); elsewhere the storage, compose and browser tests skip with a loud notice,
# the benchmarks fall back to a Python load generator, and without OpenSSL's headers the install
# stops and says how to go on (NANSEN_PURE_PYTHON=1).
system-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v docker-compose >/dev/null 2>&1 \
	  && command -v wrk >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1 && [ -f /usr/include/openssl/ec.h ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libssl-dev postgresql \
	    docker-compose wrk chromium fonts-dejavu-core fonts-noto-core >/dev/null; \
	else echo "NOTICE: gcc, libssl-dev, PostgreSQL, docker-compose, wrk or chromium missing and not root (see Makefile)"; fi

$(VENV)/.installed: pyproject.toml hatch_build.py $(wildcard nansen/crypto/_native*.c) nansen/crypto/_native.h
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	@touch $@

# Exactly what the lock names (it lists every platform's optional anvil/forge binary).
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
	$(BIN)/nansen dev story --console

bench: setup
	$(BIN)/python -m bench

clean:
	-$(BIN)/nansen chain down
	rm -rf .data contracts/out contracts/cache
