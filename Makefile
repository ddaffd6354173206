# Everything a developer or CI needs, from a fresh Debian bookworm machine with python3.
#
#   make run            venv, migrate, load the article's content, serve http://127.0.0.1:8000
#   make test           lint, then the suite on SQLite; again on PostgreSQL when CI=true or PG=1
#   make help           all targets
#
# System packages (chromium, fonts-noto-cjk, postgresql, redis-server) are apt-installed when
# missing and we are root; otherwise the tests needing them skip with a reason (except in CI,
# where they fail).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements.stamp
MANAGE := $(BIN)/python manage.py
PYTEST := $(BIN)/python -m pytest
PYTEST_ARGS ?=
# pytest-xdist workers for both passes: one per CPU, at most 8 (beyond that the per-worker test
# databases, browsers and servers cost more than they give). PYTEST_WORKERS=0: no workers, one process.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n < 8 ? n : 8 )))
# loadgroup: tests marked @pytest.mark.xdist_group(name) share one worker, the rest are spread.
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadgroup
CHROMIUM := /usr/bin/chromium
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -q
SCREENSHOT := docs/screenshot-home.png

.PHONY: help venv run test test-sqlite test-postgres lint browser-deps postgres-deps redis-deps check-deploy bench \
	screenshot clean distclean

help:
	@echo "make run            venv, migrate, load_initial_data (+ load_sample_data if present), runserver 127.0.0.1:8000"
	@echo "make test           lint, system deps, pytest on SQLite; again on PostgreSQL when CI=true or PG=1"
	@echo "make test-sqlite    pytest on SQLite only (PYTEST_ARGS='-k ...' to narrow)"
	@echo "                     (both passes use one pytest-xdist worker per CPU, at most 8: PYTEST_WORKERS=N, 0 for none)"
	@echo "make test-postgres  pytest on a throwaway PostgreSQL cluster (scripts/with-postgres.sh)"
	@echo "make lint           ruff check + ruff format --check (pyproject.toml)"
	@echo "make check-deploy   manage.py check --deploy with production settings"
	@echo "make screenshot     regenerate $(SCREENSHOT)"
	@echo "make bench          gunicorn + wrk on every public page, SQLite and PostgreSQL, N=1 and 10 -> docs/performance.md"
	@echo "                     (BENCH_ARGS='--databases sqlite --scales 1 --cache off --duration 3' to narrow; see --help)"
	@echo "make venv | browser-deps | postgres-deps | redis-deps | clean | distclean"

# --- Python environment: rebuilt only when the requirements change -------------------------
venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@$(BIN)/python -c '' 2>/dev/null || $(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -q -r requirements-dev.txt
	@touch $@

# --- Development server ---------------------------------------------------------------------
run: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) load_initial_data
	@if $(MANAGE) help load_sample_data >/dev/null 2>&1; then \
		echo "$(MANAGE) load_sample_data"; $(MANAGE) load_sample_data; \
	fi
	$(MANAGE) runserver 127.0.0.1:8000

# --- Tests ----------------------------------------------------------------------------------
# lint first: a ruff finding fails `make test` (and CI, which runs it) before any suite runs.
# tests/test_scale_out_services.py starts its own PostgreSQL in either run: its server programs are
# installed as root and always in CI; otherwise that module skips when they are missing.
test: lint browser-deps redis-deps
	@if [ "$$(id -u)" = 0 ] || [ "$${CI:-}" = true ]; then $(MAKE) --no-print-directory postgres-deps; fi
	$(MAKE) --no-print-directory test-sqlite
	@if [ "$${CI:-}" = true ] || [ "$${PG:-}" = 1 ]; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "(PostgreSQL run skipped: set PG=1 or CI=true to run the suite on PostgreSQL too)"; \
	fi

# Each pass runs in two steps: the suite on the workers, then the tests marked `budget` (they send
# as many requests as they can within a wall-clock budget, and a second worker would eat it) alone.
# pytest's status 5 ("no tests collected": PYTEST_ARGS chose none of a step's tests) is no failure.
test-sqlite: venv
	@echo "=== pytest on SQLite ==="
	env -u DATABASE_URL $(PYTEST) $(PYTEST_PARALLEL) -m "not budget" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	@echo "=== pytest on SQLite: the tests with a time budget, alone ==="
	env -u DATABASE_URL $(PYTEST) -m budget $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-postgres: venv postgres-deps
	@echo "=== pytest on PostgreSQL ==="
	@echo "(tests marked own_servers start their own database, and browser tests check what the reader sees,"
	@echo " the same on either database: both ran in the SQLite pass and are not repeated here)"
	scripts/with-postgres.sh bash -c '{ $(PYTEST) $(PYTEST_PARALLEL) --create-db -m "not own_servers and not browser and not budget" $(PYTEST_ARGS) || [ $$? -eq 5 ]; } \
		&& echo "=== pytest on PostgreSQL: the tests with a time budget, alone ===" \
		&& { $(PYTEST) --create-db -m "budget and not own_servers and not browser" $(PYTEST_ARGS) || [ $$? -eq 5 ]; }'

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# --- System packages (Debian) ---------------------------------------------------------------
browser-deps:
	@if [ -x $(CHROMIUM) ] && fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing chromium and fonts-noto-cjk (Debian packages) for the browser tests"; \
		apt-get update -q && $(APT_INSTALL) chromium fonts-noto-cjk; \
	elif [ -x $(CHROMIUM) ]; then \
		echo "NOTE: fonts-noto-cjk is missing (Chinese renders as boxes in screenshots);" \
			"as root: apt-get install fonts-noto-cjk"; \
	else \
		echo "NOTE: $(CHROMIUM) is missing and we are not root: the browser tests will be SKIPPED." \
			"Install it with: sudo apt-get install chromium fonts-noto-cjk"; \
	fi

postgres-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing PostgreSQL server binaries (Debian package postgresql)"; \
		apt-get update -q && $(APT_INSTALL) postgresql; \
	else \
		echo "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin;" \
			"install them with: sudo apt-get install postgresql" >&2; \
		exit 1; \
	fi

# redis-server for tests/test_scale_out.py (gunicorn workers sharing the rate limits in Redis):
# the test starts a private server on a free port and stops it.
redis-deps:
	@if command -v redis-server >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing redis-server (Debian package) for the scale-out tests"; \
		apt-get update -q && $(APT_INSTALL) redis-server; \
	else \
		echo "NOTE: redis-server is missing and we are not root: the scale-out tests will be SKIPPED." \
			"Install it with: sudo apt-get install redis-server"; \
	fi

# --- Production settings check --------------------------------------------------------------
check-deploy: venv
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=portal.settings DJANGO_DEBUG=false \
		DJANGO_SECRET_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		DJANGO_ALLOWED_HOSTS=portal.example.org DJANGO_CACHE_URL=redis://127.0.0.1:6379/0 \
		$(MANAGE) check --deploy --fail-level WARNING

# --- Benchmark -------------------------------------------------------------------------------
# gunicorn (2 workers, production settings) loaded by wrk on every public page type; the numbers
# and the machine go to docs/performance.md (scripts/bench.py --help). About 25 minutes in full.
BENCH_ARGS ?=
bench: venv redis-deps postgres-deps
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing wrk (Debian package), the load generator of the benchmark"; \
			apt-get update -q && $(APT_INSTALL) wrk; \
		else \
			echo "wrk is missing; install it with: sudo apt-get install wrk" >&2; exit 1; \
		fi; \
	fi
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# --- README screenshot ----------------------------------------------------------------------
screenshot: venv browser-deps
	$(BIN)/python scripts/screenshot.py $(SCREENSHOT)

# Generated files only; the development database (db.sqlite3) and media/ are kept.
clean:
	rm -rf test-artifacts staticfiles .pytest_cache
	find . -name __pycache__ -type d -not -path './.git/*' -not -path './$(VENV)/*' -prune -exec rm -rf {} +

# Also the virtualenv: the next make target rebuilds it from the requirements.
distclean: clean
	rm -rf $(VENV)
