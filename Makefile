# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# apt-get needs root: through sudo unless we are root already (as in CI).
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run demo test lint bench install install-test browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installed once, and again only when pyproject.toml changes: `make run` at a venue
# without internet must not need the package index.
# Compiled once here too, so that every start is quick even where Python is told not
# to write bytecode (PYTHONDONTWRITEBYTECODE).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python -m compileall -q workshop
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q workshop
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# The browser tests drive Debian's Chromium, never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	    echo "Installing Debian's chromium for the browser tests (apt-get)…"; \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# Options pass through ARGS: `make run ARGS="--port 9000"`, `make demo ARGS="--participants 30"`.
ARGS ?=

run: install
	$(BIN)/workshop $(ARGS)

demo: install
	$(BIN)/workshop demo $(ARGS)

bench: install-test
	$(BIN)/python -m workshop.bench

# The static checks, before any test: ruff over the package and its tests, and mypy
# --strict over the core (the files listed under [tool.mypy] in pyproject.toml).
lint: install-test
	$(BIN)/ruff check workshop tests
	$(BIN)/mypy

test: lint browser
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis .mypy_cache .ruff_cache
