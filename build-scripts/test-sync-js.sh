#!/usr/bin/env bash
# Runs the multi-client sync suite (tests/sync/*.test.js, Jest): wasm clients
# in Node against the real weige-server through a fault-injecting proxy, on
# seeded offline/online schedules. Builds what it needs: the Debian packages
# (the server's, and the sqlite3 shell the checks read device files with),
# the wasm module when it is missing or older than its sources, the
# weige-server target in build/native (weige_server_build in lib.sh),
# and the npm packages. Arguments go to Jest.
#   WEIGE_SYNC_SCHEDULES=n   schedules to run (default 24)
#   WEIGE_SOAK=1             the long run (300 longer schedules)
#   WEIGE_SYNC_SEED=s        first seed (a failing schedule names its seed)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
cd "$root"

weige_server_build weige-server
weige_wasm

weige_npm_ci

WEIGE_SERVER_BIN="$root/build/native/server/weige-server" \
  weige_jest tests/sync/jest.config.js "$@"
