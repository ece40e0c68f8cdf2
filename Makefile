# Two commands on a fresh machine: `make run` and `make test`. Each builds .venv itself.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements/lock.txt | cut -d' ' -f1)

.DEFAULT_GOAL := help
.PHONY: help install run test lint typecheck check messages bench clean-data

help:
	@echo "make run        web + Celery worker + beat with demo data (embedded PostgreSQL/Redis unless DATABASE_URL/REDIS_URL are set)"
	@echo "make test       the test suite against real PostgreSQL and Redis (ARGS='...' passes pytest arguments)"
	@echo "make check      ruff, mypy and the migrations check"
	@echo "make messages   recompile the English/Korean translations (needs gettext's msgfmt)"
	@echo "make bench      the benchmarks under bench/ (see docs/benchmarks.md)"

$(STAMP): requirements/lock.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: $(STAMP)
	$(PY) scripts/run.py

test: $(STAMP)
	$(PY) scripts/services.py --profile test -- $(PY) -m pytest $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy .

check: lint typecheck
	$(PY) scripts/services.py --profile test -- $(PY) manage.py makemigrations --check --dry-run

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv

bench: $(STAMP)
	$(PY) bench/engine_throughput.py
	$(PY) scripts/services.py --profile bench -- $(PY) bench/api_load.py
	EMBEDDED_DATA_DIR=.data/bench1m $(PY) scripts/services.py --profile bench -- sh -c \
		'$(PY) bench/generate_cases.py --cases 1000000 --reuse && $(PY) bench/ministry_queue.py --load-wait 600'

clean-data:
	rm -rf .data
