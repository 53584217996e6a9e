#!/usr/bin/env bash
# The fleet suites (issue 10): two weige-server processes on PostgreSQL
# behind HAProxy (build-scripts/fleet.mjs), real processes throughout:
#   tests/fleet/faults.test.js    a server SIGKILLed mid-push, PostgreSQL
#                                 restarted under load, one command id raced
#                                 on both servers;
#   tests/sync/convergence.test.js  the multi-client schedules (drops,
#                                 duplicates, reorders, delays) through the
#                                 balancer, every third one killing a server
#                                 (WEIGE_SYNC_FLEET=1; WEIGE_FLEET_SCHEDULES,
#                                 default 6).
# Starts the loopback cluster (pg.sh, idempotent) and stops it again (unless
# it was running before, or WEIGE_PG_KEEP=1); the demo district is loaded
# once into a schema of its own, shared by both files, dropped at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
weige_apt haproxy postgresql-client
weige_server_build weige-server
weige_wasm
weige_npm_ci
# A test cluster: commits write their WAL but do not wait for the disk.
export WEIGE_PG_FSYNC="${WEIGE_PG_FSYNC:-off}"
was_running=0
bash "$root/build-scripts/pg.sh" status 2>/dev/null && was_running=1
url=$(bash "$root/build-scripts/pg.sh" start)
schema="fleet_test_$$"
mkdir -p "$root/build/fleet"
logins="$root/build/fleet/$schema.logins.json"
cleanup() {
  rm -f "$logins"
  # The fault suite restarts the cluster: make sure it is up to drop the schema.
  bash "$root/build-scripts/pg.sh" start >/dev/null 2>&1 &&
    PGOPTIONS='-c client_min_messages=warning' psql -X -q -d "$url" \
      -c "DROP SCHEMA IF EXISTS $schema CASCADE" || true
  if [ "$was_running" = 0 ] && [ "${WEIGE_PG_KEEP:-0}" != 1 ]; then
    bash "$root/build-scripts/pg.sh" stop
  fi
}
trap cleanup EXIT
WEIGE_FLEET_PG_URL="$url" WEIGE_FLEET_SCHEMA="$schema" WEIGE_FLEET_LOGINS="$logins" \
  WEIGE_SYNC_FLEET=1 WEIGE_SYNC_SCHEDULES="${WEIGE_FLEET_SCHEDULES:-6}" \
  WEIGE_SERVER_BIN="$WEIGE_SERVER" weige_jest tests/fleet/jest.config.js --runInBand "$@"
