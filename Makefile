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

# The demo's and the sandbox's ports on 127.0.0.1: make demo PORT=8010 WOO_PORT=8011 FLOWII_PORT=8012
# (or DEMO_PORT, DEMO_WOO_PORT, DEMO_FLOWII_PORT in the environment). PORT counts only when given
# to make: a PORT the environment has for something else is not the admin's.
ifneq ($(origin PORT),command line)
PORT := $(or $(DEMO_PORT),8000)
endif
WOO_PORT ?= $(or $(DEMO_WOO_PORT),8001)
FLOWII_PORT ?= $(or $(DEMO_FLOWII_PORT),8002)

demo: install .env
	CONNECTOR_SANDBOX=true $(BIN)/python manage.py demo --port=$(PORT) --woo-port=$(WOO_PORT) --flowii-port=$(FLOWII_PORT)

sandbox: install .env
	CONNECTOR_SANDBOX=true $(BIN)/python manage.py sandbox --woo-port=$(WOO_PORT) --flowii-port=$(FLOWII_PORT)

bench: install
	$(BIN)/python -m bench --memory-check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
