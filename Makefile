SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST := 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -q
PG := bash scripts/pg-test-server.sh
# Chromium for the browser tests; the libraries Qt needs to draw the console (offscreen or on
# a screen); xvfb and xauth to open the console on a virtual screen.
SYSTEM_PACKAGES := curl chromium fonts-dejavu-core libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 \
	libfontconfig1 libdbus-1-3 libglib2.0-0 libnss3 libxcomposite1 libxdamage1 libxrandr2 \
	libxtst6 libxkbfile1 libasound2 libxshmfence1 libgbm1 libxcb-cursor0 libxcb-icccm4 \
	libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 xvfb xauth

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv run lint test test-sqlite test-pg pg-start pg-stop clean

help:
	@echo "make venv       create .venv and install the project with dev extras"
	@echo "make run        migrate, load demo data and serve on $(HOST):PORT (PORT=$(PORT))"
	@echo "make lint       ruff, import-linter, mypy"
	@echo "make test       lint, then pytest on SQLite and on a throwaway PostgreSQL"
	@echo "make test-sqlite / test-pg   only one of the two pytest runs"
	@echo "make pg-start   start the throwaway PostgreSQL (scripts/pg-test-server.sh)"
	@echo "make pg-stop    stop it"
	@echo "make clean      remove .venv, var/ and caches"
	@echo "Variables: PORT, PYTEST_ARGS (default: $(PYTEST_ARGS)), PG_TEST_PORT, PG_TEST_DIR"

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml package-lock.json
	@if ! $(PYTHON) -c 'import venv, ensurepip' >/dev/null 2>&1; then \
		bash scripts/ensure-system-packages.sh python3-venv; \
	fi
	@if [ ! -x $(BIN)/python ]; then \
		rm -rf $(VENV); \
		echo "$(PYTHON) -m venv $(VENV)"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev]'
	bash scripts/ensure-system-packages.sh $(SYSTEM_PACKAGES) $$(node --version >/dev/null 2>&1 || echo nodejs) $$(npm --version >/dev/null 2>&1 || echo npm)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@

run: venv
	$(BIN)/portal-server migrate
	$(BIN)/portal-server demo-data
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
		echo "Opening the care console: sign in as admin with the password printed above."; \
		bash scripts/open-console-when-ready.sh "http://$(HOST):$(PORT)" & \
	fi
	exec $(BIN)/portal-server serve --host $(HOST) --port $(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# pytest against SQLite (the default when TEST_DATABASE_URL is unset)
define pytest-sqlite
env -u TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
endef

# pytest against the throwaway PostgreSQL, which is stopped afterwards
# whatever the outcome; the exit status is pytest's.
define pytest-pg
$(PG) start
status=0; \
trap '$(PG) stop' INT TERM HUP; \
TEST_DATABASE_URL="$$($(PG) url)"; \
export TEST_DATABASE_URL; \
$(BIN)/pytest $(PYTEST_ARGS) -m "not sqlite_only and not e2e" || status=$$?; \
$(PG) stop; \
exit $$status
endef

# Both databases at once: each pytest run keeps about one core busy, and the two runs share
# nothing but the source tree. Each run's output is printed whole when it ends.
test: lint
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-pg

test-sqlite: venv
	$(pytest-sqlite)

test-pg: venv
	$(pytest-pg)

pg-start:
	$(PG) start

pg-stop:
	$(PG) stop

clean:
	$(PG) stop
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis test-artifacts build dist
	find . \( -path ./.git -o -name node_modules \) -prune -o -name '*.egg-info' -prune -exec rm -rf {} + \
		-o -name __pycache__ -prune -exec rm -rf {} +
