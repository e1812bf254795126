# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install migrate keys demo fonts-check guide-shots

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --no-input

# The development checkpoint signing key (var/keys, gitignored); production brings its own (docs/operations.md).
keys: install
	$(PY) manage.py init_keys

demo: migrate keys
	$(PY) manage.py demo

fonts-check:
	@fc-list :lang=zh 2>/dev/null | grep -q . || echo "注意 / NOTE: no Chinese font found; PDFs will show boxes. Install one: sudo apt-get install -y fonts-wqy-microhei"

# The task worker (e-mail, jobs) and the scheduler run in the background beside the web server and
# stop with it (Ctrl+C or any exit).
run: demo fonts-check
	@$(PY) manage.py db_worker --no-reload --verbosity 0 & WORKER=$$!; \
	$(PY) manage.py run_scheduler & SCHEDULER=$$!; \
	trap 'kill $$WORKER $$SCHEDULER 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The allowed arrows between apps first (pyproject.toml [tool.importlinter]), then the suite.
test: install
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

# Retake the user guide's screenshots (docs/guide/img/) from the running product.
guide-shots: install
	LIANMENG_GUIDE_SHOTS=1 $(PY) -m pytest tests/guide/test_screenshots.py
