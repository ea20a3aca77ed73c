# The two commands a new machine needs: `make run` and `make test`. Everything else is optional.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app wsgi
STAMP   := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
CATALOG := rating/translations/bn/LC_MESSAGES/messages
HOST    ?= 127.0.0.1
PORT    ?= 8000
# pytest-xdist: one test process per core (TEST_WORKERS=0 runs the suite in this process)
TEST_WORKERS ?= auto
# test-dates: days far from today, in Kolkata (the second crosses midnight into 1 March)
TEST_DATES ?= 2024-09-30 2028-02-29T23:58

.PHONY: run test test-dates lint lint-js fuzz translations extract-messages bench clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(CATALOG).mo: $(CATALOG).po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d rating/translations

translations: $(CATALOG).mo

## run: create .venv, install, create the SQLite database with demo data when empty (never with
## RATING_ENV=production), then start the web server on :8000, a job worker and the scheduler
## (Procfile, with honcho)
run: $(STAMP) translations
	$(FLASK) init-db
	@if [ "$$RATING_ENV" = production ]; then echo "RATING_ENV=production: no demo data added."; \
		else $(FLASK) demo-data --if-empty; fi
	HOST=$(HOST) $(VENV)/bin/honcho start --procfile Procfile --port $(PORT)

## test: install dev dependencies, run ruff and pytest (on PostgreSQL too when TEST_DATABASE_URL is set)
test: $(DEVSTAMP) translations
	$(VENV)/bin/ruff check .
	@$(MAKE) --no-print-directory lint-js
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## test-dates: the tests that may depend on the day (marked `dated`) again, on SQLite, as if
## today were each of TEST_DATES (any one day: pytest --today=YYYY-MM-DD)
test-dates: $(DEVSTAMP) translations
	@for day in $(TEST_DATES); do echo "== tests marked dated, as if today were $$day"; \
		TEST_DATABASE_URL= $(VENV)/bin/pytest -n $(TEST_WORKERS) -q -m dated --today=$$day \
			$(PYTEST_ARGS) || exit 1; done

## fuzz: the hostile-input tests with many more cases per endpoint (the `fuzz` hypothesis profile);
## hypothesis prints how many cases each endpoint got
fuzz: $(DEVSTAMP) translations
	HOSTILE_INPUT_PROFILE=fuzz $(VENV)/bin/pytest --hypothesis-show-statistics \
		tests/rating/test_hostile_input.py $(PYTEST_ARGS)

lint: $(DEVSTAMP)
	$(VENV)/bin/ruff check .

## lint-js: ESLint over static/js (npm's eslint, package.json); skipped, and said so, without node
lint-js:
	@if command -v npm >/dev/null 2>&1; then \
		[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; \
		npx --no-install eslint static/js && echo "eslint: static/js is clean"; \
	else echo "eslint skipped: node and npm are not installed (.ci/run installs them)"; fi

## extract-messages: refresh the Bengali catalogue after changing user-facing strings
extract-messages: $(STAMP)
	$(VENV)/bin/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -k say -k translate \
		-o rating/translations/messages.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching -i rating/translations/messages.pot \
		-d rating/translations

## bench: run every benchmark script (each prints a table and a last line of JSON)
bench: $(DEVSTAMP)
	@for script in benchmarks/*.py; do case $$script in */_*) continue;; esac; \
		echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
