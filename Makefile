# Two commands on a fresh Debian machine: `make run` and `make test` (see README.md).
# Both set everything up first; re-running them only redoes what changed.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.formsvc-installed
# axe-core for the accessibility tests (tests/browser), as package-lock.json pins it.
NODE_STAMP := node_modules/.formsvc-installed
HOST ?= 127.0.0.1
PORT ?= 5000
# `make run` is the local demo: demo accounts and the mock My Number card are on.
RUN_DEMO ?= 1

.PHONY: run test setup system-packages venv node-packages migrate definitions lint lock clean

run: setup migrate definitions
	@if [ "$(RUN_DEMO)" = "1" ]; then FORMSVC_DEMO=1 $(BIN)/formsvc demo-accounts; fi
	FORMSVC_DEMO=$(RUN_DEMO) $(BIN)/formsvc run --host $(HOST) --port $(PORT)

# The whole suite, browser and accessibility tests (tests/browser) included, on every core
# (pytest-xdist; TEST_WORKERS=0 runs it in one process). The browser tests share one worker
# (tests/browser_scheduling.py): one chromium and one live server.
# Bytecode is cached (__pycache__/, git-ignored) even where PYTHONDONTWRITEBYTECODE is set: else
# every worker rewrote the asserts of every test module again at each run (half its collection).
TEST_WORKERS ?= auto
test: setup node-packages
	$(BIN)/ruff check .
	$(BIN)/mypy
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

setup: system-packages venv

system-packages:
	@scripts/system-packages.sh

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (Debian: apt-get install python3.11 python3.11-venv)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

node-packages: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json | system-packages
	@command -v npm >/dev/null || { echo "npm is required (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

migrate: venv
	$(BIN)/formsvc db upgrade

definitions: venv
	$(BIN)/formsvc load-definitions

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

# Re-resolve requirements.in into the fully pinned requirements.lock.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements.in
	{ echo "# Fully pinned dependencies (generated from requirements.in with: make lock)."; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v '^pip=='; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
