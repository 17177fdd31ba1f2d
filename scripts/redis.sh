#!/usr/bin/env bash
# Make sure a Redis answers on 127.0.0.1:6379 for the scheduler tests (huey's production
# backend): the local one if it runs, else start one that keeps nothing on disk.
set -euo pipefail
if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then exit 0; fi
if ! command -v redis-server >/dev/null; then
  echo "Redis not found; installing it" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
fi
mkdir -p /tmp/lingyan-redis
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
  --dir /tmp/lingyan-redis --logfile /tmp/lingyan-redis/redis.log >&2
for _ in 1 2 3 4 5 6 7 8 9 10; do
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0
  sleep 0.5
done
echo "Redis did not start" >&2; exit 1
