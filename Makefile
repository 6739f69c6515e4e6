# Two commands do all the set-up on a fresh machine:
#   make run   - create .venv, install, run the main job on the embedded default (SQLite)
#   make test  - create/update .venv with dev tools, then ruff, mypy --strict and pytest
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
DEVSTAMP := $(VENV)/.dev-installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
DB     ?= sqlite:///sanctionwatch.db

.PHONY: run test lint typecheck pytest venv clean bench web-assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	rm -f $(VENV)/.installed-* && touch $@

$(DEVSTAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.dev-installed-* $(VENV)/.installed-* && touch $@ $(STAMP)

venv: $(STAMP)

# Front-end libraries (pinned in src/sanctionwatch/web/package-lock.json) from the npm registry;
# without npm the web app still works and shows tables instead of drawings.
web-assets: $(STAMP)
	-$(BIN)/sanctionwatch web-assets

run: $(STAMP) web-assets
	$(BIN)/sanctionwatch run --db $(DB)

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(DEVSTAMP)
	$(BIN)/mypy

pytest: $(DEVSTAMP) web-assets
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) sanctionwatch.db* .pytest_cache .mypy_cache .ruff_cache
