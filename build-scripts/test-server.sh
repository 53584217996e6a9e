#!/usr/bin/env bash
# Builds the sync server and its suites (in the native tree,
# build/native) and runs them: the core/sync suites (change log, push, pull
# scope) and the suites that start the real weige-server on loopback ports
# (auth, push/pull, blobs, bad input, shutdown, the permission matrix), and
# the hostile-client suite (tests/server/hostile.test.js, node:test, < 2 min),
# and Open311 GeoReport v2 driven by a client written from the spec
# (tests/open311, Jest, ~1 min).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
jobs="${WEIGE_JOBS:-$(nproc)}"
WEIGE_JOBS=$jobs weige_server_build weige-server weige_sync_test weige_server_test
ctest --test-dir "$root/build/native" --output-on-failure -j "$jobs" -R "$weige_server_suites"
WEIGE_SERVER="$WEIGE_SERVER" node --test "$root/tests/server/hostile.test.js"
weige_npm_ci
WEIGE_SERVER="$WEIGE_SERVER" weige_jest tests/open311/jest.config.js
