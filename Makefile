.PHONY: run test lint format bench e2e setup demo

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

bench:
	uv run python -m tests.bench.run
