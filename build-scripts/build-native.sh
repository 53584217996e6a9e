#!/usr/bin/env bash
# Configures and builds the native tree (core, CLI, tests) in build/native.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/build-scripts/setup.sh"
jobs="${WEIGE_JOBS:-$(nproc)}"
cmake -S "$root" -B "$root/build/native" -DCMAKE_BUILD_TYPE=Release \
  -DWEIGE_BUILD_TESTS=ON ${WEIGE_CMAKE_ARGS:-} >/dev/null
cmake --build "$root/build/native" -j "$jobs"
