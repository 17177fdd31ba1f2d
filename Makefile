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

## Run the app with the demo county on the embedded SQLite database, and beside it the huey
## consumer that runs the scheduled sweeps (its queue is var/huey.sqlite3: no
## other server). Each runs as its own job (set -m); whichever way the recipe ends (Ctrl-C,
## a kill, the web server failing), the trap stops both.
run: install
	$(UV) run python manage.py migrate --noinput
	$(UV) run python manage.py load_demo --if-empty
	@set -m; \
	$(UV) run python manage.py run_huey --workers 1 --flush-locks & consumer=$$!; \
	$(UV) run python manage.py runserver $(HOST):$(PORT) & server=$$!; \
	trap 'kill -TERM -- -$$server -$$consumer 2>/dev/null; wait' EXIT; \
	trap 'exit 130' INT TERM; \
	echo "huey consumer (pid $$consumer) runs the scheduled sweeps: organizational life (hourly), incident escalation (every 10 minutes), overdue service requests (hourly)"; \
	wait $$server

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
