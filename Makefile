.PHONY: run test lint format bench bench-all e2e setup demo

# uv lands in ~/.local/bin when bootstrap installs it on a fresh machine
export PATH := $(HOME)/.local/bin:$(PATH)

# Sets up a fresh Debian machine, migrates, loads the demo data, serves http://127.0.0.1:8000
run:
	./scripts/bootstrap.sh
	uv run lianmeng setup
	uv run lianmeng demo
	uv run lianmeng serve 127.0.0.1:8000

# Sets up the machine and runs the whole suite on SQLite and on PostgreSQL
test:
	./scripts/test.sh

lint:
	uv run ruff check .
	uv run ruff format --check .

format:
	uv run ruff format .
	uv run ruff check --fix .

e2e:
	uv run pytest -m e2e -q

# The national benchmark (PostgreSQL, 1/10 and full scale) and the PDF benchmark (target: under
# 30 min on a 2-core machine);
# results in docs/benchmarks.md. Every per-issue benchmark: make bench-all, or one by name:
# uv run python -m tests.bench.<name>
bench:
	./scripts/ensure-postgres.sh
	uv run python -m tests.bench.run

bench-all:
	./scripts/ensure-postgres.sh
	uv run python -m tests.bench.run --all
