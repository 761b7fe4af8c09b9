# Two commands on a fresh machine: `make run` starts the service, `make test` runs the tests.
# Both create the virtual environment in .venv on first use, with the exact versions of
# requirements/constraints.txt; `make lock` refreshes those after pyproject.toml changes.
# `make run PORT=8011` serves another port (HOST: another interface).
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
# The machine the versions are resolved for: the one the project is developed and tested on.
LOCK_PYTHON := 3.11
LOCK_PLATFORM := x86_64-unknown-linux-gnu
LOCK_FLAGS ?=

.PHONY: run test lint format docs lock

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	touch $@

# The console mail backend shows the emails' links here (development only).
run: $(VENV)/.installed
	EMAIL_CONSOLE_LINKS=true $(BIN)/aurum serve --host $(HOST) --port $(PORT)

# Two processes share the tests (most wait on the database, a browser or a server); the
# timing statistics (marked slow) then run alone, so nothing else competes for the cores.
test: $(VENV)/.installed
	$(BIN)/pytest -n 2 -m 'not slow'
	$(BIN)/pytest -m slow

lint: $(VENV)/.installed
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# The manual in docs/, built into site/; --strict fails on a broken link or a page left out.
docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

format: $(VENV)/.installed
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# The only way to write the constraints file: every dependency of the project and of its
# dev extra, for LOCK_PYTHON on LOCK_PLATFORM. Versions already in the file are kept while
# they still fit (`make lock LOCK_FLAGS=--upgrade` takes the newest of everything). Needs
# only uv, so it works when pyproject.toml no longer agrees with the old file.
lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet -c $(CONSTRAINTS) uv; }
	$(BIN)/uv pip compile pyproject.toml --extra dev --quiet $(LOCK_FLAGS) \
		--python-version $(LOCK_PYTHON) --python-platform $(LOCK_PLATFORM) \
		--custom-compile-command 'make lock' -o $(CONSTRAINTS)
