#!/usr/bin/env bash
# The core benchmarks (build-scripts/bench.sh runs them with the others).
# Builds weige_bench (Release, in build/bench) and runs it. stdout is one JSON
# object per line, {"bench", "metric", "value", "unit"}; build output and
# progress go to stderr. The full-scale district is generated once into
# build/bench/fullscale.db (delete it to regenerate). Extra arguments go to
# weige_bench, e.g. --only visit, --runs 3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/bench"
jobs="${WEIGE_JOBS:-2}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DWEIGE_BUILD_TESTS=ON \
  ${WEIGE_CMAKE_ARGS:-} >&2
cmake --build "$build" --target weige_bench -j "$jobs" >&2
cd "$root"
"$build/weige_bench" --dir "$build" "$@"
