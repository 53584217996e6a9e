#!/usr/bin/env bash
# The web app's bench (JSON lines {"bench","metric","value","unit"}): bytes of
# the first load (as sent, and at gzip size), and navigation to the worker's
# list rendered on a cold and a warm start in headless Chromium against
# weige-server on loopback; then with the CPU throttled 4x (DevTools'
# Emulation.setCPUThrottlingRate, a phone-class CPU): a worker's first sync on
# a fresh profile (wasm on OPFS) and the warm and cold starts again
# (*_cpu4x). WEIGE_BENCH_RUNS sets the runs per timing (5).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
cd "$root"
weige_web_ready
node tests/e2e/bench/web-bench.mjs
