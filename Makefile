# Lingyan's one entry point. `make run` and `make test` work on a fresh machine with Python 3.11.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres test-browser lint format typecheck install demo bench clean

.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==0.13.9"
	$(UV) sync --locked
	@touch $@

install: .venv/.synced

## Run the app with the demo county on the embedded SQLite database (DEBUG off, a secret key
## generated once into var/secret_key), and beside it the huey consumer that runs the scheduled
## sweeps, restarted when it dies (its queue is var/huey.sqlite3: no other server). Stopping
## it (Ctrl-C, a kill, the web server failing) stops both: scripts/run.sh.
run: install
	HOST=$(HOST) PORT=$(PORT) UV="$(UV)" bash scripts/run.sh

## All the tests: lint, the suite on SQLite, again on PostgreSQL, then the browser tests.
test: install
	bash scripts/test.sh

test-sqlite test-postgres test-browser: install
	bash scripts/test.sh $(subst test-,,$@)

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy

format: install
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

demo: install
	$(UV) run python manage.py migrate --noinput
	$(UV) run python manage.py load_demo

bench: install
	$(UV) run python bench/tree_counts.py --load

clean:
	rm -rf var/ staticfiles/ test-artifacts/
