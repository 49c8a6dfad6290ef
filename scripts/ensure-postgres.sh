#!/usr/bin/env bash
# Starts the local PostgreSQL server when it is down (CI machines have it installed).
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
echo "[postgres] starting the local server"
pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done
echo "[postgres] the server at 127.0.0.1:5432 did not come up" >&2
exit 1
