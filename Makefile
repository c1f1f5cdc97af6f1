# `make run` and `make test` work from a clean clone: each creates .venv and installs the project first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PACKAGE_STAMP := $(VENV)/.installed-package
BUNDLE := dist/story-journal

.PHONY: run test lint check clean package package-test team-server

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,server]'
	touch $(STAMP)

## Open the window on your default journal (or JOURNAL=path make run).
run: $(STAMP)
	$(BIN)/journal $(if $(JOURNAL),--journal "$(JOURNAL)")

## Run every test offscreen, except the packaging ones (make package-test).
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not packaging" $(PYTEST_ARGS)

## ruff and mypy, with the settings in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check journal tests benchmarks
	$(BIN)/ruff format --check journal tests benchmarks
	$(BIN)/mypy

check: lint test

## A team server on this machine: a PostgreSQL of its own in .team-server/ (made on first use), the schema
## prepared (`journal-server init`), then `journal-server run` on http://127.0.0.1:8765. Ctrl+C stops both.
team-server: $(STAMP)
	$(BIN)/python -m journal.server.local --folder .team-server --port 8765

## Speed on a 100,000-story journal (built once, cached in benchmarks/.cache/) against raw baselines; JSON last.
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

$(PACKAGE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,package]'
	touch $(PACKAGE_STAMP)

## The app as one self-contained folder, dist/story-journal/ (PyInstaller, packaging/story-journal.spec).
package: $(PACKAGE_STAMP)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/story-journal.spec
	@echo "Built $(BUNDLE)/journal ($$(du -sh $(BUNDLE) | cut -f1))"

## Build the app, then run the built program as a person would (tests/packaging, marked `packaging`).
package-test: package
	STORY_JOURNAL_BUNDLE="$(CURDIR)/$(BUNDLE)" QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m packaging $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
