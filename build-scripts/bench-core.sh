#!/usr/bin/env bash
# The core benchmarks (build-scripts/bench.sh runs them with the others).
# Builds weige_bench (Release, in the native tree build/native) and runs it.
# stdout is one JSON object per line, {"bench", "metric", "value", "unit"};
# build output and progress go to stderr. The full-scale district is
# generated once into build/bench/fullscale.db (delete it to regenerate).
# Extra arguments go to weige_bench, e.g. --only visit, --runs 3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
weige_server_build weige_bench
mkdir -p "$root/build/bench"
cd "$root"
"$root/build/native/weige_bench" --dir "$root/build/bench" "$@"
