# Two commands do all set-up on a fresh machine with Python 3.11:
#   make audit   -> .venv, the project installed, `auditor audit seeds/` writing reports/
#   make test    -> .venv with the dev extra, pytest
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: audit test install install-dev lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

audit: install
	$(BIN)/auditor audit seeds/ --report-dir reports --format md,json,html --fail-on never

test: install-dev
	$(BIN)/python -m pytest -q

lint: install-dev
	$(BIN)/ruff check auditor tests benchmarks
	$(BIN)/mypy auditor

bench: install
	$(BIN)/python benchmarks/run.py extraction --set aeb

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
