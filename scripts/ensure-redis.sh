#!/usr/bin/env bash
# Starts a local Redis server when none answers at 127.0.0.1:6379 (the multi-process test and
# the queue tests use it; Debian's redis-server is installed by scripts/bootstrap.sh).
set -euo pipefail
ping() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if ping; then exit 0; fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "[redis] redis-server is not installed (scripts/bootstrap.sh installs it)" >&2
  exit 1
fi
echo "[redis] starting a local server on 127.0.0.1:6379"
dir="${TMPDIR:-/tmp}/lianmeng-redis"
mkdir -p "$dir"
# no persistence: the tests' data is thrown away; bound to loopback only
redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no \
  --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
for _ in $(seq 1 30); do ping && exit 0; sleep 0.5; done
echo "[redis] the server at 127.0.0.1:6379 did not come up (see $dir/redis.log)" >&2
exit 1
