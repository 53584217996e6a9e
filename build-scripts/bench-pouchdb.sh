#!/usr/bin/env bash
# Weige against PouchDB, side by side in one run: the same 10,000 offline-made
# visit records pushed from 100 devices, then pulled back out by micro-grid.
# stdout is one JSON object per line {"bench":"sync.vs_pouchdb","metric",
# "value","unit"} (weige_push_s, weige_pull_s, weige_total_s, pouchdb_push_s,
# pouchdb_pull_s, pouchdb_total_s, ratio_total and context); progress on stderr.
#
#   Weige    weige-server (Release) on 127.0.0.1 over a fresh demo district
#            (weige demo: 40 micro-grids); the devices are a load client that
#            talks exactly as the sync client does (push batches, then pull
#            pages from its cursor), one keep-alive connection per device.
#   PouchDB  pouchdb-server 4.2.0 (leveldb store) on 127.0.0.1 and one
#            pouchdb-node 9.0.0 database (leveldb) per device, replicating;
#            the pull filtered by a design-doc filter on the micro-grid.
#
# bench/pouchdb/bench.js says what is measured and how. Everything runs on
# loopback, one server at a time, and is bounded: both servers are killed on
# exit, on failure and after WEIGE_POUCHDB_TIMEOUT seconds (default 900).
#
# WEIGE_POUCHDB_DEVICES (100), WEIGE_POUCHDB_RECORDS (10000) and
# WEIGE_POUCHDB_CONCURRENCY (100: every device syncs at once, on both sides)
# change the shape. The npm packages live in bench/pouchdb/node_modules
# (npm ci there, only when its lock file changed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/native"
pkg="$root/bench/pouchdb"
work="$build/bench-pouchdb"

# The native tree with the server (weige_server_build in lib.sh); sqlite3
# (the CLI, installed by it) writes the devices' tokens.
source "$root/build-scripts/lib.sh"
weige_server_build weige weige-server

# PouchDB and pouchdb-server, pinned by bench/pouchdb/package-lock.json.
# Install scripts are skipped: leveldown ships prebuilt N-API binaries (loaded
# by node-gyp-build at run time), and the one addon without them, sqlite3
# (pouchdb-server's --sqlite mode, unused here), would try to download one.
stamp="$pkg/node_modules/.weige-lock-sha256"
want="$(cat "$pkg/package.json" "$pkg/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bench-pouchdb: npm ci in bench/pouchdb" >&2
  (cd "$pkg" && npm ci --ignore-scripts --no-audit --no-fund >&2)
  echo "$want" >"$stamp"
fi
(cd "$pkg" && node -e "require('pouchdb-node'); require('leveldown'); require.resolve('pouchdb-server/bin/pouchdb-server')") || {
  echo "bench-pouchdb: pouchdb-node, leveldown or pouchdb-server does not load (see above)" >&2
  exit 1
}

# A fresh district each run (about a second).
rm -rf "$work"
mkdir -p "$work"
"$build/weige" demo --db "$work/district.db" >/dev/null

# Kills the servers the driver started (by pid, checked to still be one of
# them), should it die without doing so itself.
cleanup() {
  [ -f "$work/pids" ] || return 0
  local pid
  while read -r pid; do
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || continue
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE 'weige-server|pouchdb-server'; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done <"$work/pids"
}
driver=""
stop() {
  # timeout passes the signal on to the driver, which stops its servers.
  [ -z "$driver" ] || kill -TERM "$driver" 2>/dev/null || true
  sleep 2
  exit 1
}
trap cleanup EXIT
trap stop INT TERM HUP

limit="${WEIGE_POUCHDB_TIMEOUT:-900}"
timeout -k 10 "$((limit + 30))" node "$pkg/bench.js" \
  --db "$work/district.db" \
  --weige-server "$build/server/weige-server" \
  --work "$work" \
  --devices "${WEIGE_POUCHDB_DEVICES:-100}" \
  --records "${WEIGE_POUCHDB_RECORDS:-10000}" \
  --concurrency "${WEIGE_POUCHDB_CONCURRENCY:-100}" \
  --timeout "$limit" &
driver=$!
wait "$driver"
