# Roll Call: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# make run is a development server on a laptop: DEBUG on, the SQLite file under var/, and
# e-mails written as files to var/mail/ instead of being sent.
RUN_ENV := DEBUG=true SITE_URL=http://$(HOST):$(PORT) \
	EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH=var/mail
TEST_ENV := DJANGO_SETTINGS_MODULE=rollcall.settings_test
PYTEST_WORKERS ?= 2

.PHONY: help setup assets run worker sweep test lint typecheck migrations-check pytest test-postgres test-browser bench bench-load bench-faults clean \
	run-production test-production backup restore-drill

help:
	@echo "make run            set everything up, load the demo council and serve it on http://$(HOST):$(PORT)"
	@echo "make test           set everything up and run ruff, mypy, the migration check and the tests (SQLite)"
	@echo "make test-postgres  the same tests on PostgreSQL (DATABASE_URL, or a local server on 127.0.0.1:5432)"
	@echo "make test-browser   the browser suite in Debian's Chromium, with axe accessibility checks"
	@echo "make bench          the benchmarks under bench/"
	@echo "make bench-load     50 users for 5 minutes against run-production on 100,000 children (LOAD_ARGS=...)"
	@echo "make bench-faults   PostgreSQL restarted mid-load, the sweep and an import killed and rerun, a full disk"
	@echo "make run-production the production shape: PostgreSQL, gunicorn, task workers, scheduler, DEBUG off"
	@echo "make test-production boot that on a fresh database and walk a smoke journey over HTTP"
	@echo "make backup         pg_dump the database to var/backups/ (make restore-drill checks one)"

# ---- set-up -------------------------------------------------------------------------------
$(VENV)/.installed: pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "Roll Call needs Python 3.11 or newer ($(PYTHON) not found)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Roll Call needs Node.js and npm to build GOV.UK Frontend."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend from npm, compiled into build/static (git-ignored, never committed).
build/static/govuk/app.css: node_modules/.installed frontend/app.scss
	mkdir -p build/static/govuk
	npm run --silent build:css
	cp -r node_modules/govuk-frontend/dist/govuk/assets build/static/govuk/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js build/static/govuk/

assets: build/static/govuk/app.css

setup: $(VENV)/.installed assets

# ---- run ----------------------------------------------------------------------------------
run: setup
	mkdir -p var
	$(RUN_ENV) $(MANAGE) migrate --no-input
	$(RUN_ENV) $(MANAGE) collectstatic --no-input --verbosity 0
	$(RUN_ENV) $(MANAGE) seed_demo --if-empty
	@$(RUN_ENV) $(MANAGE) demo_sign_ins --address http://$(HOST):$(PORT)/
	@echo "E-mails Roll Call sends are written to var/mail/. Press Ctrl+C to stop."
	@trap 'kill 0' EXIT; \
	  $(RUN_ENV) $(MANAGE) db_worker --interval 2 & \
	  $(RUN_ENV) $(MANAGE) rollcall_scheduler & \
	  $(RUN_ENV) $(MANAGE) runserver $(HOST):$(PORT)

# ---- production shape (docs/operations.md) ------------------------------------------------
run-production: setup
	scripts/run-production

test-production: setup
	scripts/test-production

backup:
	scripts/backup

restore-drill: setup
	scripts/restore-drill $(BACKUP)

# ---- checks -------------------------------------------------------------------------------
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(TEST_ENV) $(VENV)/bin/mypy

migrations-check: $(VENV)/.installed
	mkdir -p var
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run

pytest: setup
	$(TEST_ENV) $(VENV)/bin/pytest -m "not browser" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: lint typecheck migrations-check pytest

test-postgres: setup
	@url="$$(scripts/ensure-postgres)" || exit 1; \
	  echo "PostgreSQL: $$url"; \
	  $(TEST_ENV) DATABASE_URL="$$url" $(MANAGE) makemigrations --check --dry-run && \
	  $(TEST_ENV) DATABASE_URL="$$url" $(VENV)/bin/pytest -m "not browser" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-browser: setup
	scripts/ensure-chromium
	$(TEST_ENV) DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -m browser -p no:xdist \
	  --browser chromium -W ignore::pytest.PytestRemovedIn10Warning $(PYTEST_ARGS)

bench: setup
	$(PY) bench/sweep.py
	$(PY) bench/attendance.py --database both
	$(PY) bench/reports.py --database both

# The load test against run-production (issue 14): Locust is installed only here, not by make test.
bench-load: setup
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev,load]'
	$(PY) bench/load.py $(LOAD_ARGS)

bench-faults: setup
	$(PY) bench/faults.py $(FAULT_ARGS)

clean:
	rm -rf $(VENV) node_modules build var .pytest_cache .mypy_cache .ruff_cache test-results
