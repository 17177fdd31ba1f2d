#!/usr/bin/env bash
# `make run`: the demo county on SQLite at http://$HOST:$PORT, with DEBUG off as in production,
# and beside it the huey consumer that runs the scheduled sweeps, restarted whenever it dies.
# Whichever way this ends (Ctrl-C, a kill, the web server failing), everything stops with it.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-$(command -v uv || echo "python3 -m uv")}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

# A secret key of this machine's own, made once and kept in var/ (never the public one).
mkdir -p var
if [ -z "${LINGYAN_SECRET_KEY:-}" ]; then
  if [ ! -s var/secret_key ]; then
    (umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key)
  fi
  LINGYAN_SECRET_KEY=$(cat var/secret_key)
  export LINGYAN_SECRET_KEY
fi

$UV run python manage.py migrate --noinput
$UV run python manage.py load_demo --if-empty

# The consumer under a supervising loop: when it dies (killed, crashed), it is started again
# after RESTART_DELAY seconds. The loop stops when it is told to (TERM from the trap below).
RESTART_DELAY=${RESTART_DELAY:-2}
supervise_consumer() {
  trap 'exit 0' TERM INT
  local child status
  while true; do
    $UV run python manage.py run_huey --workers 1 --flush-locks & child=$!
    status=0; wait "$child" || status=$?
    echo "huey consumer (pid $child) ended with status $status; restarting in ${RESTART_DELAY}s" >&2
    sleep "$RESTART_DELAY"
  done
}

set -m
supervise_consumer & supervisor=$!
$UV run python manage.py runserver "$HOST:$PORT" & server=$!
# Each runs as its own process group (set -m): the supervisor with its consumer, the server
# with its autoreloader's child; the trap stops both groups.
trap 'kill -TERM -- -$server -$supervisor 2>/dev/null; wait' EXIT
trap 'exit 130' INT TERM
echo "huey consumer (supervisor pid $supervisor, restarted when it dies) runs the scheduled sweeps: organizational life (hourly), incident escalation (every 10 minutes), overdue service requests (hourly); their last runs at http://$HOST:$PORT/healthz"
wait $server
