#!/usr/bin/env bash
# The fuzz benchmark: every libFuzzer target (build-scripts/fuzz.sh) for
# ${WEIGE_FUZZ_BENCH_SECONDS:-600} s each, two at a time; JSON lines of execs,
# coverage and crashes per target go to stdout and are appended to
# ${WEIGE_BENCH_OUT:-bench-out/fuzz.jsonl}.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${WEIGE_BENCH_OUT:-$root/bench-out/fuzz.jsonl}"
mkdir -p "$(dirname "$out")"
bash "$root/build-scripts/fuzz.sh" "${WEIGE_FUZZ_BENCH_SECONDS:-600}" | tee -a "$out"
