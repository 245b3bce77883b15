# Regio-agenda: `make run` sets everything up and serves the site; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := run

export UV_PYTHON_DOWNLOADS := never
PYTHON_VERSION := $(shell cat .python-version)
UV := uv
MANAGE := $(UV) run --frozen python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
REGION ?= regioagenda/data/regions/leidse-regio
CHROMIUM ?= /usr/bin/chromium

.PHONY: run install migrate load static messages test lint typecheck checks pytest pytest-postgres browser clean

## run: install, migrate, load the Leidse regio and serve http://127.0.0.1:8000 (with a task worker)
run: install migrate load static
	@echo "Regio-agenda draait op http://$(HOST):$(PORT)/ (stoppen met Ctrl+C)"
	@$(MANAGE) db_worker --interval 2 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(MANAGE) runserver --noreload $(HOST):$(PORT)

## install: Python packages (uv, from uv.lock) and front-end assets (npm, from package-lock.json)
install: .venv/.installed node_modules/.installed messages

.venv/.installed: pyproject.toml uv.lock .python-version
	@command -v $(UV) >/dev/null 2>&1 || python$(PYTHON_VERSION) -m pip install --quiet uv==0.13.8 \
		|| python3 -m pip install --quiet uv==0.13.8
	@command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
	$(UV) sync --frozen
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

messages: regioagenda/locale/en/LC_MESSAGES/django.mo

regioagenda/locale/en/LC_MESSAGES/django.mo: regioagenda/locale/en/LC_MESSAGES/django.po .venv/.installed
	cd regioagenda && $(UV) run --frozen django-admin compilemessages --ignore=.venv -l en

migrate: install
	@mkdir -p var
	$(MANAGE) migrate --no-input -v0

load: migrate
	$(MANAGE) load_region $(REGION)

static: install
	$(MANAGE) collectstatic --no-input -v0

## test: lint, types, migrations, then the suite on SQLite (with browser tests) and on PostgreSQL
test: install checks browser pytest pytest-postgres

checks: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy regioagenda
	$(UV) run --frozen bandit --quiet --configfile pyproject.toml --recursive regioagenda scripts 2>/dev/null
	$(UV) run --frozen python scripts/check_dangerous_patterns.py regioagenda
	$(MANAGE) makemigrations --check --dry-run -v0
	REGIOAGENDA_PRODUCTION=1 DJANGO_SECRET_KEY=check-deploy-$$RANDOM$$RANDOM-not-used-anywhere-else-0123456789 \
		DJANGO_ALLOWED_HOSTS=regio-agenda.example.nl $(MANAGE) check --deploy --fail-level WARNING

browser:
	@test -x $(CHROMIUM) || { \
		echo "Chromium ontbreekt; installeren met apt-get (nodig voor de browsertests)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

pytest: install
	env -u DATABASE_URL $(UV) run --frozen pytest -n 2

# Runs only where DATABASE_URL names a PostgreSQL database; browser tests ran on SQLite already.
pytest-postgres: install
	@if [[ "$$DATABASE_URL" == postgres* ]]; then \
		echo "Testsuite op PostgreSQL ($$DATABASE_URL)"; \
		$(UV) run --frozen pytest -n 2 -m "not browser"; \
	else \
		echo "DATABASE_URL wijst niet naar PostgreSQL: tweede ronde overgeslagen."; \
	fi

clean:
	rm -rf var/static .venv/.installed node_modules/.installed
