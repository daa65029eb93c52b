# Tradelane — two commands do everything: `make demo` and `make test`.
# Each bootstraps what it needs (node_modules, .venv) the first time.

VENV := .venv/bin
PYTEST := $(VENV)/python -m pytest -p no:pytest-brownie
export SOLCX_BINARY_PATH := $(CURDIR)/.venv/solcx
export PATH := $(CURDIR)/.venv/bin:$(PATH)

.PHONY: demo test build-deps-ci lint test-fast test-brownie bench bootstrap clean network

bootstrap:
	@tools/bootstrap.sh

demo: bootstrap  ## one full lifecycle on the embedded chain, narrated
	@$(VENV)/tradelane demo

test: bootstrap lint build-deps-ci test-fast test-brownie  ## the whole suite

build-deps-ci:  # CI also rebuilds the world network (a test): install its build-only deps
	@if [ -n "$$CI" ]; then $(VENV)/pip install --quiet --disable-pip-version-check -r requirements-build.txt 2>&1 | grep -v "^WARNING: Location" || true; fi

lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

test-fast:  ## eth-tester, routing, CLI, traceability, web (anvil started by the tests)
	$(PYTEST) tests --ignore=tests/brownie -q

test-brownie:  ## brownie's own runner against anvil (started by tools/brownie_test.py)
	$(VENV)/python tools/brownie_test.py

bench: bootstrap  ## every benchmark -> benchmarks/ (ONLY="faults index_bench" reruns just those)
	@$(VENV)/pip install --quiet --disable-pip-version-check -r requirements-bench.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(VENV)/python -m benchmarks $(ONLY)

network: bootstrap  ## rebuild routing/data from searoute, airportsdata, scgraph_data (build-only deps)
	@$(VENV)/pip install --quiet --disable-pip-version-check -r requirements-build.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(VENV)/python -m tools.build_network

clean:
	rm -rf build reports .tradelane
