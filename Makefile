# The two commands a newcomer needs: `make run` and `make test`. Everything else is a part of them.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := examples/flask-learner
RUN_DIR := .build/run

.PHONY: run test venv lint unit test-lsp test-neovim test-browser test-vscode bench bench-lessons bench-perf bench-quick fuzz docs clean

venv: $(STAMP)
$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The example as it is now, then its Git history replayed into a fresh store and exported.
run: venv
	$(BIN)/roadmap-coach scan $(EXAMPLE) --no-cache
	@rm -rf $(RUN_DIR) && mkdir -p $(RUN_DIR)
	@examples/build-history.sh $(EXAMPLE) $(RUN_DIR)/flask-learner >/dev/null
	$(BIN)/roadmap-coach history $(RUN_DIR)/flask-learner --record --store $(RUN_DIR)/progress.sqlite3 --learner "Ada Learner"
	$(BIN)/roadmap-coach export --store $(RUN_DIR)/progress.sqlite3 --format html -o $(RUN_DIR)/report.html
	@echo "HTML report: $(abspath $(RUN_DIR)/report.html)"

lint: venv
	$(BIN)/ruff check server tests benchmarks
	$(BIN)/ruff format --check server tests benchmarks

unit: venv
	$(BIN)/python -m pytest -q

# The HTML export and the cohort page in real headless Chromium (installed when root and missing).
test-browser: venv
	tests/e2e/browser/ensure_chromium.sh >/dev/null
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/browser

# Real VS Code (code-server 4.139.1 in headless Chromium, driven by playwright-core) with the
# packaged extension and this repo's server. Installs Node 24, code-server and Chromium when missing
# (cached in .build/vscode-e2e/); failure screenshots in tests/e2e/artifacts/vscode/.
test-vscode: venv
	tests/e2e/vscode/run.sh

# Real Neovim (Debian's 0.7.2, headless) driving this repo's server over stdio; installs neovim
# with apt-get when root and missing. Neovim's LSP log is shown when it fails.
test-neovim: venv
	@command -v nvim >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq neovim >/dev/null; }
	@command -v nvim >/dev/null || { echo "test-neovim: nvim not found (apt-get install neovim)"; exit 1; }
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/neovim

test: lint unit test-browser test-vscode test-neovim

# The reliability suite with long budgets: many more hypothesis examples and SIGKILLs than
# the bounded run inside `make test` (see docs/RELIABILITY.md). Not part of `make test`.
fuzz: venv
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -p no:cacheprovider tests/reliability

# Lesson pages (docs/rules/*.md) from the lessons' docstrings; a unit test fails when they differ.
docs: venv
	$(BIN)/python -m roadmap_coach.rules.lessons.docs

# Precision/recall of the security lessons next to bandit on the lesson corpus
# (writes its section of benchmarks/RESULTS.md; installs bandit from the `bench` extra).
bench-lessons: venv
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/lessons_precision.py

# Whole commands (scan cold and warm, serve new and reopened, history, keystrokes) next to
# their floors, bandit, ruff --select S and pylsp, on the Django sdist (pip download into
# benchmarks/.work/) and Flask's history; writes its section of benchmarks/RESULTS.md and the
# raw JSON to benchmarks/.work/perf-log.json (`perf.py --from-log` renders it again).
# Takes 15 minutes or more. Not part of `make test`.
bench-perf: venv
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/perf.py --profile

# The same harness on a small tree and a short generated history, in a minute or so;
# prints the section without writing RESULTS.md.
bench-quick: venv
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/perf.py --quick

bench: bench-lessons bench-perf

clean:
	rm -rf $(VENV) .build build *.egg-info
