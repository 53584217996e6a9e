#!/usr/bin/env bash
# Open311 GeoReport v2 on the full-scale district (issue 12): GET requests
# with a 90-day window, p50 server time (target ≤ 50 ms), through weige_bench
# --only open311 (the store's read and the JSON answer; the district is
# generated once into build/bench/fullscale.db, as bench-core.sh does).
# stdout is one JSON object per line, {"bench", "metric", "value", "unit"}.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
weige_server_build weige_bench
mkdir -p "$root/build/bench"
"$root/build/native/weige_bench" --dir "$root/build/bench" --only open311 "$@"
