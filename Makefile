# Smart Industry Registry. A newcomer needs two targets: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# The first-party packages (as in pyproject.toml), for the linters that take paths.
APPS   := core accounts registry review funding evaluation reporting jobs smartindustry devtools

.PHONY: run test lint bench worker install install-dev migrate clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

## run: install, migrate, load the reference data, create the demo accounts, serve on 127.0.0.1:$(PORT)
run: migrate
	$(PY) manage.py load_reference_data
	$(PY) manage.py create_demo_accounts --port $(PORT)
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## worker: a Celery worker that also runs the jobs sweeper (--beat); only needed when REDIS_URL is set
worker: install
	$(VENV)/bin/celery -A smartindustry worker --beat --schedule $(VENV)/celerybeat-schedule --loglevel=info

## test: the whole suite (SQLite and eager Celery unless DATABASE_URL / REDIS_URL are set), on every CPU: one
## pytest-xdist worker per CPU this process may use, each with a database of its own; TEST_WORKERS=0 runs it in one
## process. (`logical`, not `auto`, which counts physical cores only whenever psutil is installed.)
TEST_WORKERS ?= logical
test: install-dev
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## lint: ruff, the import contracts of docs/architecture.md (import-linter), and no dead code (vulture)
lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/vulture $(APPS) vulture_whitelist.py --min-confidence 80 --exclude '*/migrations/*'

## bench: benchmarks, reported as ratios against a baseline measured in the same run
bench: install-dev
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache *.egg-info
