# Loket — the two commands a newcomer needs are `make demo` and `make test`.
# Everything is installed into .venv from the lock files; nothing outside the project is changed.

PYTHON   ?= $(shell bin/find-python)
VENV     := .venv
BIN      := $(VENV)/bin
HOST     ?= 127.0.0.1
PORT     ?= 8000
export DJANGO_SETTINGS_MODULE := loket.settings

.PHONY: install install-dev demo test lint format typecheck bench eval-wegwijzer lock clean messages

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## demo: install, migrate an SQLite database under var/, load the demo data, serve on
## $(HOST):$(PORT). Links in the demo's e-mails follow that address (LOKET_BASE_URL), unless set.
DEMO_BASE_URL = $(or $(LOKET_BASE_URL),http://$(HOST):$(PORT))
DEMO_ENV = LOKET_MODE=demo LOKET_BASE_URL=$(DEMO_BASE_URL)
demo: install
	$(DEMO_ENV) $(BIN)/loket migrate --noinput
	$(DEMO_ENV) $(BIN)/loket load_demo
	@echo
	@echo "  Loket demo: http://$(HOST):$(PORT)/   (staff accounts and passwords: see README.md)"
	@echo
	@# The worker delivers messages (into var/mail/) and runs periodic jobs next to the server.
	$(DEMO_ENV) $(BIN)/loket worker > var/worker.log 2>&1 & \
	  worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(DEMO_ENV) $(BIN)/loket runserver $(HOST):$(PORT)

## test: lint, type check, then the whole suite on SQLite and on PostgreSQL (where reachable)
test: install-dev lint typecheck
	$(BIN)/python bin/test-lanes $(PYTEST_ARGS)

## lint: ruff, then bin/check-layers (the apps keep the layers of the README's architecture)
lint: install-dev
	$(BIN)/ruff check src tests bin/test-lanes bin/pg-ready bin/check-layers bench
	$(BIN)/ruff format --check src tests bin/test-lanes bin/pg-ready bin/check-layers bench
	$(BIN)/python bin/check-layers

format: install-dev
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

typecheck: install-dev
	LOKET_MODE=test $(BIN)/mypy

## bench: benchmarks that print figures. The outbox on SQLite; with PostgreSQL reachable also the
## outbox there, the outbox while workers are killed at random (loket_crash, recreated),
## appointments (availability, booking, the waiting-room screen; loket_bench_appointments, made
## and dropped by the script, bench/results/appointments.json), public-space reports (nearby
## duplicates, Open311 requests, report_create with 8 clients on 500,000 reports;
## loket_bench_reports, made and dropped by the script, bench/results/reports.json), and the
## load test of every main path on the synthetic organisation (generated into BENCH_SCALE_DB the
## first time: about 1,000,000 cases and 3,000,000 contacts).
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_SCALE_DB ?= loket_scale
bench: install-dev
	@mkdir -p var bench/results
	$(BIN)/python bench/notifications.py
	@if $(BIN)/python bin/pg-ready "$(BENCH_PG)/postgres"; then \
	  $(BIN)/python bin/pg-ready "$(BENCH_PG)/postgres" --recreate loket_bench && \
	  BENCH_DATABASE_URL=$(BENCH_PG)/loket_bench $(BIN)/python bench/notifications.py && \
	  BENCH_DATABASE_URL=$(BENCH_PG)/loket_crash $(BIN)/python bench/notifications_crash.py && \
	  BENCH_DATABASE_URL=$(BENCH_PG)/loket_bench_appointments $(BIN)/python bench/appointments.py && \
	  BENCH_DATABASE_URL=$(BENCH_PG)/loket_bench_reports $(BIN)/python bench/reports.py && \
	  $(BIN)/python bin/pg-ready "$(BENCH_PG)/postgres" --ensure $(BENCH_SCALE_DB) && \
	  BENCH_DATABASE_URL=$(BENCH_PG)/$(BENCH_SCALE_DB) $(BIN)/python bench/load.py; \
	else echo "PostgreSQL not reachable at $(BENCH_PG): PostgreSQL benchmarks skipped"; fi

## eval-wegwijzer: top-1/top-3 accuracy and median latency on the evaluation sets.
## Uses a scratch SQLite database under var/ (set EVAL_DATABASE_URL to measure on PostgreSQL).
EVAL_DATABASE_URL ?= sqlite:///$(CURDIR)/var/eval-wegwijzer.sqlite3
eval-wegwijzer: install
	@mkdir -p var
	DATABASE_URL=$(EVAL_DATABASE_URL) LOKET_MODE=demo $(BIN)/loket migrate --noinput -v0
	DATABASE_URL=$(EVAL_DATABASE_URL) LOKET_MODE=demo $(BIN)/loket load_catalogue
	DATABASE_URL=$(EVAL_DATABASE_URL) LOKET_MODE=demo $(BIN)/loket eval_wegwijzer $(EVAL_ARGS)

## lock: re-pin every dependency for every supported Python (needs network access to PyPI)
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 pyproject.toml -o requirements.lock
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --extra dev pyproject.toml -o requirements-dev.lock

clean:
	rm -rf $(VENV) var/*.sqlite3 var/media var/static

## messages: refresh the Dutch translation catalogue after changing interface texts (needs gettext)
messages: install-dev
	cd src/loket && LOKET_MODE=test ../../$(BIN)/loket makemessages -l nl --no-obsolete
	cd src/loket && LOKET_MODE=test ../../$(BIN)/loket compilemessages
