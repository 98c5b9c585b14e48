# The verbs people type. Everything installs itself into ./.venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install demo nightly test lint typecheck ui bench sample-data clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "channel-mdm needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## demo: generate sample data if absent, run every asset into ./.data, print the summary
demo: $(STAMP)
	@mkdir -p $(DAGSTER_HOME)
	@test -f $(DAGSTER_HOME)/dagster.yaml || cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/channel-mdm demo

## nightly: after 'make demo', the sample's next night: changed exports dropped, the next business date synced
## (rows gone from the sample's exports are soft-deleted unless CHANNEL_MDM_DELETE_POLICY says otherwise)
nightly: $(STAMP)
	@mkdir -p $(DAGSTER_HOME)
	@test -f $(DAGSTER_HOME)/dagster.yaml || cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	CHANNEL_MDM_DELETE_POLICY=$${CHANNEL_MDM_DELETE_POLICY:-soft_delete} $(BIN)/channel-mdm nightly

## test: lint, format and type check, then the whole test suite (database tests skip without a server)
test: lint
	$(BIN)/python -m pytest

## lint: ruff's lint and format check, then mypy over the libraries
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck

## typecheck: mypy over the libraries, configured in pyproject.toml ([tool.mypy])
typecheck: $(STAMP)
	$(BIN)/mypy

## ui: the Dagster UI with the assets, checks, schedule and sensor
ui: $(STAMP)
	@mkdir -p $(DAGSTER_HOME)
	@test -f $(DAGSTER_HOME)/dagster.yaml || cp dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -m pipelines.definitions

## bench: the benchmarks behind BENCHMARKS.md
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run_all

sample-data: $(STAMP)
	$(BIN)/channel-mdm generate --out sample_data/sources --seed 20261126

clean:
	rm -rf .data .dagster_home
