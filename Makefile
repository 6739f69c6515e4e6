# Two commands do all the set-up on a fresh machine:
#   make run   - create .venv, install, run the main job on the embedded default (SQLite)
#   make test  - create/update .venv with dev tools, then ruff, mypy --strict and pytest
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
DEVSTAMP := $(VENV)/.dev-installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
DB     ?= sqlite:///sanctionwatch.db

.PHONY: run test lint typecheck pytest venv clean bench web-assets speedups

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[speedups]'
	rm -f $(VENV)/.installed-* && touch $@

$(DEVSTAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,speedups]'
	rm -f $(VENV)/.dev-installed-* $(VENV)/.installed-* && touch $@ $(STAMP)

venv: $(STAMP)

# The matcher compiled with mypyc from the same source (same scores, ~1.6x faster); rebuilt when
# its sources change. Optional: without a C compiler everything runs as pure Python.
SPEEDUPS_SRC := $(addprefix src/sanctionwatch/screen/,data.py korean.py normalize.py features.py)
SPEEDSTAMP := $(VENV)/.speedups-built

$(SPEEDSTAMP): $(STAMP) $(SPEEDUPS_SRC)
	-$(BIN)/sanctionwatch speedups build && touch $@

speedups: $(SPEEDSTAMP)

# Front-end libraries (pinned in src/sanctionwatch/web/package-lock.json) from the npm registry;
# without npm the web app still works and shows tables instead of drawings.
web-assets: $(STAMP)
	-$(BIN)/sanctionwatch web-assets

run: $(STAMP) web-assets $(SPEEDSTAMP)
	$(BIN)/sanctionwatch run --db $(DB)

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(DEVSTAMP)
	$(BIN)/mypy

pytest: $(DEVSTAMP) web-assets $(SPEEDSTAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) sanctionwatch.db* .pytest_cache .mypy_cache .ruff_cache
	rm -f src/sanctionwatch/screen/*.so src/sanctionwatch/screen/_speedups*
