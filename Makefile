# Accord: two commands for a newcomer (`make demo`, `make test`); the rest are for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Settings refuse to start without a SECRET_KEY of 50+ characters (or DEBUG); the checks load them (the
# migrations check, mypy's Django plugin) but serve nothing, so a throwaway key does unless one is exported.
CHECK_ENV := SECRET_KEY="$${SECRET_KEY:-only-for-the-checks-which-load-the-settings-and-serve-nothing}"

# `make test` runs the tests in this many processes (pytest-xdist; auto: one per core). Tests that share a
# module's world in the database go to one of them together (tests/conftest.py); TEST_WORKERS=0 runs
# everything in one process, as plain `pytest` does.
TEST_WORKERS ?= auto

.PHONY: demo test bench loadtest lint format typecheck install messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Run Accord on the embedded SQLite database with demo data and a worker (http://127.0.0.1:8000).
demo: $(STAMP)
	$(BIN)/accord demo

## Lint, check migrations, run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set).
test: $(STAMP)
	$(BIN)/ruff check accord tests
	$(BIN)/ruff format --check accord tests
	$(CHECK_ENV) $(BIN)/accord makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

## Speed goals (a table; ratios measured in the same run). Uses DATABASE_URL when set.
bench: $(STAMP)
	$(BIN)/python -m bench.run

## Load on loopback: gunicorn (production settings, 2 workers) on the demo; wrk at 10 connections on each
## endpoint for LOADTEST_SECONDS (default 30) beside /healthz; a table, exit 1 when a goal is missed.
loadtest: $(STAMP)
	$(BIN)/python -m bench.load

## Lint and type-check; work on a clean checkout, nothing to export.
lint: $(STAMP)
	$(BIN)/ruff check accord tests
	$(CHECK_ENV) $(BIN)/mypy accord

format: $(STAMP)
	$(BIN)/ruff format accord tests
	$(BIN)/ruff check --fix accord tests

## The translation catalogs (accord/locale): add the code's new strings to each language's .po (translate
## them, glossary in accord/locale/glossary/), then compile the .mo files Django reads. Needs GNU gettext.
MESSAGE_LANGUAGES := es ja ko zh_Hans
messages: $(STAMP)
	DEBUG=true $(BIN)/accord makemessages $(foreach l,$(MESSAGE_LANGUAGES),-l $(l)) --no-obsolete \
	  --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'build/*' --ignore 'var/*'
	DEBUG=true $(BIN)/accord compilemessages $(foreach l,$(MESSAGE_LANGUAGES),-l $(l))

## Type-check only (CI runs it once, before the suites).
typecheck: $(STAMP)
	$(CHECK_ENV) $(BIN)/mypy accord

clean:
	rm -rf $(VENV) build *.egg-info
