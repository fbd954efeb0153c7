# Two commands on a fresh Debian machine: `make run` and `make test` (see README.md); the one
# prerequisite is make itself (apt-get install make). Both set everything up first (as root the
# Debian packages too), one line per step; re-running them only redoes what changed.

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

# Installs what is missing as root, else prints the apt-get line (scripts/system-packages.sh).
system-packages:
	@PYTHON=$(PYTHON) scripts/system-packages.sh

venv: $(STAMP)

# The set-up prints one line per step with its time. pip runs with -qq: its warnings (e.g. an
# extra index configured on the machine that has no such folder) are dropped, its errors kept.
# A venv without pip (python3.11-venv was missing when it was made) is made again.
PIP := $(BIN)/python -m pip install -qq --disable-pip-version-check
$(STAMP): requirements.lock pyproject.toml | system-packages
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required: run the apt-get line above as root (Debian: apt-get install python3.11 python3.11-venv)" >&2; exit 1; }
	@started=$$(date +%s); \
	  { $(BIN)/python -m pip --version >/dev/null 2>&1 || $(PYTHON) -m venv --clear $(VENV); } && \
	  $(PIP) -r requirements.lock && $(PIP) --no-deps -e . && touch $(STAMP) && \
	  echo "Python packages ready in $(VENV) ($$(( $$(date +%s) - started )) s)"

node-packages: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json | system-packages
	@command -v npm >/dev/null || { echo "npm is required: run the apt-get line above as root (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	@started=$$(date +%s); \
	  out=$$(npm ci --no-audit --no-fund --loglevel=error 2>&1) || { printf '%s\n' "$$out" >&2; exit 1; }; \
	  touch $(NODE_STAMP) && echo "axe-core ready in node_modules ($$(( $$(date +%s) - started )) s)"

# A step that prints a line or two: its output (shown in full if it fails) and its time.
define timed
@started=$$(date +%s); out=$$($(1) 2>&1) || { printf '%s\n' "$$out" >&2; exit 1; }; \
  printf '%s (%s s)\n' "$$out" "$$(( $$(date +%s) - started ))"
endef

migrate: venv
	$(call timed,$(BIN)/formsvc db upgrade)

definitions: venv
	$(call timed,$(BIN)/formsvc load-definitions)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

# Re-resolve requirements.in into the fully pinned requirements.lock.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -qq -r requirements.in
	{ echo "# Fully pinned dependencies (generated from requirements.in with: make lock)."; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v '^pip=='; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
