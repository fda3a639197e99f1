# Participate: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app participate
export PARTICIPATE_ENV ?= development
PYBABEL := $(BIN)/pybabel

.DEFAULT_GOAL := help
.PHONY: help install run test test-pg lint fmt typecheck translations-extract translations-update \
	translations-compile check-strings db-upgrade db-revision demo bench mail clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-22s\033[0m %s\n", $$1, $$2}'

# --no-compile: pip would byte-compile every file of every package (half of a fresh
# install's time, pandas and the test tools included); Python compiles what is imported, once
# (`make test` writes the caches, see below).
$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# An environment from before pyicu-wheels: both packages write `icu/` (decision 5).
	@$(BIN)/pip uninstall --quiet --yes pyicu >/dev/null 2>&1 || true
	$(BIN)/pip install --quiet --no-compile -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create the virtual environment and install everything

MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

translations-compile: $(STAMP) $(MO_FILES) ## Compile the .po catalogs into .mo files (only changed ones)

# A catalog is compiled only when its .po is newer than its .mo, so `make test` does not
# rewrite the .mo files on every run (a rewrite changes their mtime under a running server).
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(STAMP)
	@$(PYBABEL) compile --statistics -l $* -d translations 2>&1 | { grep -v '^compiling' || true; }; \
		exit $${PIPESTATUS[0]}

db-upgrade: $(STAMP) ## Apply the database migrations
	@mkdir -p instance
	$(FLASK) db upgrade

demo: db-upgrade ## Load demo data (only into an empty database)
	$(FLASK) demo load

run: install translations-compile demo ## Set up and serve the app with demo data on http://127.0.0.1:5000
	$(FLASK) run --host 127.0.0.1 --port 5000 --debug

# Parallel test workers (pytest-xdist): `auto` is one per CPU core, 0 runs in one process.
PYTEST_WORKERS ?= auto

# `worksteal`: each worker starts with half of the tests (the slow ones first, see
# tests/conftest.py) and an idle one takes over half of the other's remaining queue.
# Bytecode caches (gitignored) are written even where PYTHONDONTWRITEBYTECODE is set: without
# them every worker and subprocess compiles the app again and pytest rewrites every test
# module again, about 4 s of CPU a process.
test: install translations-compile ## Run the whole test suite in parallel (SQLite; PostgreSQL when TEST_DATABASE_URL is set)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test-pg: ## Run the suite against the local PostgreSQL database `test`
	TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test $(MAKE) test

lint: install ## ruff, import-linter
	$(BIN)/ruff check participate tests scripts
	$(BIN)/ruff format --check participate tests scripts
	$(BIN)/lint-imports

fmt: install ## Format the code
	$(BIN)/ruff check --fix participate tests scripts
	$(BIN)/ruff format participate tests scripts

typecheck: install ## mypy
	$(BIN)/mypy

translations-extract: install ## Extract strings into translations/messages.pot
	$(BIN)/python scripts/extract_strings.py

translations-update: translations-extract ## Merge new strings into the fi, sv and en catalogs
	$(PYBABEL) update -N --no-wrap --ignore-obsolete -i translations/messages.pot -d translations

check-strings: install ## Fail if messages.pot is out of date
	$(BIN)/python -m pytest tests/i18n -q

db-revision: install ## Autogenerate a migration: make db-revision m="what changed"
	$(FLASK) db migrate -m "$(m)"

mail: install ## Send queued e-mail in a loop (console in development)
	$(FLASK) mail send --loop

bench: install translations-compile ## Benchmark: make bench SCALE=1000,100000 [BENCH_ARGS="--database-url …"]
	$(BIN)/python scripts/bench.py --scale $(or $(SCALE),1000) $(BENCH_ARGS)

clean: ## Remove the virtual environment, compiled catalogs and the development database
	rm -rf $(VENV) instance/participate.sqlite3 translations/*/LC_MESSAGES/*.mo
