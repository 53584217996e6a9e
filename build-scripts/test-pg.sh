#!/usr/bin/env bash
# The store's and the server's suites on PostgreSQL: starts the loopback
# cluster (build-scripts/pg.sh, idempotent), builds the server tree, runs the
# store, change-log, push, cursor, registers and server suites with WEIGE_TEST_PG_URL set (each test works in a
# fresh schema of its own), and the Open311 client suite (tests/open311) in
# a fresh schema too, and stops the cluster again (unless it was
# running before, or WEIGE_PG_KEEP=1).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
jobs="${WEIGE_JOBS:-$(nproc)}"
# A test cluster: commits write their WAL but do not wait for the disk.
export WEIGE_PG_FSYNC="${WEIGE_PG_FSYNC:-off}"
was_running=0
bash "$root/build-scripts/pg.sh" status 2>/dev/null && was_running=1
url=$(bash "$root/build-scripts/pg.sh" start)
stop() {
  if [ "$was_running" = 0 ] && [ "${WEIGE_PG_KEEP:-0}" != 1 ]; then
    bash "$root/build-scripts/pg.sh" stop
  fi
}
trap stop EXIT
WEIGE_JOBS=$jobs weige_server_build weige-server weige_store_test weige_mutation_test \
  weige_registers_test weige_sync_test weige_server_test
export WEIGE_TEST_PG_URL="$url"
tests="$root/build/native/tests"
"$tests/weige_store_test"
"$tests/weige_mutation_test"
# The registers engine the console's import and export run on.
"$tests/weige_registers_test"
"$tests/sync/weige_sync_test"
# The real weige-server on --db postgresql://... (auth, push/pull, blobs, bad
# input, the permission matrix, SIGTERM draining).
"$tests/sync/weige_server_test"
# Open311 GeoReport v2 through the real weige-server on PostgreSQL (a fresh
# schema; tests/open311).
weige_npm_ci
WEIGE_SERVER="$WEIGE_SERVER" WEIGE_OPEN311_PG_URL="$url" weige_jest tests/open311/jest.config.js
