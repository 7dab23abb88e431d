# The newcomer's commands. `make demo` runs the site with demo content, `make test` runs
# every check CI runs on one database (set DATABASE_URL for PostgreSQL).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PY = $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs in parallel (pytest-xdist: one process and one test database per worker, the
# demo's tests grouped on one worker); TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= auto
PARALLEL = -n $(TEST_WORKERS) --dist loadgroup
# Marker file: reinstall when pyproject.toml changes.
INSTALLED = $(VENV)/.installed

.PHONY: install demo run load-demo migrate test test-fast test-browser lint format bench clean screenshots

# The background task worker (letters' sending, search index updates) runs beside the web
# server: interrupted sendings are queued again, then the worker starts in the background
# and stops with the server (Ctrl+C stops both).
WORKER = $(PY) manage.py resume_sending && $(PY) manage.py db_worker --no-startup-delay
WITH_WORKER = ( $(WORKER) ) & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM;

$(INSTALLED): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(INSTALLED)

install: $(INSTALLED)

migrate: install
	$(PY) manage.py migrate --no-input

load-demo: migrate
	DEMO_HOST=$(HOST) DEMO_PORT=$(PORT) $(PY) manage.py load_demo_content

demo: load-demo
	@echo ""
	@echo "Le site tourne sur http://$(HOST):$(PORT)/ (administration : http://$(HOST):$(PORT)/admin/)."
	@echo "Identifiants : voir ci-dessus (DEMO_PASSWORD fixe le mot de passe). Ctrl+C pour arrêter."
	@$(WITH_WORKER) $(PY) manage.py runserver $(HOST):$(PORT)

run: install
	@$(WITH_WORKER) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check $$(git ls-files '*.html')
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml $$(git ls-files '*.html')

# Lint, Django's checks, migrations in step with the models, then the suite (browser tests
# excluded: `make test-browser` runs them, and .ci/run calls both).
test: lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -m "not browser" $(PARALLEL) $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not browser" -x -q $(PARALLEL) $(PYTEST_ARGS)

test-browser: install
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

# PNGs of the main pages at 390, 768 and 1366 px in screenshots/ (not committed), from the
# current database (`make load-demo` first), served on HOST:PORT.
screenshots: install
	HOST=$(HOST) PORT=$(PORT) $(PY) tests/screenshots.py

clean:
	rm -rf $(VENV) staticfiles .test-media test-results
