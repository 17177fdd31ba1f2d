#!/usr/bin/env bash
# The browser tests drive Debian's Chromium with a CJK font; install both when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "Chromium or fonts-noto-cjk missing: run 'apt-get install -y chromium fonts-noto-cjk' as root" >&2
  exit 1
fi
echo "Installing chromium and fonts-noto-cjk (about 40 s)" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
