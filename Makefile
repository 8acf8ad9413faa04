# Two commands for a new user: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
UV_VERSION := 0.13.8
# Stamps: the runtime (`make run`) and the tools on top of it (`make test`, `make lint`).
RUNTIME := $(VENV)/.installed-runtime
DEV     := $(VENV)/.installed-dev
DB     ?= data/centrale.duckdb
SOURCES ?= data/sources
PORT   ?= 8501

.PHONY: bytecode run serve test test-all etl lint format bench bench-load screenshots clean

# From an empty cache uv installs the pinned wheels 3.6x faster than pip on a quiet machine
# (12-16 s against 49-52 s; 8x under load), `python -m bench.setup_time`, README
# « Installation »; pip stays the fallback when uv cannot be had.
# Both print their progress: a first start is not a silent wait. Both leave the packages'
# bytecode compiled (uv does not by default): where PYTHONDONTWRITEBYTECODE is set, as on
# our CI machines, every process would otherwise compile pandas, plotly and Streamlit from
# source at each start (imports 8.6-9.8 s against 2.4-3.0 s compiled, same machine).
define install
	@echo ">>> Installation de $(1) (premier lancement : environ une minute)..."
	@$(PY) -m pip install --disable-pip-version-check --progress-bar on uv==$(UV_VERSION) \
	  && $(VENV)/bin/uv pip install --compile-bytecode --python $(PY) -r $(1) \
	  || { echo ">>> uv indisponible : installation par pip (plus lente, 1 à 5 minutes selon le réseau)..."; \
	       $(PY) -m pip install --disable-pip-version-check -r $(1); }
endef

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): requirements.txt | $(PY)
	$(call install,requirements.txt)
	touch $@

$(DEV): requirements-dev.txt $(RUNTIME)
	$(call install,requirements-dev.txt)
	touch $@

# Rebuild the store when it is missing or older than any source file.
$(DB): $(RUNTIME) $(wildcard $(SOURCES)/*.csv $(SOURCES)/*.xlsx) data/reference/commune_mergers.csv \
       centrale/storage/schema.sql
	$(PY) -m etl build --sources $(SOURCES) --db $(DB)

etl: $(RUNTIME)
	$(PY) -m etl init --sources $(SOURCES)
	$(PY) -m etl build --sources $(SOURCES) --db $(DB)

# The project's own modules compiled ahead (only what changed since; __pycache__ is
# git-ignored): a server's first visitor and every test's server skip the compiling.
bytecode: $(RUNTIME)
	@$(PY) -m compileall -q -j 0 app.py dashboard.py centrale ui pages etl reports deploy devtools bench

run: $(RUNTIME) bytecode
	$(PY) -m etl init --sources $(SOURCES)
	@$(MAKE) --no-print-directory $(DB)
	CENTRALE_SOURCES=$(SOURCES) CENTRALE_DB=$(DB) \
	  $(VENV)/bin/streamlit run app.py --server.port $(PORT)

# For a team: Caddy (apt-get install caddy) with TLS in front, sign-in required (README).
serve: $(RUNTIME) bytecode
	$(PY) -m etl init --sources $(SOURCES)
	@$(MAKE) --no-print-directory $(DB)
	CENTRALE_SOURCES=$(SOURCES) CENTRALE_DB=$(DB) $(PY) -m deploy.serve

# Two tiers (README « Tests »): `make test`, the everyday check, leaves out the tests
# marked slow (every browser test but one offline run of each page, the kill-at-every-
# step and concurrency tests, the cross-surface consistency); `make test-all` (and CI)
# runs everything. Both on JOBS pytest-xdist workers, a test file's tests on one worker
# (--dist loadfile: a server started for a module starts once). Not loadgroup: with
# pytest 9.2, xdist 3.8's @pytest.mark.xdist_group is silently ignored (nodeids are
# no longer rewritable), checked on a two-file example.
JOBS ?= 2
PYTEST := $(PY) -m pytest -n $(JOBS) --dist loadfile

test: $(DEV) bytecode
	$(PYTEST) -m "not slow"

test-all: $(DEV) bytecode
	$(PYTEST) --hypothesis-profile=thorough

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(DEV)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(DEV)
	$(PY) -m bench

# Many people at once (also part of `make bench`): python -m bench load --help
bench-load: $(DEV)
	$(PY) -m bench load

screenshots: $(DEV)
	$(PY) scripts/screenshots.py --db $(DB) --out docs/screenshots

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
