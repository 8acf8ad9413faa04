# Two commands for a new user: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DB     ?= data/centrale.duckdb
SOURCES ?= data/sources
PORT   ?= 8501

.PHONY: run test etl lint format bench screenshots clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Rebuild the store when it is missing or older than any source file.
$(DB): $(STAMP) $(wildcard $(SOURCES)/*.csv $(SOURCES)/*.xlsx) data/reference/commune_mergers.csv \
       centrale/schema.sql
	$(PY) -m etl build --sources $(SOURCES) --db $(DB)

etl: $(STAMP)
	$(PY) -m etl init --sources $(SOURCES)
	$(PY) -m etl build --sources $(SOURCES) --db $(DB)

run: $(STAMP)
	$(PY) -m etl init --sources $(SOURCES)
	@$(MAKE) --no-print-directory $(DB)
	CENTRALE_SOURCES=$(SOURCES) CENTRALE_DB=$(DB) \
	  $(VENV)/bin/streamlit run dashboard.py --server.port $(PORT)

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) -m bench

screenshots: $(STAMP)
	$(PY) scripts/screenshots.py --db $(DB) --out docs/screenshots

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
