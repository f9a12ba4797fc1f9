# ClusterHub: the index of what one can do. `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run run-env worker test lint bench install install-dev migrate clean messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

migrate: install
	$(PY) manage.py migrate --noinput

# How `make run` serves: DEBUG off (the site's own error pages) on this machine over plain
# http (LOCAL_SITE, config/settings.py), with a secret key generated once into var/ (git-ignored).
SECRET_KEY_FILE ?= var/secret_key
RUN_ENV = DEBUG=0 LOCAL_SITE=1 SECRET_KEY_FILE=$(SECRET_KEY_FILE)

$(SECRET_KEY_FILE):
	mkdir -p $(dir $@)
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

## run: install, migrate, load demo data if the database is empty, serve on http://$(HOST):$(PORT)
##      with the delivery worker (push, email) beside daphne, stopped when daphne stops
run: migrate $(SECRET_KEY_FILE)
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py vapid_keys --if-missing
	$(RUN_ENV) $(PY) manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(PY) -m config.server -b $(HOST) -p $(PORT) --websocket-max-message-size 1048576 asgi:application

## run-env: print the environment `make run` serves with (tests/test_make_run.py starts it so)
run-env:
	@echo '$(RUN_ENV)'

## worker: send queued push notifications and emails (`make run` starts one beside daphne)
worker: migrate
	$(PY) manage.py vapid_keys --if-missing
	$(PY) manage.py run_worker

## test: install everything and run the whole suite (DATABASE_URL/REDIS_URL pick real servers)
test: install-dev
	node --test tests/js/
	CLUSTERHUB_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS)

## messages: gather new strings into locale/<lang>/LC_MESSAGES/*.po, then compile the .mo files
##           (translate the new entries in fr, de, es and it before committing; the catalogue
##           check in the suite fails on an empty or fuzzy one)
messages: install-dev
	CLUSTERHUB_TESTING=1 $(PY) manage.py makemessages --no-location --no-obsolete -l en -l fr -l de -l es -l it \
		--ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'
	CLUSTERHUB_TESTING=1 $(PY) manage.py makemessages -d djangojs --no-location --no-obsolete -l en -l fr -l de -l es -l it \
		--ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*'
	@# One layout for every catalogue, and English saying its msgids (community/management/commands/tidy_catalogues.py)
	CLUSTERHUB_TESTING=1 $(PY) manage.py tidy_catalogues
	CLUSTERHUB_TESTING=1 $(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

## lint: ruff, mypy and the migrations check
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	CLUSTERHUB_TESTING=1 $(PY) manage.py makemigrations --check --dry-run

## bench: speed figures against in-run baselines (needs PostgreSQL: BENCH_DATABASE_URL): every
##        bench/*.py, e.g. live.py, forum_fanout.py, and the webinar rooms' room_fanout.py
##        (a chat message and a poll result to 1,000 attendees), room_joins.py (1,000
##        joins in a minute), and matchmaking's suggestions.py (one person's suggestions over
##        10,000 organisations and 5,000 listings, against the bare ORM read of the candidates)
##        and matchmaking_scheduler.py (the auto-scheduler: 300 participants, 1,500 requests,
##        12 slots, against greedy first-fit; no PostgreSQL)
bench: install-dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles
