#!/usr/bin/env bash
# The wasm benchmarks (tests/wasm/bench/bench.mjs): module sizes of both
# builds and the peer's, visit.record in wasm on Node (and the ratio to the
# same work natively when build/native/weige_bench exists), durable dispatch
# p50/p99 on node, cold start, and in headless Chromium (a persistent on-disk
# profile) dispatch on opfs and idb, the bare 4 KB OPFS write+flush floor and
# the peer (@sqlite.org/sqlite-wasm on opfs-sahpool). JSON lines {"bench","metric","value","unit"} go to
# stdout and are appended to ${WEIGE_BENCH_OUT:-bench-out/wasm.jsonl}.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -s offline/dist/weige.wasm ] && [ -s offline/dist/wechat/weige.wasm ] || bash build-scripts/build-wasm.sh >&2
[ -d node_modules ] || npm ci --no-audit --no-fund >&2
out="${WEIGE_BENCH_OUT:-$root/bench-out/wasm.jsonl}"
mkdir -p "$(dirname "$out")"
node tests/wasm/bench/bench.mjs | tee -a "$out"
