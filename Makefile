# govdash — the two commands are `make run` and `make test` (see README.md).
# Every target is safe to run again: the steps below skip what is already done.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON     ?= python3
VENV       ?= .venv
HOST       ?= 0.0.0.0
PORT       ?= 8050
DEMO_ARGS  ?=
BENCH_ARGS ?=
PYTEST_WORKERS ?= 2
export PYTHON VENV PYTEST_WORKERS

BIN := $(VENV)/bin

.PHONY: help run test bench bench-browser lint format clean install deps-run deps-test services db serve

help: ## Show this help
	@echo "govdash — dashboard for municipal social-governance centers (综治中心)"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Variables: HOST=$(HOST) PORT=$(PORT) DEMO_ARGS='$(DEMO_ARGS)' BENCH_ARGS='$(BENCH_ARGS)'"
	@echo "           PYTEST_WORKERS=$(PYTEST_WORKERS) PYTEST_ADDOPTS='$(PYTEST_ADDOPTS)' PYTHON=$(PYTHON)"

run: install deps-run db ## Install, load the Baotou demo (first time only), serve on http://HOST:PORT
	@echo "==> Serving govdash on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	exec $(BIN)/govdash serve --host $(HOST) --port $(PORT)

test: install deps-test services ## Install (+ chromium, chromium-driver), run ruff and the whole pytest suite
	bash scripts/test.sh

bench: install ## Run the benchmarks (python -m bench.run, plus BENCH_ARGS)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-browser: install deps-test ## Time region pages in headless chromium (python -m bench.browser, plus BENCH_ARGS)
	$(BIN)/python -m bench.browser $(BENCH_ARGS)

lint: install ## ruff check .
	$(BIN)/ruff check .

format: install ## ruff format . and ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean: ## Remove .venv, data/ (the demo database) and caches
	rm -rf $(VENV) data .pytest_cache .ruff_cache .hypothesis build bench/results *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

install: ## Create .venv and pip install -e .[dev] (only when pyproject.toml changed)
	@bash scripts/venv.sh

deps-run: ## Debian packages for the app: fonts-noto-cjk chromium (only if missing)
	@bash scripts/system-deps.sh run

deps-test: ## Debian packages for the tests: + chromium-driver (only if missing)
	@bash scripts/system-deps.sh test

services:
	@bash scripts/services.sh

db: install ## Create the database and load the demo (govdash init-db; govdash demo, plus DEMO_ARGS)
	@bash scripts/demo-db.sh $(DEMO_ARGS)

serve: install ## Only serve (no Debian packages, no database step)
	exec $(BIN)/govdash serve --host $(HOST) --port $(PORT)
