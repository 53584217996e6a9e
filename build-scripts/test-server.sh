#!/usr/bin/env bash
# Builds the sync server and its suites (WEIGE_BUILD_SERVER=ON, in
# build/server) and runs them: the core/sync suites (change log, push, pull
# scope) and the suites that start the real weige-server on loopback ports
# (auth, push/pull, blobs, bad input, shutdown, the permission matrix).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
WEIGE_SETUP_EXTRA="${WEIGE_SETUP_EXTRA:-} libcpp-httplib-dev libsodium-dev" \
  bash "$root/build-scripts/setup.sh"
jobs="${WEIGE_JOBS:-$(nproc)}"
cmake -S "$root" -B "$root/build/server" -DCMAKE_BUILD_TYPE=Release \
  -DWEIGE_BUILD_TESTS=ON -DWEIGE_BUILD_SERVER=ON ${WEIGE_CMAKE_ARGS:-} >/dev/null
cmake --build "$root/build/server" -j "$jobs" --target weige-server weige_sync_test \
  weige_server_test
ctest --test-dir "$root/build/server" --output-on-failure -j "$jobs" \
  -R '^(ScopeTest|ChangeLogTest|PushTest|AuthTest|ExpiryTest|RateLimitTest|ServerToolTest|SyncServerTest|StaticTest|BadInputTest|PermissionMatrixTest)\.'
