# The two commands that matter: `make demo` builds the sample infographics, `make test` runs the tests.
# Each sets up its own virtual environment in .venv on first use.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: demo demo-all test lint bench sample clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/infographics build --data data/sample --out output --subject all --level all --bundle
	$(BIN)/infographics preview --data data/sample --out output

# every year of the sample, not only the latest of each subject
demo-all: $(BIN)/.installed
	$(BIN)/infographics build --data data/sample --out output --subject all --level all --year all --bundle
	$(BIN)/infographics preview --data data/sample --out output

test: $(BIN)/.installed
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy
	$(BIN)/pytest -q -n 2
	PYTHON=$(PYTHON) tools/check_wheel.sh

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

bench: $(BIN)/.installed
	$(BIN)/python bench/run.py

sample: $(BIN)/.installed
	$(BIN)/python tools/make_sample.py --out data/sample

# the send log is not in output/ (see README, Versturen): cleaning can never cause a mail twice
clean:
	rm -rf output .pytest_cache
