# kwippy: `make run` serves the site and runs a job worker (the Procfile), `make test` runs every test. Both set up a fresh machine.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SERVICES := scripts/services

.PHONY: run test lint check migrations-check services-up services-down load drills bench \
	bench-quick bench-tools

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(SERVICES) up
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo --if-empty
	@echo "kwippy: serving on http://127.0.0.1:8000 with a job worker  (demo login: alice / kwippy-demo; Ctrl-C stops all)"
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start --port 8000

test: $(STAMP)
	$(SERVICES) up --profile test
	$(SERVICES) tools
	$(PY) -m pytest
	$(MAKE) lint

# ruff, and import-linter: the apps' floors (docs/architecture.md) — no import upwards or sideways.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# The production checks: DEBUG=0 with the environment the README documents.
check: $(STAMP)
	DEBUG=0 HTTPS=1 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=kwippy.example CSRF_TRUSTED_ORIGINS=https://kwippy.example \
	$(PY) manage.py check --deploy --fail-level WARNING

# Benchmarks: gunicorn and the dev services, in databases of their own (kwippy_bench*). Results go
# to bench/results/ (JSON) and docs/performance.md. Without wrk the session engines are skipped.
bench: $(STAMP) bench-tools
	$(SERVICES) up
	$(PY) bench/run.py

bench-quick: $(STAMP) bench-tools
	$(SERVICES) up
	$(PY) bench/run.py --quick

# wrk drives the session benchmark: installed with apt-get as root; otherwise say how, and go on.
bench-tools:
	-@$(SERVICES) bench-tools

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

services-up:
	$(SERVICES) up

services-down:
	$(SERVICES) down
	$(SERVICES) down --profile test

# The load test and the fault drills (docs/reliability.md) run on services of their own (profile
# `drills`), which they stop and restart at will; both stop them when done.
load: $(STAMP)
	$(PY) -m drills.load; status=$$?; $(SERVICES) down --profile drills; exit $$status

drills: $(STAMP)
	$(PY) -m drills.run; status=$$?; $(SERVICES) down --profile drills; exit $$status
