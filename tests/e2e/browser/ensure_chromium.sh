#!/usr/bin/env bash
# Prints the path of a Chromium for the browser test. When it is missing and we are
# root on a Debian-like system, installs Debian's `chromium` package first.
set -euo pipefail
for name in chromium chromium-browser; do
  if command -v "$name" >/dev/null 2>&1; then
    command -v "$name"
    exit 0
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing: installing it with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
  command -v chromium
  exit 0
fi
echo "chromium is not installed: install it (e.g. 'apt-get install chromium') and run again" >&2
exit 1
