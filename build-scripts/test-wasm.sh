#!/usr/bin/env bash
# Runs the Jest suites of the wasm module (tests/wasm): builds the module if
# it is missing or older than its sources, installs the npm packages (npm ci)
# when node_modules is missing or the lock changed, installs Debian's chromium
# for the browser suite when missing, then runs Jest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
cd "$root"

weige_wasm

weige_npm_ci

weige_chromium

weige_jest tests/wasm/jest.config.js "$@"
