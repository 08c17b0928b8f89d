#!/usr/bin/env bash
# The headless browser of the dashboard tests: Debian's `chromium`, installed with apt-get where missing and possible.
#
#   scripts/chromium.sh path    print the executable (installing the package first when it is missing)
#
# TELEMATICS_CHROMIUM, when set, names another Chromium or Chrome executable and is printed as it is.
set -euo pipefail

die() { echo "chromium.sh: $*" >&2; exit 1; }

path() {
  if [ -n "${TELEMATICS_CHROMIUM:-}" ]; then
    [ -x "$TELEMATICS_CHROMIUM" ] || die "TELEMATICS_CHROMIUM=$TELEMATICS_CHROMIUM is not an executable"
    echo "$TELEMATICS_CHROMIUM"
    return
  fi
  for candidate in chromium chromium-browser; do
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return; fi
  done
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "chromium.sh: chromium not found; installing it with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y -qq --no-install-recommends chromium >&2
    command -v chromium && return
  fi
  die "chromium was not found. Debian/Ubuntu: sudo apt-get install chromium; or set TELEMATICS_CHROMIUM to a Chromium executable."
}

case "${1:-}" in
  path) path ;;
  *) die "usage: scripts/chromium.sh path" ;;
esac
