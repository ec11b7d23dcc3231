# traintrack: `make run` and `make test` work on a fresh machine; everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PACKAGES := -e shared -e services/enrollment -e services/evaluation -e services/matching \
            -e services/outcomes -e services/operations

.PHONY: help setup run up down status test lint format schemas unit bench chaos clean

help:
	@echo "make run     set up and run the whole platform with demo data (Ctrl-C stops it)"
	@echo "make test    set up and run lint, types, contracts and every test"
	@echo "make up      the same platform in the background; make down stops it"
	@echo "make schemas regenerate JSON Schema and AsyncAPI files from the contracts"
	@echo "make bench   benchmarks, each beside a baseline measured in the same run"
	@echo "make chaos   20,000 journeys while services, Kafka and PostgreSQL are killed"

$(STAMP): requirements-dev.txt shared/pyproject.toml services/*/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check uv
	$(VENV)/bin/uv pip install -q --python $(PY) -r requirements-dev.txt $(PACKAGES)
	touch $@

setup: $(STAMP)

run: setup
	$(PY) infra/local.py run

up: setup
	$(PY) infra/local.py up

down:
	$(PYTHON) infra/local.py down

status:
	$(PYTHON) infra/local.py status

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schemas: setup
	$(PY) -m traintrack_shared.schemagen write

unit: setup
	$(PY) -m pytest tests/unit tests/contract

test: lint
	$(PY) -m pytest

bench: setup
	$(PY) bench/matching_round.py
	$(PY) bench/matching_service_round.py
	$(PY) bench/pipeline.py
	$(PY) bench/onboarding.py

chaos: setup
	$(PY) -m bench.chaos

clean: down
	rm -rf .run $(VENV)
