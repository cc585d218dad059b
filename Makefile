# The two README commands: `make demo` (install, migrate SQLite, load 示范区, serve with a background worker)
# and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The findings API bench measures PostgreSQL only (its target is set there).
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/dudao_api_bench
# The quality benches flush and rebuild this database (the score import's and the dashboard's targets are set on PostgreSQL too).
BENCH_QUALITY_PG_URL ?= postgres://postgres@127.0.0.1:5432/dudao_scores_bench
# The 年度工作总结's province target is set on PostgreSQL (2 million findings: the first run builds them, ~30 min).
BENCH_SUMMARY_PG_URL ?= postgres://postgres@127.0.0.1:5432/dudao_summary_bench
# The 迎检 province board's target is set on PostgreSQL (100 counties × 200 indicators).
BENCH_REVIEWS_PG_URL ?= postgres://postgres@127.0.0.1:5432/dudao_reviews_bench
# The 工作台 bench (issue 22): its 150 ms target is set on PostgreSQL; it flushes and rebuilds this database.
BENCH_HOME_PG_URL ?= postgres://postgres@127.0.0.1:5432/dudao_home_bench
# The cockpit bench flushes and rebuilds this database (its 1 s target is set on PostgreSQL).
BENCH_COCKPIT_PG_URL ?= postgres://postgres@127.0.0.1:5432/dudao_cockpit_bench
# checks rounds (issue 23): the 专项检查 bench flushes and rebuilds this database (its targets are set on PostgreSQL).
BENCH_CHECKS_ROUNDS_PG_URL ?= postgres://postgres@127.0.0.1:5432/dudao_checks_bench

.PHONY: demo test lint bench

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

demo: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py rundemo 127.0.0.1:$(PORT)

# One pytest-xdist worker per core (each with its own test database, test_<name>_gw0…); a module's tests stay on
# one worker so module-scoped fixtures (the demo loaded once) are built once. TEST_WORKERS=0 runs serially.
TEST_WORKERS ?= auto
test: $(BIN)/.installed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(BIN)/.installed
	$(BIN)/ruff check .

# The benchmarks' own extra (pandas, for the reference implementation in bench_monitoring.py).
$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/pip install -q -e ".[dev,bench]"
	touch $@

bench: $(BIN)/.bench-installed
	$(BIN)/python bench/bench_registry.py
	$(BIN)/python bench/bench_zones.py
	$(BIN)/python bench/bench_rectification.py
	DATABASE_URL=$(BENCH_PG_URL) $(BIN)/python bench/bench_findings_api.py
	$(BIN)/python bench/bench_monitoring.py
	$(BIN)/python bench/bench_monitoring_import.py
	$(BIN)/python bench/bench_surveys_engine.py
	$(BIN)/python bench/bench_surveys_submit.py
	$(BIN)/python bench/bench_frameworks_scoring.py
	$(BIN)/python bench/bench_inspections_opinions.py
	$(BIN)/python bench/bench_audit.py
	DATABASE_URL=$(BENCH_QUALITY_PG_URL) $(BIN)/python bench/bench_quality_import.py
	$(BIN)/python bench/bench_quality_dashboard.py
	DATABASE_URL=$(BENCH_QUALITY_PG_URL) $(BIN)/python bench/bench_quality_dashboard.py
	$(BIN)/python bench/bench_quality_value_added.py
	$(BIN)/python bench/bench_planning_calendar.py
	$(BIN)/python bench/bench_planning_chronicle.py
	$(BIN)/python bench/bench_planning_briefings.py
	DATABASE_URL=$(BENCH_SUMMARY_PG_URL) $(BIN)/python bench/bench_planning_summary.py
	$(BIN)/python bench/bench_planning_archive.py --sizes 1000,5000
	DATABASE_URL=$(BENCH_REVIEWS_PG_URL) $(BIN)/python bench/bench_reviews_board.py
	$(BIN)/python bench/bench_reviews_package.py --sizes 300,3000 --total-gb 2 --clean
	$(BIN)/python bench/bench_reviews_committee.py
	$(BIN)/python bench/bench_reviews_rating.py
	$(BIN)/python bench/bench_reviews_bulletin.py
	$(BIN)/python bench/bench_reviews_uses.py
	$(BIN)/python bench/bench_reviews_targets.py
	DATABASE_URL=$(BENCH_HOME_PG_URL) $(BIN)/python bench/bench_home.py
	DATABASE_URL=$(BENCH_COCKPIT_PG_URL) $(BIN)/python bench/bench_cockpit.py
	DATABASE_URL=$(BENCH_COCKPIT_PG_URL) $(BIN)/python bench/bench_cockpit_figures_a.py
	DATABASE_URL=$(BENCH_COCKPIT_PG_URL) $(BIN)/python bench/bench_cockpit_figures_b.py
	DATABASE_URL=$(BENCH_HOME_PG_URL) $(BIN)/python bench/bench_todo_a.py
	$(BIN)/python bench/bench_todo_sources.py
	$(BIN)/python bench/bench_checks_submit.py
	$(BIN)/python bench/bench_map.py
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_outputs_bench $(BIN)/python bench/bench_checks_outputs.py
	DATABASE_URL=$(BENCH_CHECKS_ROUNDS_PG_URL) $(BIN)/python bench/bench_checks_rounds.py
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_allowance_bench $(BIN)/python bench/bench_allowances.py
	# workforce: training (issue 24): 500 QR sign-ins through gunicorn (flushes and rebuilds its database)
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_training_bench $(BIN)/python bench/bench_training_signin.py
	$(BIN)/python bench/bench_calls.py
