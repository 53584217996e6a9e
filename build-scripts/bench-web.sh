#!/usr/bin/env bash
# The web app's bench (JSON lines {"bench","metric","value","unit"}): bytes of
# the first load (as sent, and at gzip size), and navigation to the worker's
# list rendered on a cold and a warm start in headless Chromium against
# weige-server on loopback. WEIGE_BENCH_RUNS sets the runs per timing (5).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash "$root/build-scripts/build-web.sh" >&2
if [ -z "${WEIGE_SERVER:-}" ]; then
  WEIGE_SETUP_EXTRA="${WEIGE_SETUP_EXTRA:-} libcpp-httplib-dev libsodium-dev" \
    bash "$root/build-scripts/setup.sh" >&2
  cmake -S "$root" -B "$root/build/server" -DCMAKE_BUILD_TYPE=Release \
    -DWEIGE_BUILD_TESTS=ON -DWEIGE_BUILD_SERVER=ON ${WEIGE_CMAKE_ARGS:-} >/dev/null
  cmake --build "$root/build/server" -j "${WEIGE_JOBS:-2}" --target weige-server >&2
  export WEIGE_SERVER="$root/build/server/server/weige-server"
fi
command -v chromium >/dev/null 2>&1 || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
node tests/e2e/bench/web-bench.mjs
