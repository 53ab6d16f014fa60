# zkmpc: `make demo` runs the age >= 18 proof end to end, on chain included; `make test`
# runs every test, including interop with the pinned npm tools (snarkjs, circom2, solc, anvil).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.stamp

.PHONY: demo test test-fast test-sanitize bench install dev tools clean fuzz mutants docs docs-serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools>=77"

# An editable install compiles nothing: the packages are byte-compiled here, as pip does
# for an installed wheel (with PYTHONDONTWRITEBYTECODE set no .pyc would ever be written,
# and every command would compile its sources again: 0.06 s of a `zkmpc prove`).
COMPILE := $(BIN)/python -m compileall -q zkp circuits mpc zkmpc

# PYTHONWARNINGS=ignore: setuptools' build backend warns at length about editable installs
# in general (not about zkmpc), which would open `make demo`'s output.
$(STAMP)-install: pyproject.toml setup.py $(wildcard zkp/_bn254_src/*) | $(BIN)/python
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install -q -e '.[evm]'
	$(COMPILE)
	touch $@

$(STAMP)-dev: pyproject.toml setup.py $(wildcard zkp/_bn254_src/*) | $(BIN)/python
	PYTHONWARNINGS=ignore ZKP_REQUIRE_C=1 $(BIN)/python -m pip install -q -e '.[dev]'
	$(COMPILE)
	touch $@ $(STAMP)-install

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP)-install
dev: $(STAMP)-dev
tools: node_modules/.stamp

# the demo ends on chain: the exported verifier, compiled by the pinned npm solc, on pyrevm
demo: $(STAMP)-install node_modules/.stamp
	$(BIN)/zkmpc demo

# The whole suite on the C kernels (which must have been built), then again on the
# pure-Python twin (less the tests marked twin_independent, which run no kernel, app_layer,
# the application layer, whose kernel calls the zkp tests compare twin against twin: zkmpc's
# doctests too, which markers cannot deselect, and large_circuit, the 10^5-row gadgets whose
# compile is the same Python on both passes and whose witness-program operations the
# differential tests run on both twins), then the kernel tests under AddressSanitizer/UBSan.
# The pure-Python pass: the kernels' tests (each compares the twins or runs them on their
# own), the witness program's, the fuzzers, the interop runs, mpc and the project checks.
# Circuits reach the kernels only through the witness program and the prover, whose twins
# are compared there; their own tests run on the C pass.
PURE_PASS = zkp mpc tests/zkp tests/mpc tests/fuzz tests/interop tests/project tests/zkmpc \
	tests/circuits/test_witness_program.py

# Both passes run on every core (pytest-xdist, one worker per logical CPU): a worker takes a
# whole test file at a time, so a file's cached circuits and keys are built once.
PARALLEL ?= -n logical --dist loadfile

test: $(STAMP)-dev node_modules/.stamp
	ZKP_REQUIRE_C=1 $(BIN)/python -m pytest -q -ra $(PARALLEL) --doctest-modules zkp circuits mpc zkmpc tests
	ZKP_PURE_PYTHON=1 $(BIN)/python -m pytest -q -ra $(PARALLEL) -m "not twin_independent and not app_layer and not large_circuit" --doctest-modules $(PURE_PASS)
	$(MAKE) test-sanitize

# ASan/UBSan builds of the extension in a scratch copy, running the kernel tests: once with
# the portable field arithmetic, once with the native one (mulx assembly where the CPU has
# it), so every C path runs under the sanitizers.
SAN := build/sanitize
test-sanitize: $(STAMP)-dev
	for portable in 1 0; do \
		rm -rf $(SAN) && mkdir -p $(SAN) && \
		cp -r zkp tests setup.py pyproject.toml README.md $(SAN)/ && \
		rm -f $(SAN)/zkp/*.so && \
		(cd $(SAN) && ZKP_SANITIZE=1 ZKP_PORTABLE=$$portable ZKP_WERROR=1 ZKP_REQUIRE_C=1 \
			$(abspath $(BIN))/python setup.py -q build_ext --inplace) && \
		(cd $(SAN) && ASAN_OPTIONS=detect_leaks=0 LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)" \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ZKP_REQUIRE_C=1 \
			$(abspath $(BIN))/python -m pytest -q -p no:cacheprovider tests/zkp/test_kernels.py tests/zkp/test_backend.py) \
		|| exit 1; \
	done

test-fast: $(STAMP)-dev
	ZKMPC_ALLOW_MISSING_TOOLS=1 $(BIN)/python -m pytest -q -x $(PARALLEL) -m "not interop and not slow" tests

# Planted bugs (tools/mutants.py), each in a scratch copy with the tests that cover it: every
# one must be caught. Outside CI (one C build per C mutant); the table goes to benchmarks/.
mutants: $(STAMP)-dev node_modules/.stamp
	$(BIN)/python -m tools.mutants --write benchmarks/MUTANTS.md

# Coverage-guided fuzzing of every parser (tools/fuzz_atheris.py), outside CI: atheris
# goes into its own directory, not the venv; the corpus stays in fuzz-corpus/ (not in git).
FUZZ_SECONDS ?= 120
ATHERIS := build/atheris
fuzz: $(STAMP)-dev
	test -d $(ATHERIS)/atheris || $(BIN)/python -m pip install -q --no-deps --target $(ATHERIS) atheris
	PYTHONPATH=$(ATHERIS):. $(BIN)/python tools/fuzz_atheris.py all --seconds $(FUZZ_SECONDS)

# The documentation site (mkdocs.yml; pages under usecases/, notebooks/ and api/ generated by
# tools/docs_gen.py): built into site/ with warnings as errors, or served with live reload.
docs: $(STAMP)-dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

docs-serve: $(STAMP)-dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --strict

bench: $(STAMP)-install node_modules/.stamp
	$(BIN)/python -m benchmarks.groth16 --constraints 1024 --vs-snarkjs
	$(BIN)/python -m benchmarks.evm_gas

clean:
	rm -rf $(VENV) node_modules build *.egg-info .pytest_cache .hypothesis
