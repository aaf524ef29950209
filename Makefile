# Customs Data Academy — the README's commands.
#   make run    set up everything and serve http://127.0.0.1:5000 with SQLite and demo data
#   make test   install what the tests need and run them
#   make lint   ruff check and format check
#   make bench  benchmark a synthetic academy under load (SIZE=S, M or L; see bench/README.md)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format setup clean-db fonts messages bench

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed-app: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-app requirements-dev.txt $(wildcard requirements-notebooks.txt)
	$(BIN)/pip install --quiet -r requirements-dev.txt $(if $(wildcard requirements-notebooks.txt),-r requirements-notebooks.txt)
	touch $@

setup: $(VENV)/.installed-app
	$(FLASK) db upgrade
	$(FLASK) content sync
	$(FLASK) demo

run: setup
	@echo "Serving on http://$(HOST):$(PORT) — stop with Ctrl+C"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean-db:
	rm -f instance/academy.sqlite instance/academy.sqlite-wal instance/academy.sqlite-shm

fonts:
	$(BIN)/python certificates/make_fonts.py

# The benchmark needs wrk (Debian's package): installed here when missing and we are root.
SIZE ?= S
bench: $(VENV)/.installed-app
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; \
	  else echo "wrk is missing: run 'sudo apt-get install wrk', then make bench again." >&2; exit 1; fi; }
	$(BIN)/python bench/run.py --size $(SIZE) $(BENCH_ARGS)

# Extract the strings marked for translation into translations/messages.pot (English is the source).
messages: $(VENV)/.installed-app
	mkdir -p translations
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
