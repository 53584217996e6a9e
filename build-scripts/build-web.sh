#!/usr/bin/env bash
# Builds the web app (web/) into build/web: installs the npm packages when
# node_modules is missing or the lock changed, builds the wasm module when it
# is missing or older than its sources, then bundles with esbuild (web/build.mjs:
# PurgeCSS, the PNG icons).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
cd "$root"

weige_npm_ci
# rsvg-convert draws the PNG icons from web/icon.svg.
weige_apt librsvg2-bin

weige_wasm

node web/build.mjs "${1:-$root/build/web}"
