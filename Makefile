# Two commands on a fresh machine: `make run` and `make test`. Each builds .venv itself.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# requirements/*.in say what is wanted; the .txt locks (pinned, with hashes) are what is installed.
# The image installs production.txt only; a developer's .venv gets test.txt (production + test
# tools + the embedded servers) and dev.txt (linters, mypy, pip-audit, pip-tools).
LOCKS := requirements/production.txt requirements/test.txt requirements/dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(LOCKS) | cksum | cut -d' ' -f1)
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes

# A .venv without a working python or pip (e.g. made where python3.11-venv was missing) is rebuilt:
# its stamp may say "installed", so the install step is forced whenever the check fails.
ifneq ($(shell $(PY) -c "import pip" >/dev/null 2>&1 && echo ok),ok)
.PHONY: $(STAMP)
endif

.DEFAULT_GOAL := help
.PHONY: help install run test lint typecheck check messages bench clean-data lock audit

help:
	@echo "make run        web + Celery worker + beat with demo data (embedded PostgreSQL/Redis unless DATABASE_URL/REDIS_URL are set)"
	@echo "make test       the test suite against real PostgreSQL and Redis (ARGS='...' passes pytest arguments)"
	@echo "make check      ruff, mypy and the migrations check"
	@echo "make audit      pip-audit --strict on every lock (needs the vulnerability service; fails if it cannot audit)"
	@echo "make lock       recompile requirements/*.txt from requirements/*.in (pinned, with hashes)"
	@echo "make messages   recompile the English/Korean translations (needs gettext's msgfmt)"
	@echo "make bench      the benchmarks under bench/ (see docs/benchmarks.md)"

$(STAMP): $(LOCKS)
	@if ! { test -x $(PY) && $(PY) -c "import pip" >/dev/null 2>&1; }; then \
	  if [ -e $(VENV) ]; then echo "[make] $(VENV) is broken (no python, or python without pip): rebuilding it"; fi; \
	  rm -rf $(VENV); \
	  if [ -z "$(PYTHON)" ]; then echo "[make] ERROR: no python3.11 or python3 on PATH: install Python 3.11" >&2; exit 1; fi; \
	  pkg=$$($(PYTHON) -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])'); \
	  if ! $(PYTHON) -m venv $(VENV) || ! $(PY) -c "import pip" >/dev/null 2>&1; then \
	    rm -rf $(VENV); \
	    echo "" >&2; \
	    echo "[make] ERROR: '$(PYTHON) -m venv' cannot make a virtual environment with pip." >&2; \
	    echo "[make] The Debian package $$pkg is missing: apt-get install $$pkg   (then run make again)" >&2; \
	    exit 1; \
	  fi; \
	fi
	$(PIP_INSTALL) -r requirements/production.txt -r requirements/test.txt -r requirements/dev.txt
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

# Recompile the locks after editing a .in file (production first: test and dev are constrained by it).
# Add --upgrade-package NAME to PIP_COMPILE_ARGS to move one package, or --upgrade for everything.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(CURDIR)/$(VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(PIP_COMPILE_ARGS)
lock: $(STAMP)
	cd requirements && $(PIP_COMPILE) -o production.txt production.in
	cd requirements && $(PIP_COMPILE) -o test.txt test.in
	cd requirements && $(PIP_COMPILE) -o dev.txt dev.in

# pip-audit --strict against each lock, exactly as pinned (hashes checked, no resolution). It needs
# the vulnerability service (PyPI's JSON API by default): where that cannot be reached, pip-audit
# cannot audit anything, and --strict makes that an error instead of "No known vulnerabilities found".
audit: $(STAMP)
	@failed=""; \
	for lock in $(LOCKS); do \
	  echo "[audit] $$lock"; \
	  $(VENV)/bin/pip-audit --strict --progress-spinner off --require-hashes --disable-pip \
	    -r $$lock || failed="$$failed $$lock"; \
	done; \
	if [ -n "$$failed" ]; then \
	  echo "" >&2; \
	  echo "[audit] FAILED:$$failed" >&2; \
	  echo "[audit] Either a dependency has a known vulnerability (listed above), or pip-audit could not" >&2; \
	  echo "[audit] audit it (vulnerability service unreachable, or a package it could not look up)." >&2; \
	  echo "[audit] Nothing above counts as 'no known vulnerabilities'. See docs/operations.md." >&2; \
	  exit 1; \
	fi; \
	echo "[audit] every lock audited: no known vulnerabilities"

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv

bench: $(STAMP)
	$(PY) bench/engine_throughput.py
	$(PY) bench/rubric_language.py
	$(PY) scripts/services.py --profile bench -- $(PY) bench/api_load.py
	EMBEDDED_DATA_DIR=.data/bench1m $(PY) scripts/services.py --profile bench -- sh -c \
		'$(PY) bench/generate_cases.py --cases 1000000 --reuse && $(PY) bench/ministry_queue.py --load-wait 600'

clean-data:
	rm -rf .data
