# ikuanalysis: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
YEAR ?=

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The package's bytecode is compiled once here: pip does not compile an editable install, and
# where PYTHONDONTWRITEBYTECODE is set every command (and its kernel) compiled the sources again.
$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	$(BIN)/python -m compileall -q src >/dev/null
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	$(BIN)/python -m compileall -q src >/dev/null
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime ## Create .venv (if missing) and install the package

install-test: $(VENV)/.installed-test ## Install the package with the test tools

dev: $(BIN)/python ## Install everything for notebook editing (jupyterlab)
	$(BIN)/python -m pip install -q -e ".[dev]"

system-deps: ## Install Chromium (used to print the PDF) when it is missing
	@bash scripts/install_system_deps.sh

report: install system-deps ## Build the report of the latest year (or YEAR=2024) from data/raw
	$(BIN)/ikuanalysis report $(if $(YEAR),--year $(YEAR),)

report-all: install system-deps ## Build every year's report (only what changed) and outputs/index.html
	$(BIN)/ikuanalysis report --all $(if $(JOBS),--jobs $(JOBS),) $(if $(FORCE),--force,)

validate: install ## Check the raw registers of the latest year (or YEAR=...) without writing
	$(BIN)/ikuanalysis validate $(if $(YEAR),--year $(YEAR),)

lint-imports: install-test ## Check the layer order of the stages (import-linter)
	$(BIN)/lint-imports

test: install-test system-deps lint-imports ## Check the layer order, then run the whole test suite
	$(BIN)/python -m pytest -n $(or $(JOBS),2) tests notebooks

sample-data: install ## Regenerate the synthetic sample registers in data/raw
	$(BIN)/python scripts/make_sample_data.py

clean: ## Remove generated files (data/processed, outputs)
	find data/processed outputs -mindepth 1 -not -name .gitkeep -delete


.PHONY: lint-imports help install install-test dev system-deps report report-all validate test sample-data clean
