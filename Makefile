# traintrack: `make run` and `make test` work on a fresh machine; everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
UV := .run/uv/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help setup run up down status test test-lowest lint format schemas unit bench chaos clean

help:
	@echo "make run     set up and run the whole platform with demo data (Ctrl-C stops it)"
	@echo "make test    set up and run lint, types, contracts and every test"
	@echo "make up      the same platform in the background; make down stops it"
	@echo "make test-lowest  the unit tests on the lowest versions the packages declare"
	@echo "make schemas regenerate JSON Schema and AsyncAPI files from the contracts"
	@echo "make bench   benchmarks, each beside a baseline measured in the same run"
	@echo "make chaos   20,000 journeys while services, Kafka and PostgreSQL are killed"
	@echo "make chaos CLUSTER=1  the same on three brokers, killing brokers, replicas, relays"

# uv itself is the one tool installed with pip; everything else comes from uv.lock.
$(UV):
	$(PYTHON) -m venv .run/uv
	.run/uv/bin/pip install -q --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(UV) uv.lock pyproject.toml shared/*/pyproject.toml services/*/pyproject.toml tools/pyproject.toml \
		infra/pyproject.toml
	$(UV) sync --locked --python $(PYTHON)
	touch $@

setup: $(STAMP)

run: setup
	$(PY) -m traintrack.devstack run

up: setup
	$(PY) -m traintrack.devstack up

# down and status need no virtualenv (the dev stack is stdlib-only): the system Python
# runs them from the source tree, so `make down` works after `rm -rf .venv` too.
down:
	PYTHONPATH=$(CURDIR)/infra/src $(PYTHON) -m traintrack.devstack down

status:
	PYTHONPATH=$(CURDIR)/infra/src $(PYTHON) -m traintrack.devstack status

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schemas: setup
	$(PY) -m traintrack.contracts.schemagen write

unit: setup
	$(PY) -m pytest tests/unit tests/contract

test: lint
	$(PY) -m pytest

# The unit tests against the LOWEST versions each package declares for its direct
# dependencies, in a venv of its own (uv.lock and .venv stay as they are): a minimum in a
# pyproject.toml that lacks an API we use fails here. Every workspace member is installed
# editable, so its dependencies count as direct.
LOWEST := .run/lowest
MEMBERS := $(filter-out shared/institute,$(wildcard shared/* services/*)) tools infra
test-lowest: $(UV)
	rm -rf $(LOWEST)
	$(UV) venv -q $(LOWEST) --python $(PYTHON)
	$(UV) pip install -q --python $(LOWEST)/bin/python --resolution lowest-direct \
		$(addprefix -e ,$(MEMBERS)) -e 'shared/institute[cli,tracing]' --group pyproject.toml:dev
	$(LOWEST)/bin/python -m pytest -p no:cacheprovider tests/unit

bench: setup
	$(PY) bench/matching_round.py
	$(PY) bench/matching_service_round.py
	$(PY) bench/pipeline.py
	$(PY) bench/onboarding.py

# CLUSTER=1: on the three-node Kafka, two replicas of every worker and API (bench/chaos.py)
chaos: setup
	$(PY) -m bench.chaos $(if $(CLUSTER),--cluster)

clean: down
	rm -rf .run $(VENV)
