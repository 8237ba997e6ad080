# OpenAR: every task goes through make. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT := $(shell scripts/find-python)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
OPENAR := $(VENV)/bin/openar
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

DEMO_CUSTOMERS ?= 1800
PYTEST_ARGS ?= -n 2
DEMO_COLLECTORS ?= 3
DEMO_SEED ?= 42
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install demo test check bench serve worker migrate messages clean

help:
	@echo "make demo     install, load the demo portfolio and serve http://$(HOST):$(PORT)"
	@echo "make test     install and run the whole test suite"
	@echo "make install  create .venv with every dependency (no server)"
	@echo "make check    ruff, mypy, migrations check"
	@echo "make bench    scale benchmarks (set DATABASE_URL for PostgreSQL)"

$(UV):
	@test -n "$(PYTHON_BOOT)" || { echo "Python 3.12+ not found" >&2; exit 1; }
	$(PYTHON_BOOT) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python "$(PYTHON_BOOT)"
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(OPENAR) migrate

demo: install
	OPENAR_DEMO_MODE=1 $(OPENAR) migrate
	OPENAR_DEMO_MODE=1 $(OPENAR) demo-data --customers $(DEMO_CUSTOMERS) --collectors $(DEMO_COLLECTORS) --seed $(DEMO_SEED) --reset
	OPENAR_DEMO_MODE=1 $(OPENAR) score train
	OPENAR_DEMO_MODE=1 $(OPENAR) run-daily
	OPENAR_DEMO_MODE=1 $(OPENAR) comms send --ignore-window
	OPENAR_DEMO_MODE=1 $(OPENAR) demo-mail --seed $(DEMO_SEED)
	OPENAR_DEMO_MODE=1 $(OPENAR) comms fetch
	OPENAR_DEMO_MODE=1 $(OPENAR) serve --host $(HOST) --port $(PORT)

serve: install
	$(OPENAR) serve --host $(HOST) --port $(PORT)

worker: install
	$(OPENAR) manage db_worker

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

check: install
	$(VENV)/bin/ruff check openar tests benchmarks
	$(VENV)/bin/ruff format --check openar tests benchmarks
	$(VENV)/bin/mypy openar
	$(OPENAR) manage makemigrations --check --dry-run

bench: install
	$(VENV)/bin/python -m benchmarks $(BENCH_ARGS)

messages: install
	cd openar && ../$(OPENAR) manage makemessages -l es --no-obsolete && ../$(OPENAR) manage compilemessages

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
