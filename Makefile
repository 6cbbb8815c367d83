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
PY_TEST_TOOLS := pytest==9.0.3
PY_TEST_TOOLS += pre-commit==4.7.0
PY_TEST_TOOLS += pytest-lsp==1.0.1
PY_TEST_TOOLS += jsonschema==4.26.0

.PHONY: all deps grammar build release test test-swift test-python demo bench venv clean bench-lsp editors-deps rule-pages register

all: build

## deps: nothing from Debian any more. The tree-sitter runtime is compiled from the pinned 0.23.2 sdist
## (`make grammar`), because Debian's libtree-sitter 0.20.7 aborts on long runs of error tokens (issue 26).
deps:
	@:

## grammar: tree-sitter-python and tree-sitter runtime sources, fetched from PyPI and sha256-checked
## (grammars/fetch-python.sh).
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

test: test-swift test-python fuzz-smoke

test-swift: grammar
	@$(SWIFT) build -q
	@$(SWIFT) test -q 2>&1 | tail -n 40

test-python: build venv editors-deps editor-test-debs
# The parse budget is wall-clock by default (issue 26): a test's broken input that takes 2 s on an idle
# machine could hit it on a loaded one and turn HL001 into HL003. Tests run without it; test_parse_budget
# sets its own, counted in parse actions, so its cut-offs do not depend on the machine.
	@HEAPLINT_BIN=$(abspath $(DEBUG_BIN)) HEAPLINT_REQUIRE_TOOLS=1 HEAPLINT_PARSE_TIMEOUT=0 $(VENV_PY) -m pytest -q --durations=15 Tests/python

## register: regenerate everything derived from the rule files (Sources/HeapRules/Registry.generated.swift,
## docs/rules/, the README rule table); Tests/python/test_register.py fails until they match. Two runs: the
## first writes the registry, the second renders pages and table from the rebuilt one (docs/modules.md).
register: grammar
	@$(SWIFT) run -q heaplint-dev register --registry-only
	@$(SWIFT) run -q heaplint-dev register

## rule-pages: regenerate docs/rules/ (one page per rule and the index) from the rule registry;
## Tests/python/test_rule_pages.py fails until the committed pages match.
rule-pages: build
	@$(DEBUG_BIN) rule --all --out-dir docs/rules

# The release build prints nothing for minutes on a cold clone, so say what is happening before it starts.
demo:
	@echo "make demo: building the release binary $(RELEASE_BIN) (about 4 minutes on 2 cores the first time, seconds after)"
	@$(MAKE) -s --no-print-directory release
	@echo "== heaplint check docs/demo-project =="
	@$(RELEASE_BIN) check docs/demo-project || [ $$? -eq 1 ]

bench: release
	@$(PYTHON) Tests/bench/bench.py --heaplint $(RELEASE_BIN)
	@$(PYTHON) Tests/bench/lsp_latency.py --heaplint $(RELEASE_BIN)

## editors-deps: Neovim from Debian, for the language-server editor test (Tests/python/test_lsp_neovim.py).
editors-deps:
	@if ! command -v nvim >/dev/null; then \
	  echo "make: installing neovim (Debian)"; \
	  $(SUDO) apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends neovim >/dev/null; \
	fi

## bench-lsp: editor latency, didChange -> publishDiagnostics on a 5,000-line file (p50/p95/max).
bench-lsp: release
	@$(PYTHON) Tests/bench/lsp_latency.py --heaplint $(RELEASE_BIN)

# ---- Speed at scale and robustness (issue 8) ------------------------------------------------------------
FUZZ_SECONDS ?= 60
FUZZ_SEED ?=
.PHONY: fuzz fuzz-smoke asan

## fuzz: seeded random-mutation fuzzing of parser + analysis (Tests/fuzz/fuzz.py) for FUZZ_SECONDS;
## failing inputs are shrunk and saved under Tests/Fixtures/regressions/ (test_malformed.py runs them).
fuzz: build
	@$(PYTHON) Tests/fuzz/fuzz.py --heaplint $(DEBUG_BIN) --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

## asan: the syntax-layer and server tests, then FUZZ_SECONDS of fuzzing, under AddressSanitizer (its own
## build folder, .build-asan; minutes to build, so not part of `make test`). Leak reports are off for the
## fuzzing: TOMLKit leaked a few bytes per parsed config (HeapTOML replaced it; re-enable once an ASan run is clean).
asan: grammar
	@$(SWIFT) build -q --sanitize=address --scratch-path .build-asan
	@ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test -q --sanitize=address --scratch-path .build-asan \
	  --filter 'HeapSyntaxTests|HeapLintServerTests' 2>&1 | tail -n 5
	@ASAN_OPTIONS=detect_leaks=0:exitcode=86 $(PYTHON) Tests/fuzz/fuzz.py --heaplint .build-asan/debug/heaplint \
	  --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED)) --no-save

## fuzz-smoke: 20 s with a fixed seed, part of `make test`.
fuzz-smoke: build
	@$(PYTHON) Tests/fuzz/fuzz.py --heaplint $(DEBUG_BIN) --seconds 20 --seed 8 --no-save

clean:
	@rm -rf .build .heaplint_cache

# ---- Distribution: a self-contained binary, a wheel and an sdist (issue 9) ----------------------------
# The release binary links the Swift runtime and Foundation statically (--static-swift-stdlib), with no symbol
# table (--strip-all); tree-sitter
# is compiled into it from the pinned sources (the CTreeSitter target), so it needs no tree-sitter library
# at run time either. Its own scratch path keeps `make build`/`make release` untouched.
DIST_SCRATCH := .build-dist
DIST_BIN := $(DIST_SCRATCH)/release/heaplint
DIST_DIR := dist

.PHONY: dist dist-binary dist-check clean-dist editor-test-debs

## dist-binary: the self-contained release binary at .build-dist/release/heaplint.
dist-binary: grammar
	@$(SWIFT) build -q -c release --product heaplint --static-swift-stdlib --scratch-path $(DIST_SCRATCH) -Xlinker --strip-all
	@$(PYTHON) grammars/stamp-build.py $(DIST_BIN)

## dist-check: fail when the binary needs a Swift, Foundation or tree-sitter shared library at run time, or carries ICU data.
dist-check: dist-binary
	@command -v readelf >/dev/null || { echo "make: dist-check needs readelf (apt-get install binutils)" >&2; exit 1; }
	@if readelf -d $(DIST_BIN) | grep NEEDED | grep -E 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|libtree-sitter'; then \
	  echo "make: $(DIST_BIN) is not self-contained (see the NEEDED entries above)" >&2; exit 1; fi
	@if grep -q -a -E 'icudt[0-9]+[lb]' $(DIST_BIN); then \
	  echo "make: $(DIST_BIN) carries ICU data: something links Foundation again (issue 27; see docs/modules.md)" >&2; exit 1; fi

## dist: dist/heaplint-<version>.tar.gz (sdist) and dist/heaplint-<version>-py3-none-<platform>.whl.
dist: dist-check
	@rm -f $(DIST_DIR)/heaplint-*.whl $(DIST_DIR)/heaplint-*.tar.gz
	@HEAPLINT_PREBUILT_BINARY=$(abspath $(DIST_BIN)) PYTHONPATH=Sources/PythonPackaging \
	  $(PYTHON) -m heaplint_build $(DIST_DIR)

clean-dist:
	@rm -rf $(DIST_SCRATCH) $(DIST_DIR)

## editor-test-debs: the Debian editors the editor-integration tests drive (emacs-nox + elpa-eglot, vim + ALE),
## graphviz, whose `dot` parses `heaplint explain --format dot` in test_explain.py, and chromium, which renders
## the HTML report in test_html_report.py (test dependencies only).
EDITOR_DEBS := emacs-nox elpa-eglot vim vim-ale
TEST_DEBS := $(EDITOR_DEBS) graphviz chromium
editor-test-debs:
	@missing=""; for p in $(TEST_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing$$missing (Debian)"; \
	  $(SUDO) apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# ---- Precision of HL3xx/HL4xx/HL5xx on real code (issue 14) ------------------------------------------
# Not part of `make test`: it downloads six packages from PyPI and reads ~4,000 files.
REALWORLD_VENV := .venv-realworld
.PHONY: realworld-venv precision-eager precision-confirm

## realworld-venv: django, SQLAlchemy, Twisted, tornado, rich, celery at the versions pinned in
## Tests/realworld/requirements.txt, in the git-ignored .venv-realworld.
realworld-venv: $(REALWORLD_VENV)/.installed
$(REALWORLD_VENV)/.installed: Tests/realworld/requirements.txt
	@[ -x $(REALWORLD_VENV)/bin/python ] || $(PYTHON) -m venv $(REALWORLD_VENV)
	@$(REALWORLD_VENV)/bin/python -m pip install -q --disable-pip-version-check -r Tests/realworld/requirements.txt
	@touch $@

## precision-eager: every HL3/HL4/HL5 finding on those packages and the standard library, one per line
## (corpus, code, path, message); PREVIEW=1 adds preview rules and behaviour. docs/precision-eager.md
## classifies them.
precision-eager: build realworld-venv
	@$(PYTHON) Tests/realworld/precision_run.py --heaplint $(DEBUG_BIN) --venv $(REALWORLD_VENV) $(if $(PREVIEW),--preview)

## precision-confirm: runs the flagged real code and measures what 13 of those findings claim
## (tracemalloc peaks, growth across calls, objects alive after del + gc.collect()).
precision-confirm: realworld-venv
	@$(REALWORLD_VENV)/bin/python Tests/realworld/confirm_findings.py

# ---- Actionable default findings on six packages the model was not tuned on (issue 28) ----------------
# Not part of `make test`: it downloads six wheels from PyPI. Tests/precision/actionable_verdicts.tsv
# classifies every default finding; docs/precision-report.md has the tables.
PRECISION_VENV := .venv-precision
.PHONY: precision-packages precision-actionable

## precision-packages: httpx, httpcore, anyio, paramiko, textual, websockets at the versions pinned in
## Tests/precision/requirements-actionable.txt (no dependencies), in the git-ignored .venv-precision.
precision-packages: $(PRECISION_VENV)/.installed
$(PRECISION_VENV)/.installed: Tests/precision/requirements-actionable.txt
	@[ -x $(PRECISION_VENV)/bin/python ] || $(PYTHON) -m venv $(PRECISION_VENV)
	@$(PRECISION_VENV)/bin/python -m pip install -q --disable-pip-version-check --no-deps -r Tests/precision/requirements-actionable.txt
	@touch $@

## precision-actionable: default `heaplint check` on each of them, joined with the verdicts (actionable /
## harmless / false); prints the per-package table and any finding without a verdict.
precision-actionable: build precision-packages
	@$(PYTHON) Tests/precision/actionable_run.py --heaplint $(DEBUG_BIN) --venv $(PRECISION_VENV)

# ---- The cycle census (issue 25) ---------------------------------------------------------------------
# Not part of `make test`: it downloads 9 sdists from PyPI and runs their test suites under
# `heaplint verify` (about 30 minutes on 2 busy cores). Tests/census/README.md describes it.
.PHONY: census

## census: Tests/census/census.jsonl and runs.json (the distinct cycles the packages' own test suites leave,
## recorded in the git-ignored .census/), then Tests/census/RESULTS.md (how many `heaplint check` finds).
census: build
	@$(PYTHON) Tests/census/census.py --heaplint $(DEBUG_BIN)
	@$(PYTHON) Tests/census/measure.py --heaplint $(DEBUG_BIN)

# docs/verify-report.md: attrs' and tornado's suites (pinned sdists from PyPI) plain and under `heaplint
# verify`. Needs network; not part of `make test`.
verify-report: build
	./Tests/verifyreport/run.sh
.PHONY: verify-report
