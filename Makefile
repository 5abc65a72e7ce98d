# Mingze: `make run` sets up and starts everything; `make test` sets up and runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test setup venv deps test-deps node migrate messages static data lint audit bench load rehearsal backup restore screenshots clean

# ---- set-up ------------------------------------------------------------------------
$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.test-deps: requirements-test.txt requirements-directory.txt $(VENV)/.deps
	$(PY) -m pip install --quiet -r requirements-test.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

venv: $(BIN)/activate
deps: $(VENV)/.deps
test-deps: $(VENV)/.test-deps
node: node_modules/.installed

messages: deps
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

static: deps node
	$(MANAGE) collectstatic --noinput -v 0

migrate: deps
	@mkdir -p var/media var/celery/queue var/celery/processed var/celery/control
	$(MANAGE) migrate --noinput -v 0

setup: deps node messages static migrate

data: setup
	$(MANAGE) load_checklist
	$(MANAGE) load_demo
	$(MANAGE) sync_schedules

# The suite runs on every core (pytest-xdist); config/settings/test.py says what each worker
# has of its own. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto

# ---- the two commands ----------------------------------------------------------------
run: data
	@echo
	@echo "Mingze is starting at http://127.0.0.1:8000/ (web, Celery worker and beat)."
	@echo "Sign in with a demo account above. Stop with Ctrl-C."
	@echo
	$(BIN)/honcho start

test: setup test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS) --durations=20

# Known vulnerabilities in the pinned requirements. pip-audit asks PyPI's per-release
# advisory data (or OSV); --strict fails when a package could not be checked, so a
# closed network never passes for a clean audit. Not part of `make test`: the machines
# Mingze is built on reach the package index but not those advisory services.
audit: test-deps
	$(BIN)/pip-audit --requirement requirements.txt --no-deps --disable-pip --strict --progress-spinner off

# The README's screenshots, taken by the browser tests from the demo data.
screenshots: setup test-deps
	MINGZE_SCREENSHOTS=1 $(BIN)/pytest -q tests/browser/test_screenshots.py

# ---- more --------------------------------------------------------------------------
# Measurements on PostgreSQL (DATABASE_URL), in a separate database <name>_bench made anew
# each run; prints `name: value` lines (README, "Bench"). UNITS=20000: ten times province
# scale. ONLY=pages (or dashboard, reminders, close …) runs one measurement on the same data.
UNITS ?= 2000
bench: messages test-deps
	$(PY) -m bench --units $(UNITS) $(foreach m,$(ONLY),--only $(m))

# Load on loopback (load/): PROFILE=mixed (50 people, 5 minutes) or deadline (200, 10 minutes)
# against gunicorn, a Celery worker, PostgreSQL <name>_load (made anew) and Redis; prints
# `name: value` lines. LOAD_USERS and LOAD_TIME (e.g. 60s) for a short run; LOAD_WRITE and
# LOAD_READ (seconds, e.g. 1-3) the time a secretary writes and a reviewer reads.
PROFILE ?= mixed
# The 1/100 national rehearsal (issue 16): 50,000 units, two web processes, a worker per queue,
# a private PostgreSQL primary and its streaming replica; needs Redis (CELERY_BROKER_URL).
rehearsal: setup test-deps
	$(PY) -m load --rehearsal $(if $(LOAD_USERS),--users $(LOAD_USERS)) $(if $(LOAD_TIME),--time $(LOAD_TIME)) $(if $(REHEARSAL_UNITS),--units $(REHEARSAL_UNITS))

load: setup test-deps
	$(PY) -m load --profile $(PROFILE) --units $(UNITS) $(if $(LOAD_USERS),--users $(LOAD_USERS)) $(if $(LOAD_TIME),--time $(LOAD_TIME)) $(if $(LOAD_WRITE),--write $(LOAD_WRITE)) $(if $(LOAD_READ),--read $(LOAD_READ))

lint: test-deps
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

# Back up PostgreSQL and the uploaded files into backups/mingze-<time>/; restore one with
# `make restore BACKUP=backups/mingze-<time>`.
backup: deps
	$(MANAGE) backup

restore: deps
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=backups/mingze-<time>" && exit 2)
	$(MANAGE) restore $(BACKUP)

clean:
	rm -rf var/staticfiles var/celery
