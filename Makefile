# ckg: the two commands are `make demo` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Every runtime and dev dependency pinned with hashes; `make lock` regenerates it from pyproject.toml.
LOCK := requirements/dev.lock
CKG_HOME ?= .ckg
export CKG_HOME
DEMO_CUSTOMERS ?= 20000
DEMO_SEED ?= 7
DEMO_DATA := $(CKG_HOME)/data/demo-$(DEMO_CUSTOMERS)-$(DEMO_SEED)

# The browser tests (tests/pages/) drive Debian's Chromium: Playwright's own download is not
# reachable from every network.
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup lock vendor chromium demo test lint bench bench-load bench-tags bench-api bench-scale soak clean

setup: $(VENV)/.installed $(CKG_HOME)/neo4j/.assembled $(CKG_HOME)/reference/.done chromium ## venv, Neo4j, reference data, Chromium

$(VENV)/.installed: pyproject.toml $(LOCK)
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11+"; exit 1; }
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: Python 3.11+ is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
	touch $@

# LOCK_ARGS=--upgrade moves every pin to the newest release; without it, pins change only where
# pyproject.toml asks for it.
lock: $(VENV)/.installed ## regenerate requirements/dev.lock (runtime + dev extra) from pyproject.toml
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --universal --generate-hashes \
		--custom-compile-command "make lock" $(LOCK_ARGS) -o $(LOCK)

# Idempotent: nothing to do (and no apt) when Chromium is already there.
chromium: ## Debian's Chromium for the browser tests, installed with apt when missing
	@test -x $(CHROMIUM) || { \
		sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		command -v apt-get >/dev/null || { echo "error: $(CHROMIUM) is missing and apt-get is not available; install Chromium and set CHROMIUM=/path (and CKG_TEST_CHROMIUM for the tests)"; exit 1; }; \
		echo "installing chromium with apt-get (for the browser tests)"; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null; \
	}

# The browser libraries the pages load are committed under gql/static/vendor/; this re-vendors them
# from npm at the versions web/package-lock.json pins (needs node and npm; never needed to run ckg).
vendor: ## copy React, GraphiQL and cytoscape.js from npm (web/package-lock.json) into gql/static/vendor/
	cd web && npm ci --ignore-scripts --no-audit --no-fund && node vendor.mjs

# The venv is needed to run `ckg db assemble`, but a reinstalled venv (new pins) needs no new Neo4j.
$(CKG_HOME)/neo4j/.assembled: server/pom.xml | $(VENV)/.installed
	$(BIN)/ckg db assemble
	touch $@

# The CDNOW sample the BG/NBD test checks against ships in the Lifetimes wheel on PyPI (data only:
# the wheel is downloaded, never installed).
$(CKG_HOME)/reference/.done: $(VENV)/.installed
	mkdir -p $(CKG_HOME)/reference
	$(BIN)/pip download -q --no-deps -d $(CKG_HOME)/reference "lifetimes==0.11.3"
	touch $@

demo: setup ## start Neo4j, generate + load sample data, derive tags, serve GraphQL
	$(BIN)/ckg db start
	$(BIN)/ckg db init
	@test -f $(DEMO_DATA)/manifest.json || $(BIN)/ckg generate --customers $(DEMO_CUSTOMERS) --seed $(DEMO_SEED) --out $(DEMO_DATA)
	$(BIN)/ckg load $(DEMO_DATA)
	@# the demo's category map as CKG_HOME's default, so later `ckg tags refresh` runs keep life stages
	@test -f $(CKG_HOME)/category-map.toml || cp $(DEMO_DATA)/category-map.toml $(CKG_HOME)/category-map.toml
	$(BIN)/ckg tags refresh
	@echo
	@echo "GraphiQL: http://127.0.0.1:8000/graphql  (Headers tab: {\"Authorization\": \"Bearer <token>\"})"
	@echo "Browser:  http://127.0.0.1:7474/browser/ (user neo4j, password from CKG_NEO4J_PASSWORD)"
	@echo "Admin token for this demo:"
	@$(BIN)/ckg token create --role admin --name demo-$$(date +%Y%m%d-%H%M%S) --expires 30d | tail -1
	$(BIN)/ckg serve

test: setup ## the whole test suite against a throwaway Neo4j (exit 5, no tests, is a failure)
	@$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc

lint: setup
	$(BIN)/ruff check .
	$(BIN)/python .ci/typecheck_tree.py $(CKG_HOME)/typecheck >/dev/null
	$(BIN)/mypy

bench: bench-load bench-tags bench-api ## every benchmark; each rewrites its section of bench/RESULTS.md

bench-load: setup
	$(BIN)/python -m bench load

bench-tags: setup
	$(BIN)/python -m bench tags

# ckg serve as shipped on 20k customers, a compiled load generator (bench/loadgen, Go), the Bolt floor beside it.
BENCH_API_CUSTOMERS ?= 20000
bench-api: setup ## portrait latency/throughput, DataLoader vs naive, subscription latency (bench/RESULTS.md)
	$(BIN)/python -m bench api --customers $(BENCH_API_CUSTOMERS)

# Mixed queries and mutations at a steady rate with Neo4j stopped for 20 s half-way (loopback only).
SOAK_MINUTES ?= 10
soak: setup ## the API under a steady load and a Neo4j restart (bench/RESULTS.md)
	$(BIN)/python -m bench soak --minutes $(SOAK_MINUTES)

# The whole life of a dataset at SCALE_CUSTOMERS through the real `ckg` command, on its own Neo4j
# (ports 17753/17754, CKG_HOME under bench/out/): generate, first load, refreshes, an increment.
SCALE_CUSTOMERS ?= 1000000
SCALE_HEAP ?= 4g
SCALE_PAGECACHE ?= 6g
bench-scale: setup ## generate, load, refresh and increment SCALE_CUSTOMERS customers (bench/RESULTS.md)
	$(BIN)/python -m bench scale --customers $(SCALE_CUSTOMERS) --heap $(SCALE_HEAP) --pagecache $(SCALE_PAGECACHE)

clean:
	-$(BIN)/ckg db stop
	rm -rf $(VENV) $(CKG_HOME)
