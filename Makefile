# reportgen: `make report` sets everything up and generates the example;
# `make test` runs the test suite.  Both install what they need first: the
# Debian packages that are missing (.ci/debian-packages) and a virtual
# environment in .venv.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXAMPLE := inputs/tbilisi-2018-migrant-integration.yaml
export PYTHON

.PHONY: report test lint bench verapdf corpus corpus-refresh corpus-report install system-deps system-deps-report clean

report: system-deps-report $(VENV)/.installed
	$(BIN)/reportgen generate $(EXAMPLE) --output-dir outputs

test: system-deps $(VENV)/.installed
	$(BIN)/python -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

# `make bench BENCH_ARGS=--quick` for one short round (bench/run.py --help lists the rest).
bench: system-deps $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# veraPDF alone (make test runs it too): every example's draft and published PDF
# (PDF/A-3a and PDF/UA-1) and a 2,500-participant report (docs/review-and-publish.md).
verapdf: system-deps $(VENV)/.installed
	$(BIN)/python -m pytest -m verapdf tests/test_verapdf.py

# The real-world DOCX corpus (docs/corpus.md): every file published and compared
# with LibreOffice's words; corpus-refresh regenerates those words with LibreOffice,
# corpus-report prints the figures (files published, refused, words lost, time, memory).
corpus: system-deps $(VENV)/.installed
	$(BIN)/python -m pytest -m corpus tests/test_corpus.py

corpus-refresh: system-deps $(VENV)/.installed
	$(BIN)/python bench/corpus.py refresh

corpus-report: system-deps $(VENV)/.installed
	$(BIN)/python bench/corpus_report.py $(CORPUS_ARGS)

# The Debian packages that are missing: for generating reports, or for everything.
system-deps-report:
	@.ci/ensure-debian-packages report

system-deps:
	@.ci/ensure-debian-packages report test

clean:
	rm -rf outputs build dist .pytest_cache .ruff_cache src/*.egg-info
