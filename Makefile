# `make run` and `make test` work from a clean clone: each creates .venv and installs the project first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

## Open the window on your default journal (or JOURNAL=path make run).
run: $(STAMP)
	$(BIN)/journal $(if $(JOURNAL),--journal "$(JOURNAL)")

## Run every test offscreen.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

## ruff and mypy, with the settings in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check journal tests benchmarks
	$(BIN)/ruff format --check journal tests benchmarks
	$(BIN)/mypy

check: lint test

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
