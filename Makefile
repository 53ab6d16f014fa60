# zkmpc: `make demo` runs the age >= 18 proof end to end; `make test` runs every test,
# including interop with the pinned npm tools (snarkjs, circom2).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.stamp

.PHONY: demo test test-fast bench install dev tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP)-install: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(STAMP)-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(STAMP)-install

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP)-install
dev: $(STAMP)-dev
tools: node_modules/.stamp

demo: $(STAMP)-install
	$(BIN)/zkmpc demo

test: $(STAMP)-dev node_modules/.stamp
	$(BIN)/python -m pytest -q -ra --doctest-modules zkp circuits zkmpc tests

test-fast: $(STAMP)-dev
	ZKMPC_ALLOW_MISSING_TOOLS=1 $(BIN)/python -m pytest -q -x -m "not interop and not slow" tests

bench: $(STAMP)-install node_modules/.stamp
	$(BIN)/python -m benchmarks.groth16 --constraints 1024 --vs-snarkjs

clean:
	rm -rf $(VENV) node_modules build *.egg-info .pytest_cache .hypothesis
