#!/usr/bin/env bash
# The whole test suite: sets the machine up, then runs it on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.local/bin:$PATH"
./scripts/bootstrap.sh
uv run ruff check .
uv run ruff format --check .
# bandit: any finding above "low" severity fails the run (docs/security.md)
uv run bandit -r src/lianmeng -q -ll
(cd src/lianmeng && uv run django-admin compilemessages -v 0 --settings=lianmeng.config.settings) \
  || { echo "compilemessages failed"; exit 1; }

export LIANMENG_DATA_DIR="${LIANMENG_DATA_DIR:-$(mktemp -d)}"
# Redis for the queue, session and health tests, and (with PostgreSQL) the multi-process test
./scripts/ensure-redis.sh
echo "== SQLite =="
uv run pytest -q -p no:cacheprovider -n 2 "$@"
echo "== PostgreSQL =="
./scripts/ensure-postgres.sh
# the tests' own commits need not wait for the disk (a crash loses only a test database)
DATABASE_URL="${PG_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}" \
  PGOPTIONS="${PGOPTIONS:--c synchronous_commit=off}" \
  uv run pytest -q -p no:cacheprovider -n 2 "$@"
