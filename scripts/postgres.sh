#!/usr/bin/env bash
# Prints `export DATABASE_URL=…` for a PostgreSQL server to test against: the one at
# $LINGYAN_PG (default 127.0.0.1:5432, trust auth) if it answers, else a throwaway cluster
# started here under the postgres user on port 5499 (initdb refuses to run as root).
set -euo pipefail
host_port=${LINGYAN_PG:-127.0.0.1:5432}
host=${host_port%:*}; port=${host_port#*:}
if pg_isready -q -h "$host" -p "$port" 2>/dev/null \
   && psql -h "$host" -p "$port" -U postgres -Atc "select 1" postgres >/dev/null 2>&1; then
  echo "export DATABASE_URL=postgres://postgres@$host:$port/postgres"
  exit 0
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ]; then
  echo "PostgreSQL not found; installing it" >&2
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
data=/tmp/lingyan-pg-data
if [ ! -f "$data/PG_VERSION" ]; then
  rm -rf "$data"; mkdir -p "$data"; chown postgres "$data"
  runuser -u postgres -- "$bindir/initdb" -D "$data" -A trust -U postgres >&2
fi
if ! pg_isready -q -h 127.0.0.1 -p 5499 2>/dev/null; then
  runuser -u postgres -- "$bindir/pg_ctl" -D "$data" -l "$data/server.log" \
    -o "-p 5499 -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" -w start >&2
fi
echo "export DATABASE_URL=postgres://postgres@127.0.0.1:5499/postgres"
