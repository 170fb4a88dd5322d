# The two commands a new user needs: `make demo` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint bench-quality replay-scenario clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,fast]'
	touch $@

demo: $(INSTALLED)
	$(BIN)/article-worker demo

lint: $(INSTALLED)
	$(BIN)/ruff check worker tests bench deploy scripts
	$(BIN)/ruff format --check worker tests bench deploy scripts

test: lint
	$(BIN)/pytest

bench-quality: $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e '.[test,fast,bench]'
	$(BIN)/python -m bench.quality

replay-scenario: $(INSTALLED)
	$(BIN)/python scripts/replay_scenario.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
