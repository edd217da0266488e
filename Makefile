# The two commands: `make run` and `make test`. Everything else is for developers and CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= auto
CHECK_DB := var/alembic-check.db

.PHONY: install run test lint bench lock clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -c constraints.txt -e '.[prod,dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/tradehub migrate
	$(BIN)/tradehub seed-demo
	$(BIN)/tradehub serve

test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS)

lint: install
	$(BIN)/ruff check src tests migrations bench
	$(BIN)/ruff format --check src tests migrations bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	rm -f $(CHECK_DB)*
	TRADEHUB_DATABASE_URL=sqlite+aiosqlite:///$(CHECK_DB) $(BIN)/tradehub migrate
	TRADEHUB_DATABASE_URL=sqlite+aiosqlite:///$(CHECK_DB) $(BIN)/alembic check

bench: install
	$(BIN)/python bench/run_platform.py
	$(BIN)/python bench/run_auth.py

# Refresh the pinned versions after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra prod --extra dev --python-version 3.11 \
		--no-header --quiet -o constraints.txt

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
