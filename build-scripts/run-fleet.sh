#!/usr/bin/env bash
# A fleet on this machine with one command: a throwaway PostgreSQL cluster
# under build/pg (build-scripts/pg.sh: loopback, an unprivileged owner), the
# demo district loaded once into the schema "fleet" (made fresh each run),
# WEIGE_FLEET_SERVERS (2) weige-server processes on it, and HAProxy (Debian
# `haproxy`) in front on 127.0.0.1, serving the web app (build/web) and the
# sync API the mini-program uses. Prints the balancer's address and the demo
# logins; Ctrl-C (or any exit) stops the servers, HAProxy and the cluster
# (the cluster stays when it was running before, or with WEIGE_PG_KEEP=1).
# The fleet itself is build-scripts/fleet.mjs (the fleet suites start theirs
# through it too).
#   WEIGE_PG_PORT        the cluster's port (25432)
#   WEIGE_FLEET_SERVERS  servers behind the balancer (2)
#   WEIGE_FLEET_THREADS  threads (and PostgreSQL readers) per server (16)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
weige_apt haproxy postgresql-client
weige_server_build weige-server
# The web app (as run.sh: builds the wasm module and npm packages if missing).
bash "$root/build-scripts/build-web.sh" "$root/build/web" >&2
was_running=0
bash "$root/build-scripts/pg.sh" status 2>/dev/null && was_running=1
url=$(bash "$root/build-scripts/pg.sh" start)
stop_pg() {
  if [ "$was_running" = 0 ] && [ "${WEIGE_PG_KEEP:-0}" != 1 ]; then
    bash "$root/build-scripts/pg.sh" stop
  fi
}
trap stop_pg EXIT
# A fresh schema each run: the demo's logins are printed when it is built.
psql -X -q -d "$url" -c "DROP SCHEMA IF EXISTS fleet CASCADE"
echo "fleet: loading the demo district into PostgreSQL..." >&2
WEIGE_FLEET_PG_URL="$url" WEIGE_FLEET_STATIC="$root/build/web" WEIGE_SERVER_BIN="$WEIGE_SERVER" \
  node "$root/build-scripts/fleet.mjs" &
fleet=$!
# Ctrl-C reaches node too (same process group); a TERM to this script is passed on.
trap 'kill -TERM $fleet 2>/dev/null || true' TERM INT
wait $fleet || wait $fleet || true
