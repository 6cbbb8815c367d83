# heaplint — build, test, demo and benchmark. Every target installs what it needs, idempotently,
# and is quiet when everything is already there.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
VENV_PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_BIN := .build/release/heaplint
DEBUG_BIN := .build/debug/heaplint
# Python tools the tests use; bump versions here only.
PY_TEST_TOOLS := pytest==9.0.3 pytest-lsp==1.0.1

.PHONY: all deps grammar build release test test-swift test-python demo bench venv clean editors-deps bench-lsp

all: build

## deps: the tree-sitter runtime from Debian (libtree-sitter-dev).
deps:
	@if [ ! -f /usr/include/tree_sitter/api.h ]; then \
	  echo "make: installing libtree-sitter-dev (Debian)"; \
	  $(SUDO) apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libtree-sitter-dev >/dev/null; \
	fi

## grammar: tree-sitter-python sources, fetched from PyPI and sha256-checked (grammars/fetch-python.sh).
grammar: deps
	@PYTHON=$(PYTHON) ./grammars/fetch-python.sh

build: grammar
	@$(SWIFT) build -q

release: grammar
	@$(SWIFT) build -q -c release

venv: $(VENV)/.installed
$(VENV)/.installed: Makefile
	@[ -x $(VENV_PY) ] || $(PYTHON) -m venv $(VENV)
	@$(VENV_PY) -m pip install -q --disable-pip-version-check $(PY_TEST_TOOLS)
	@touch $@

test: test-swift test-python

test-swift: grammar
	@$(SWIFT) build -q
	@$(SWIFT) test -q 2>&1 | tail -n 40

test-python: build venv editors-deps
	@HEAPLINT_BIN=$(abspath $(DEBUG_BIN)) $(VENV_PY) -m pytest -q Tests/python

demo: release
	@echo "== heaplint check examples/demo-project =="
	@$(RELEASE_BIN) check examples/demo-project || [ $$? -eq 1 ]

bench: release
	@$(PYTHON) Tests/bench/bench.py --heaplint $(RELEASE_BIN)

## editors-deps: Neovim from Debian, for the headless editor test (Tests/python/test_lsp_neovim.py).
editors-deps:
	@if ! command -v nvim >/dev/null; then \
	  echo "make: installing neovim (Debian)"; \
	  $(SUDO) apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq neovim >/dev/null; \
	fi

## bench-lsp: editor latency, didChange -> publishDiagnostics on a 5,000-line file (p50/p95/max).
bench-lsp: release
	@$(PYTHON) Tests/bench/lsp_latency.py --heaplint $(RELEASE_BIN)

clean:
	@rm -rf .build .heaplint_cache
