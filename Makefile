# Unstuck: the three commands of the quick start, plus lint and bench.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[ml,web,mail,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -f unstuck-demo.db unstuck-demo.db-wal unstuck-demo.db-shm
	$(BIN)/unstuck demo --db unstuck-demo.db

test: $(STAMP)
	scripts/test-servers
	scripts/run-tests

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) unstuck-demo.db* .pytest_cache .mypy_cache .ruff_cache
