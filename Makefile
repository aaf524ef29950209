# Customs Data Academy — the README's commands.
#   make run    set up everything and serve http://127.0.0.1:5000 with SQLite and demo data
#   make test   install what the tests need and run them
#   make lint   ruff check and format check
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format setup clean-db fonts

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
