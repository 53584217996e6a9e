#!/usr/bin/env bash
# The wasm benchmarks (tests/wasm/bench/bench.mjs): module sizes of both
# builds and the peer's, visit.record in wasm on Node (and the ratio to the
# same work natively when build/native/weige_bench exists), durable dispatch
# p50/p99 on node, cold start, and in headless Chromium (a persistent on-disk
# profile) dispatch on opfs and idb, the bare 4 KB OPFS write+flush floor and
# the peer (@sqlite.org/sqlite-wasm on opfs-sahpool), and the module's code
# bytes by component (SQLite and its features, the store, libc++...). JSON lines {"bench","metric","value","unit"} go to
# stdout and are appended to ${WEIGE_BENCH_OUT:-bench-out/wasm.jsonl}.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -s offline/dist/weige.wasm ] && [ -s offline/dist/wechat/weige.wasm ] || bash build-scripts/build-wasm.sh >&2
[ -d node_modules ] || npm ci --no-audit --no-fund >&2
out="${WEIGE_BENCH_OUT:-$root/bench-out/wasm.jsonl}"
mkdir -p "$(dirname "$out")"
node tests/wasm/bench/bench.mjs | tee -a "$out"
# Where the web module's bytes go, by component (build-scripts/wasm-sizes.mjs):
# the same link and wasm-opt passes as build-wasm.sh, keeping a name section
# (its code and data sizes match the shipped module's within 1%).
link="$root/build/wasm/bindings/wasm/CMakeFiles/weige_wasm.dir/link.txt"
if [ -f "$link" ]; then
  prof="$root/build/wasm-prof"
  mkdir -p "$prof"
  cmd=$(sed "s| -o [^ ]*/weige.js | --profiling-funcs -o $prof/weige.js |" "$link")
  (cd "$root/build/wasm/bindings/wasm" && NODE_PATH=/usr/share/nodejs eval "$cmd") >&2
  wasm-opt "$prof/weige.wasm" -g -Oz --converge --enable-sign-ext --enable-mutable-globals \
    -o "$prof/weige.opt.wasm"
  node build-scripts/wasm-sizes.mjs "$prof/weige.opt.wasm" | tee -a "$out"
fi
