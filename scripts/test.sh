#!/usr/bin/env bash
# The test command (`make test`): lint and types, then the whole suite on SQLite, again on
# PostgreSQL (the local server, or a throwaway one), then the browser tests in headless
# Chromium. Any failure, or a pass that ran no test, fails the whole run.
# Usage: scripts/test.sh [lint|sqlite|postgres|browser ...]   (default: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
UV=$(command -v uv || echo "python3 -m uv")
export UV_PYTHON_DOWNLOADS=never DJANGO_ALLOW_ASYNC_UNSAFE=true
passes=("$@")
[ ${#passes[@]} -gt 0 ] || passes=(lint sqlite postgres browser)
mkdir -p test-artifacts

run_pytest() {  # run_pytest NAME ARGS...: fails when pytest fails or collects nothing
  local name=$1; shift
  echo "=== pytest: $name"
  $UV run pytest "$@" --junitxml="test-artifacts/$name.xml"
  $UV run python scripts/check_junit.py "test-artifacts/$name.xml"
}

for pass in "${passes[@]}"; do
  case $pass in
    lint)
      echo "=== lint: ruff, mypy"
      $UV run ruff check .
      $UV run ruff format --check .
      $UV run mypy
      ;;
    sqlite)
      bash scripts/ensure-chromium.sh   # its fonts-noto-cjk: the briefings' PDFs are read back
      bash scripts/redis.sh
      LINGYAN_REQUIRE_REDIS=1 LINGYAN_EXPECT_DB=sqlite run_pytest sqlite -m "not browser" -q
      ;;
    postgres)
      eval "$(bash scripts/postgres.sh)"   # exports DATABASE_URL
      bash scripts/ensure-chromium.sh
      bash scripts/redis.sh
      LINGYAN_REQUIRE_REDIS=1 LINGYAN_EXPECT_DB=postgresql run_pytest postgres -m "not browser" -q
      ;;
    browser)
      bash scripts/ensure-chromium.sh
      LINGYAN_REQUIRE_BROWSER=1 run_pytest browser -m browser -q
      ;;
    *) echo "unknown pass: $pass" >&2; exit 2 ;;
  esac
done
echo "=== all passes green: ${passes[*]}"
