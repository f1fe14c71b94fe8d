# The two commands of the README: `make run` (the app on SQLite with demo data) and `make test`
# (the whole suite, browser tests included, on SQLite and on PostgreSQL when available, side by side).

VENV   := .venv
PY     := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=

.PHONY: run test test-fast venv messages messages-update lint check serve bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@python=$$(scripts/find-python) && "$$python" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

messages: venv
	$(MANAGE) compilemessages -v0 --ignore=.venv

# After adding or changing a user-facing string: refresh locale/fr from the sources, then
# translate the new or fuzzy entries (tests/i18n fails until none is left). The scripts show no
# text of their own, so there is no djangojs catalog.
messages-update: venv
	$(MANAGE) makemessages -l fr --no-obsolete --add-location=file \
	  --ignore=.venv --ignore=test-artifacts --ignore=staticfiles --ignore=tests

# `make run PORT=8123` serves on another port; seed_demo prints the address it is served at.
# DEMO_MODE shows the app's own 404 page, not Django's DEBUG one (partnercenter/demo_mode.py).
PORT ?= 8000
SITE_URL = http://127.0.0.1:$(PORT)/
run: venv messages
	$(MANAGE) migrate -v0
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) seed_demo --url $(SITE_URL)
	@echo "Serving $(SITE_URL) (Ctrl-C to stop)"
	DEMO_MODE=1 $(MANAGE) runserver 127.0.0.1:$(PORT)

test: venv messages
	@scripts/ensure-chromium
	@scripts/test-both-databases $(PYTEST_ARGS)

# The edit-run loop: SQLite only, no browser, no benchmark or concurrency run. `make test` is the gate.
test-fast: venv messages
	$(PY) -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

# Production-like serving (gunicorn, DEBUG off, compressed static): see scripts/serve.
serve: venv messages
	@scripts/serve

# The performance benchmark on a throwaway database (BENCHMARKS.md); BENCH_ARGS=--quick
# for the small version CI runs.
BENCH_ARGS ?=
bench: venv messages
	$(PY) -m bench $(BENCH_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check: venv
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-* test-artifacts
