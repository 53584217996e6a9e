#!/usr/bin/env bash
# Runs Weige's benchmarks. stdout is one JSON object per line,
# {"bench", "metric", "value", "unit"}; build output and progress go to stderr.
#
#   build-scripts/bench.sh                 every suite
#   build-scripts/bench.sh core server     only those suites
#
# Suites (each a script build-scripts/bench-<suite>.sh): core (native store:
# visit.record, micro-grid queries, district rollup), wasm (module sizes,
# wasm vs native, durable dispatch on node/opfs/idb, cold start), server
# (reconnect storm, first sync), pouchdb (Weige vs PouchDB sync), web (first
# load, time to the worker's list), lighthouse (the signed-in worker's and grid
# head's pages, each Lighthouse category), miniprogram (main package size), fuzz
# (each libFuzzer target for 600 s: execs, coverage, crashes), crash (1,000
# device SIGKILLs and 300 power cuts: integrity failures, lost acknowledged),
# registers (full-scale register import and exports: rows/s, wall, peak memory),
# open311 (GET requests over a 90-day window of the full-scale district).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(core wasm server pouchdb web lighthouse miniprogram fuzz crash registers open311)
failed=0
for s in "${suites[@]}"; do
  script="$root/build-scripts/bench-$s.sh"
  if [ ! -f "$script" ]; then
    echo "bench: no suite '$s' ($script)" >&2
    failed=1
    continue
  fi
  echo "== bench $s" >&2
  if ! bash "$script"; then
    echo "bench: suite '$s' failed" >&2
    failed=1
  fi
done
exit $failed
