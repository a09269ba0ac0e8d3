# The two commands from the README: `make run` and `make test`.
# Both set themselves up: uv (installed with pip when missing), a Python 3.12
# virtual environment in .venv, the locked dependencies, and migrations; `make test` also
# installs the programs some tests need, where it can (scripts/test-tools).

SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS ?= never
VENV := .venv
PY := $(VENV)/bin/python
LOCK := requirements-dev.lock
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point at the server `make run` starts, unless SITE_URL is set already.
SITE_HOST := $(if $(filter 127.0.0.1 0.0.0.0 ::,$(HOST)),localhost,$(HOST))
ifeq ($(strip $(SITE_URL)),)
SITE_URL := http://$(SITE_HOST):$(PORT)
endif

# The first python3.12 that actually runs (a pyenv shim may exist without the version).
PYTHON312 := $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 && { command -v $$p; break; }; done)
UV := $(shell command -v uv 2>/dev/null || echo var/tools/bin/uv)

.PHONY: run test lint format setup migrate seed lock clean messages

setup: $(STAMP)

$(UV):
	@mkdir -p var
	@echo "uv not found: installing it into var/tools with pip"
	python3 -m venv var/tools && var/tools/bin/pip install --quiet uv

$(STAMP): $(LOCK) | $(UV)
	@test -n "$(PYTHON312)" || { echo "Python 3.12 is required (python3.12 not found)." >&2; exit 1; }
	@test -x $(PY) || $(UV) venv --quiet --python "$(PYTHON312)" $(VENV)
	$(UV) pip sync --quiet --python $(PY) $(LOCK)
	@touch $(STAMP)

migrate: setup
	$(PY) manage.py migrate --noinput

run: migrate
	SITE_URL='$(SITE_URL)' $(PY) manage.py seed_demo --if-empty
	SITE_URL='$(SITE_URL)' $(PY) manage.py runall --host $(HOST) --port $(PORT)

test: setup
	@bash scripts/test-tools || true
	$(PY) -m pytest $(ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Update every catalogue under locale/ from the code, then compile it (needs GNU gettext).
# tests/test_spanish.py fails while a text has no translation or the .mo is not recompiled.
messages: setup
	$(PY) manage.py makemessages --all --no-obsolete --ignore 'var/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages --ignore 'var/*' --ignore '.venv/*'

# Recompile the hashed locks after changing pyproject.toml.
lock: | $(UV)
	$(UV) pip compile pyproject.toml --python "$(PYTHON312)" --generate-hashes --no-header --no-annotate -o requirements.lock
	$(UV) pip compile pyproject.toml --extra dev --python "$(PYTHON312)" --generate-hashes --no-header --no-annotate -o requirements-dev.lock

clean:
	rm -rf $(VENV) var/tools
