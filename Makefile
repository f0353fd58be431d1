# The two commands of the README: `make run` (set up and serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on PYTEST_WORKERS processes at once (pytest-xdist): one per core of a 2-core
# CI machine. PYTEST_WORKERS=0 runs it in this process, one test after another. Tests marked
# xdist_group("name") all run on one worker.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadgroup

.PHONY: setup run start-empty test test-fast lint format bench bench-pack bench-ingest bench-reminders bench-trail bench-scale bench-import load worker beat browser clean

# Installing talks on stderr so that `make bench` keeps stdout to its JSON lines.
$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) >&2
	@$(PY) -m pip install --quiet --upgrade pip >&2
	@$(PY) -m pip install --quiet '.[dev]' >&2
	@touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --url http://$(HOST):$(PORT)/

# `make run PORT=8100 HOST=0.0.0.0` serves elsewhere; the address printed is the one served.
run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

# A real organisation, no demo data: migrate, create the first governance officer (password
# asked for, or AIMS_OFFICER_PASSWORD), serve; open /start/. Use its own database (DATABASE_URL).
OFFICER ?= officer
EMAIL ?= $(OFFICER)@example.org
start-empty: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py start_organisation --username $(OFFICER) --email $(EMAIL) --url http://$(HOST):$(PORT)/
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP) browser
	$(PY) -m pytest $(PYTEST_PARALLEL)

# Browser tests drive Debian's Chromium; install it when we can (root with apt), else they skip.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

test-fast: $(STAMP)
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "not e2e and not integration"

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(STAMP)
	@$(PY) benchmarks/run.py

# Evidence-pack build time, WeasyPrint share and peak memory at 50/100/200 systems (minutes).
bench-pack: $(STAMP)
	@$(PY) benchmarks/pack.py

# Bulk observation ingestion through the API: 20 batches of 5,000 (observations per second).
bench-ingest: $(STAMP)
	@$(PY) benchmarks/ingest.py

# Daily reminder sweep over 100,000 due-dated records: first run, same day, next day (seconds).
bench-reminders: $(STAMP)
	@$(PY) benchmarks/reminders.py

# Spreadsheet import of 10,000 AI systems (XLSX): preview, commit, re-import (rows per second).
bench-import: $(STAMP)
	@$(PY) benchmarks/imports.py $(IMPORT_ARGS)

# Audit-trail verification at 100,000 and 1,000,000 links: seconds and peak memory (minutes).
bench-trail: $(STAMP)
	@$(PY) benchmarks/trail.py

# 32 users for 60 s against gunicorn (4 workers) on PostgreSQL + Redis with a Celery worker;
# its own database (LOAD_DATABASE_URL, default aims_load), dropped at the end. LOAD_ARGS: options.
load: $(STAMP)
	@$(PY) benchmarks/load.py $(LOAD_ARGS)

# Every page, API list, system tab, export, management-review creation and trail verification
# at ten times the reference organisation, per role; ends with a summary line (<= 15 min).
# `make bench-scale SCALE=0.1` for a quick run.
SCALE ?= 1
bench-scale: $(STAMP)
	@$(PY) benchmarks/scale.py --scale $(SCALE)

worker: $(STAMP)
	$(VENV)/bin/celery -A aims worker -l info

# Schedules come from the database (django-celery-beat): migrate first.
beat: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/celery -A aims beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler

clean:
	rm -rf var/aims.sqlite3 var/media var/staticfiles
