# reportgen: `make report` sets everything up and generates the example;
# `make test` runs the test suite.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXAMPLE := inputs/tbilisi-2018-migrant-integration.yaml

.PHONY: report test lint bench install system-deps clean

report: $(VENV)/.installed
	$(BIN)/reportgen generate $(EXAMPLE) --output-dir outputs

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

test: $(VENV)/.installed
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

# `make bench BENCH_ARGS=--quick` for one short round (bench/run.py --help lists the rest).
bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The Debian packages the PDF path and the tests need (run as root).
system-deps:
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $$(grep -v '^#' .ci/debian-packages)

clean:
	rm -rf outputs build dist .pytest_cache .ruff_cache src/*.egg-info
