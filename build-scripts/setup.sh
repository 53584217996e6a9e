#!/usr/bin/env bash
# Installs what the native build and tests need, idempotently: Debian packages
# only when missing (apt-get update once, only if something is missing), and
# the SQLite amalgamation. Safe to run again and again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# need_pkgs PKG... : installs the packages that are not installed yet.
need_pkgs() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

need_pkgs build-essential cmake git ca-certificates \
  libgtest-dev libbenchmark-dev nlohmann-json3-dev
# Node.js (with npm) may come from another packaging than Debian's: only
# install Debian's when there is none at all.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  need_pkgs nodejs npm
fi
if [ "${WEIGE_SETUP_EXTRA:-}" != "" ]; then
  # shellcheck disable=SC2086
  need_pkgs ${WEIGE_SETUP_EXTRA}
fi
bash "$root/build-scripts/fetch-sqlite.sh"
