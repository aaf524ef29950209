# Customs Data Academy — the README's commands.
#   make run    set up everything and serve http://127.0.0.1:5000 with SQLite and demo data (PORT=5101: another port)
#   make test   install what the tests need and run them
#   make test-s3  the storage-marked tests (files, backups, journeys) with the files in SeaweedFS (S3)
# Each first checks the machine (scripts/check_system.py): Python, venv, Pango, HarfBuzz's subsetter,
# fonts, chromium for the tests, wrk for the benchmark; it installs what is missing with apt-get
# when run as root, or stops with the command to run.
#   make lint   ruff check and format check, and the import contracts (lint-imports; ARCHITECTURE.md)
#   make bench  benchmark a synthetic academy under load (SIZE=S, M or L; DB=postgresql; NODES=2; see bench/README.md)
#   make check-deploy  check deploy/ with nginx -t and systemd-analyze verify (README, "Several hosts")
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-s3 lint format setup clean-db fonts messages translations bench check-run check-test check-bench check-deploy

check-run check-test check-bench: check-%:
	@$(PYTHON) scripts/check_system.py $* --venv $(VENV)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed-app: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-app requirements-dev.txt $(wildcard requirements-notebooks.txt)
	$(BIN)/pip install --quiet -r requirements-dev.txt $(if $(wildcard requirements-notebooks.txt),-r requirements-notebooks.txt)
	touch $@

# Ralph, the learning record store the xAPI tests send statements to, in a virtualenv of its own
# (requirements-ralph.txt says why); the tests start and stop it (tests/lrs.py), RALPH_BIN overrides.
RALPH_VENV ?= .venv-ralph
$(RALPH_VENV)/.installed: requirements-ralph.txt
	$(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/pip install --quiet -r requirements-ralph.txt
	touch $@

# flask run serves FLASK_RUN_HOST:FLASK_RUN_PORT, and the app's links (mails, QR codes, calendar
# files) point there too unless PUBLIC_URL says otherwise (app/config.py). setup gets them as well:
# the demo's certificates are printed with their QR code.
setup run: export FLASK_RUN_HOST = $(HOST)
setup run: export FLASK_RUN_PORT = $(PORT)

setup: check-run $(VENV)/.installed-app translations
	$(FLASK) db upgrade
	$(FLASK) content sync
	$(FLASK) demo

run: setup
	@echo "Serving on http://$(HOST):$(PORT) — stop with Ctrl+C"
	$(FLASK) run

test: check-test $(VENV)/.installed-dev $(RALPH_VENV)/.installed translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check-deploy:
	$(PYTHON) scripts/check_deploy.py

# The storage-marked tests with the files in S3 (SeaweedFS, started by the tests themselves).
test-s3: check-test $(VENV)/.installed-dev translations
	TEST_STORAGE=s3 $(BIN)/python -m pytest -m storage $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean-db:
	rm -f instance/academy.sqlite instance/academy.sqlite-wal instance/academy.sqlite-shm

fonts:
	$(BIN)/python certificates/make_fonts.py

# The benchmark also needs wrk (Debian's package), which check-bench installs or asks for.
#   make bench SIZE=L DB=postgresql NODES=2   on the machine's PostgreSQL (database bench_academy, made
#   and dropped by the run), served by two gunicorn instances on two ports (NODES=2 needs PostgreSQL)
SIZE ?= S
DB ?= sqlite
NODES ?= 1
bench: check-bench $(VENV)/.installed-app
	$(BIN)/python bench/run.py --size $(SIZE) --db $(DB) --nodes $(NODES) $(BENCH_ARGS)

# Translations live in app/translations/<language>/LC_MESSAGES/messages.po, where Flask-Babel reads
# them once compiled; the compiled .mo files are built here, never committed.
#   make messages      extract the marked strings, update every catalogue, compile
#   make translations  compile the catalogues (run and test do it)
TRANSLATIONS := app/translations
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(VENV)/.installed-app
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(CATALOGUES)

messages: $(VENV)/.installed-app
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)
