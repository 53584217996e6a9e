#!/usr/bin/env bash
# Configures and builds the native tree (core, CLI, sync server, tests) in
# build/native (weige_native_configure in lib.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
jobs="${WEIGE_JOBS:-$(nproc)}"
weige_native_configure
cmake --build "$root/build/native" -j "$jobs"
