# The two commands a newcomer needs: `make demo` and `make test`.
# Both create .venv when missing and install the project into it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint demo bench sandbox clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	@touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest

.env:
	$(BIN)/python -m connector.envfile .env

demo: install .env
	CONNECTOR_SANDBOX=true $(BIN)/python manage.py demo

sandbox: install .env
	CONNECTOR_SANDBOX=true $(BIN)/python manage.py sandbox

bench: install
	$(BIN)/python -m bench --memory-check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
