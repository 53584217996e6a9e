#!/usr/bin/env bash
# Runs the multi-client sync suite (tests/sync/*.test.js, Jest): wasm clients
# in Node against the real weige-server through a fault-injecting proxy, on
# seeded offline/online schedules. Builds what it needs: the Debian packages
# (the server's, and the sqlite3 shell the checks read device files with),
# the wasm module when it is missing or older than its sources, the
# weige-server target in build/server (configured as test-server.sh does),
# and the npm packages. Arguments go to Jest.
#   WEIGE_SYNC_SCHEDULES=n   schedules to run (default 24)
#   WEIGE_SOAK=1             the long run (300 longer schedules)
#   WEIGE_SYNC_SEED=s        first seed (a failing schedule names its seed)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs="${WEIGE_JOBS:-2}"

WEIGE_SETUP_EXTRA="${WEIGE_SETUP_EXTRA:-} libcpp-httplib-dev libsodium-dev sqlite3" \
  bash "$root/build-scripts/setup.sh"

newest_src=$(find core bindings CMakeLists.txt -type f -newer offline/dist/weige.wasm 2>/dev/null | head -1 || true)
if [ ! -s offline/dist/weige.wasm ] || [ -n "$newest_src" ]; then
  bash "$root/build-scripts/build-wasm.sh"
fi

if [ ! -f build/server/CMakeCache.txt ]; then
  cmake -S "$root" -B "$root/build/server" -DCMAKE_BUILD_TYPE=Release \
    -DWEIGE_BUILD_TESTS=ON -DWEIGE_BUILD_SERVER=ON ${WEIGE_CMAKE_ARGS:-} >/dev/null
fi
cmake --build "$root/build/server" -j "$jobs" --target weige-server

stamp=node_modules/.weige-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

WEIGE_SERVER_BIN="$root/build/server/server/weige-server" \
  node --experimental-vm-modules node_modules/jest/bin/jest.js \
  --config tests/sync/jest.config.js "$@"
