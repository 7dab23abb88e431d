# The newcomer's commands. `make demo` runs the site with demo content, `make test` runs
# every check CI runs on one database (set DATABASE_URL for PostgreSQL).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PY = $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Marker file: reinstall when pyproject.toml changes.
INSTALLED = $(VENV)/.installed

.PHONY: install demo run load-demo migrate test test-fast test-browser lint format bench clean

$(INSTALLED): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(INSTALLED)

install: $(INSTALLED)

migrate: install
	$(PY) manage.py migrate --no-input

load-demo: migrate
	$(PY) manage.py load_demo_content

demo: load-demo
	@echo ""
	@echo "Le site tourne sur http://$(HOST):$(PORT)/ (administration : http://$(HOST):$(PORT)/admin/)."
	@echo "Identifiants : voir ci-dessus (DEMO_PASSWORD fixe le mot de passe). Ctrl+C pour arrêter."
	$(PY) manage.py runserver $(HOST):$(PORT)

run: install
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check $$(git ls-files '*.html')

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml $$(git ls-files '*.html')

# Lint, Django's checks, migrations in step with the models, then the suite (browser tests
# excluded: `make test-browser` runs them, and .ci/run calls both).
test: lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not browser" -x -q $(PYTEST_ARGS)

test-browser: install
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .test-media test-results
