# Two commands for a fresh machine with only Python 3.11+:  make run  /  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install check format clean-data mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Start the portal: embedded PostgreSQL (unless DATABASE_URL), Celery worker + beat, web.
run: install
	$(BIN)/python -m bpo.launcher

## The whole suite against a real PostgreSQL (embedded, or DATABASE_URL), after quick checks:
## the tests that roll back run in PYTEST_WORKERS processes (pytest-xdist, each with its own
## test database), then the `live` ones (a real Celery worker, Chromium; they commit and
## pytest-django flushes after each) serially in one more process. PYTEST_ARGS go to both runs
## (without `-m`: each run sets its own); PYTEST_WORKERS=0 runs the first part in one process.
## Collecting no test in both runs is a failure.
PYTEST_WORKERS ?= 2
test: install check
	@$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not live" $(PYTEST_ARGS); rolled_back=$$?; \
	$(BIN)/python -m pytest -m live $(PYTEST_ARGS) -n 0; live=$$?; \
	if [ $$rolled_back -eq 5 ] && [ $$live -eq 5 ]; then \
		echo "pytest collected no tests: that is a failure here"; exit 1; fi; \
	for status in $$rolled_back $$live; do \
		if [ $$status -ne 0 ] && [ $$status -ne 5 ]; then exit $$status; fi; done

## Static checks that CI runs before the tests.
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=bpo.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=bpo.settings.test $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(BIN)/mypy bpo tenants billing scheduling

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Mutation testing of the pure modules, one module at a time on one core, niced ([tool.mutmut]
## in pyproject.toml, docs/testing.md). Only the named modules' mutants are run, e.g.
##   make mutation MUTATION_MODULES=bpo.catalog.hours
## (a package name runs all its mutated modules). Each named module's mutants are run afresh;
## the scores per module are printed at the end (scripts/mutation_scores.py). A new pure module
## joins MUTATION_MODULES here and only_mutate + the test selection in pyproject.toml.
MUTATION_MODULES ?= bpo.catalog.hours bpo.catalog.resolver bpo.quality.scoring \
	bpo.quality.sampling \
	bpo.quality.agreement \
	bpo.quality.intervals \
	scheduling.engine.erlang \
	scheduling.engine.forecasting scheduling.engine.kpi scheduling.engine.channels \
	scheduling.engine.optimiser.evaluate \
	scheduling.engine.optimiser.validate scheduling.engine.optimiser.construct \
	scheduling.engine.optimiser.aggregate scheduling.engine.optimiser.options \
	scheduling.engine.optimiser.unavailability scheduling.planning.importing.reading \
	scheduling.engine.rostering.reader scheduling.engine.rostering.validate \
	scheduling.engine.rostering.model billing.money \
	billing.einvoice.document
MUTATION_NICE ?= nice -n 15
mutation: install
	@$(BIN)/python scripts/mutation_scores.py --prepare
	@for module in $(MUTATION_MODULES); do \
		echo "== mutmut: $$module"; \
		$(MUTATION_NICE) $(BIN)/mutmut run --max-children 1 "$$module.*" || exit 1; \
	done
	@$(BIN)/python scripts/mutation_scores.py $(MUTATION_MODULES)

## Remove the embedded database, broker queues and generated files (asks no questions).
clean-data:
	rm -rf var
