# Two commands for a fresh machine with Python 3.11+:
#   make run   – the app on SQLite with demo data at http://127.0.0.1:8000
#   make test  – the whole test suite (PostgreSQL too when TEST_DATABASE_URL is set)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test lint security translations extract venv bench bench-instructions bench-ledger test-deploy

$(BIN)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

venv: $(BIN)/.installed

translations: venv
	$(BIN)/pybabel compile --use-fuzzy -d translations

run: venv translations
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	@echo "Serving on http://127.0.0.1:8000"
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:8000 --access-logfile - wsgi:app

test: venv translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c bandit.yaml -r tracker scripts benchmarks wsgi.py

# Every trust promise of the README (section "Trust"): static checks, the security tests including the
# slow ones (gunicorn kill test, shared throttle), and the sqlmap scan. With
# TEST_DATABASE_URL set the tests use PostgreSQL too, and sqlmap scans a second time on a
# scratch PostgreSQL database beside it. CI passes PYTEST_ARGS="-m slow"
# because `make test` already ran the fast ones on both databases.
security: lint translations
	RUN_SLOW=1 $(BIN)/python -m pytest tests/security $(PYTEST_ARGS)
	$(BIN)/python scripts/sqlmap_scan.py
	if [ -n "$$TEST_DATABASE_URL" ]; then \
	  $(BIN)/python scripts/sqlmap_scan.py --no-control --scratch-of "$$TEST_DATABASE_URL"; fi

# Re-extract the strings and merge them into the catalogues (then translate the new ones).
extract: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

# Benchmark at scale (needs wrk: apt-get install wrk). Set BENCH_DATABASE_URL to a PostgreSQL
# database of its own to benchmark PostgreSQL too — the run empties that database, and refuses
# to run on DATABASE_URL. bench-instructions: callgrind instructions per request (valgrind) on
# the SQLite benchmark database the last `make bench` filled. bench-ledger: the busiest
# branch-year's ledger in every format, timed in process (wall and CPU), on that database
# (BENCH_ARGS="--photos 3" adds photos; "--instructions" counts with callgrind).
bench: venv translations
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

bench-instructions: venv translations
	DATABASE_URL=sqlite:///$(CURDIR)/instance/bench.sqlite3 $(BIN)/python -m benchmarks.instructions $(BENCH_ARGS)

bench-ledger: venv translations
	DATABASE_URL=sqlite:///$(CURDIR)/instance/bench.sqlite3 $(BIN)/python -m benchmarks.ledger $(BENCH_ARGS)

# The deployment of deploy/ run for real (tests/deploy): nginx in front of two gunicorn app
# servers over one PostgreSQL database of its own, Redis and one upload folder; a browser
# through nginx, SIGKILL and rolling restarts under load, an upgrade from the previous
# release. Needs TEST_DATABASE_URL (the PostgreSQL server to make its databases on), Redis
# on 127.0.0.1:6379, nginx and Chromium. About two minutes; stopped (and cleaned up) after five.
test-deploy: venv translations
	RUN_DEPLOY=1 timeout --signal=INT --kill-after=60 300 \
	  $(BIN)/python -m pytest -p no:randomly tests/deploy $(PYTEST_ARGS)
