# Two commands matter: `make run` (the demo project) and `make test` (everything CI runs).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test pytest lint typecheck format docs bench bench-quick clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## run: install, prepare the demo project in example/ (database, demo user, sample products),
## print the URLs to try, start the dev server
run: install
	$(PY) scripts/prepare_demo.py $(HOST):$(PORT)
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: install dev dependencies, run every test, lint and type-check; all three run even
## when one fails, a summary says how each went, and the exit status is non-zero if any failed
test: install
	$(PY) scripts/run_targets.py lint typecheck pytest

## pytest: every test, on SQLite and on a private PostgreSQL server, with a private Redis
## server and a private S3 server (moto; the first two installed with apt-get when missing,
## each started on a free port, stopped at the end: scripts/pgcluster.py,
## scripts/redisserver.py, scripts/s3server.py; when tests fail, PostgreSQL's log is printed
## and its folder kept, and a run whose server died stops at once), with
## Chromium for browser tests and wrk/ab/hyperfine for the benchmark smoke run
## (scripts/system_packages.py)
pytest: install
	$(PY) scripts/system_packages.py chromium wrk apache2-utils hyperfine sqlite3
	$(PY) scripts/pgcluster.py run -- $(PY) scripts/redisserver.py run -- \
		$(PY) scripts/s3server.py run -- $(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check framework tests scripts docs/hooks bench example
	$(VENV)/bin/ruff format --check framework tests scripts docs/hooks bench example

typecheck: install
	$(VENV)/bin/mypy

## docs: build the documentation into site/ (strict: any warning fails)
docs: install
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

## bench: measure against raw Starlette, FastAPI, Litestar, Django; writes bench/results.md
bench: install
	$(PY) bench/run.py

## bench-quick: one second per cell, to prove the harness works (no timing is asserted)
bench-quick: install
	$(PY) bench/run.py --quick

format: install
	$(VENV)/bin/ruff format framework tests scripts docs/hooks bench example
	$(VENV)/bin/ruff check --fix framework tests scripts docs/hooks bench example

clean:
	rm -rf $(VENV) site dist build .pytest_cache .mypy_cache .ruff_cache
