# Every target creates or reuses the local virtual environment, so `make test` alone
# does all the set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TARGET ?=
SEED   ?=
HOST   ?= 127.0.0.1
PORT   ?= 8080
PYTEST_WORKERS ?= 2
BENCH_ARGS ?=
SELFCHECK_ARGS ?=

.PHONY: setup chromium contract test lint bench serve selfcheck mutation clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(MAKE) --no-print-directory chromium
	touch $(STAMP)

# The browser test of summary.html drives Debian's Chromium with Playwright (which never downloads one).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium (for the summary.html browser test)"; \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

setup: $(STAMP)

# The contract suite against the embedded emulator, or TARGET=<base-url>.
# Exit codes: 0 every contract holds, 1 a contract is violated, 2 usage/configuration error.
contract: $(STAMP)
	$(BIN)/norce-contracts run $(if $(TARGET),--target $(TARGET)) $(if $(SEED),--seed $(SEED))

# The project's own tests: unit, emulator, the contract suite against the emulator, self-checks.
test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile -q

lint: $(STAMP)
	$(BIN)/ruff check contracts emulator tests conftest.py
	$(BIN)/ruff format --check contracts emulator tests conftest.py
	$(BIN)/python -m contracts.oracle.speclint openapi/connect-customer-4.0.yaml openapi/customer-service-1.1.yaml
	$(BIN)/mypy

# BENCH_ARGS="--only compare": the release-to-release table (seed pairs, every variant, ten faults through
# norce-contracts compare; about two hours). Opt-in like "--only parity".
bench: $(STAMP)
	$(BIN)/python -m tests.selfcheck.bench $(BENCH_ARGS)

# SELFCHECK_ARGS=--parity adds the parity table (every variant recorded and replayed; about two hours).
selfcheck: $(STAMP)
	$(BIN)/python -m tests.selfcheck.run $(SELFCHECK_ARGS)

mutation: $(STAMP)
	$(BIN)/python -m tests.selfcheck.mutation

serve: $(STAMP)
	$(BIN)/norce-emulator serve --host $(HOST) --port $(PORT)

clean:
	rm -rf $(VENV) reports .hypothesis .schemathesis mutants
