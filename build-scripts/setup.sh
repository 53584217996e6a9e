#!/usr/bin/env bash
# Installs what the native build and tests need, idempotently: Debian packages
# only when missing (apt-get update once, only if something is missing), and
# the SQLite amalgamation. Safe to run again and again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"

weige_apt build-essential cmake git ca-certificates \
  libgtest-dev libbenchmark-dev nlohmann-json3-dev libsodium-dev zlib1g-dev \
  libcsv-dev libzip-dev libexpat1-dev libxlsxwriter-dev pkg-config
# Node.js (with npm) may come from another packaging than Debian's: only
# install Debian's when there is none at all.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  weige_apt nodejs npm
fi
if [ "${WEIGE_SETUP_EXTRA:-}" != "" ]; then
  # shellcheck disable=SC2086
  weige_apt ${WEIGE_SETUP_EXTRA}
fi
bash "$root/build-scripts/fetch-sqlite.sh"
