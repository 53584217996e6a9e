#!/usr/bin/env bash
# A PostgreSQL cluster for the server's second engine and its tests, kept in
# build/pg (data, socket, log), listening on loopback only.
#
#   build-scripts/pg.sh start    installs postgresql + libpq-dev if missing,
#                                initdb once, starts the server, creates the
#                                role and database; prints the URL. Idempotent.
#   build-scripts/pg.sh url      prints postgresql://USER@127.0.0.1:PORT/DB
#   build-scripts/pg.sh status   exit 0 when the cluster is running
#   build-scripts/pg.sh stop     stops it (fast shutdown); nothing if stopped
#
# Environment: WEIGE_PG_PORT (25432: below Linux's ephemeral range, 32768-60999,
# so no outgoing connection made while the cluster is down can hold its port;
# CI once failed to restart it on 55432), WEIGE_PG_DIR (build/pg), WEIGE_PG_USER
# (weige), WEIGE_PG_DB (weige). PostgreSQL refuses to run as root: as root
# (CI) the cluster belongs to the `postgres` system user and every server
# command runs through `runuser -u postgres`; otherwise as the caller.
# WEIGE_PG_FSYNC (on): `off` for the test suites only (test-pg.sh,
# test-fleet.sh) — commits still write their WAL, so a killed or restarted
# server loses nothing, but nothing waits for the disk; benches run with it
# on. A running cluster with the other setting is restarted.
# Authentication is `trust` on 127.0.0.1 only (a test cluster: nothing else
# can connect).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"

port="${WEIGE_PG_PORT:-25432}"
dir="${WEIGE_PG_DIR:-$root/build/pg}"
user="${WEIGE_PG_USER:-weige}"
db="${WEIGE_PG_DB:-weige}"
url="postgresql://$user@127.0.0.1:$port/$db"
fsync="${WEIGE_PG_FSYNC:-on}"
case "$fsync" in on | off) ;; *) echo "pg: WEIGE_PG_FSYNC is on or off" >&2; exit 2 ;; esac

bin() {
  local v
  v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
  echo "/usr/lib/postgresql/$v/bin"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  [ -f "$dir/data/PG_VERSION" ] && as_owner "$(bin)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

psql_admin() {
  local owner
  owner=$([ "$(id -u)" -eq 0 ] && echo postgres || id -un)
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$owner" -d postgres "$@"
}

start() {
  weige_apt postgresql libpq-dev
  # Debian's package may start its own cluster on 5432; ours is separate.
  mkdir -p "$dir/run"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir" "$dir/run"
    # The postgres user must reach the folder through the worktree's parents.
    local p="$dir"
    while [ "$p" != "/" ]; do
      p=$(dirname "$p")
      [ "$(stat -c %A "$p" | cut -c10)" = "x" ] || chmod o+x "$p"
    done
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    echo "pg: initdb in $dir/data" >&2
    as_owner "$(bin)/initdb" -D "$dir/data" -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=trust >/dev/null
    cat >>"$dir/data/postgresql.conf" <<EOF
# build-scripts/pg.sh: loopback only, our own port and socket folder.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/run'
max_connections = 200
EOF
    # Only loopback TCP (and the owner's socket) may connect.
    cat >"$dir/data/pg_hba.conf" <<EOF
local all all trust
host  all all 127.0.0.1/32 trust
EOF
  fi
  if running && [ "$(psql_admin -tAc 'SHOW fsync' 2>/dev/null)" != "$fsync" ]; then
    echo "pg: restarting with fsync=$fsync" >&2
    stop
  fi
  if ! running; then
    if ! as_owner "$(bin)/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir/run -c fsync=$fsync" start >/dev/null; then
      echo "pg: could not start on port $port; the end of $dir/log:" >&2
      tail -n 20 "$dir/log" >&2 || true
      exit 1
    fi
  fi
  if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" ]; then
    psql_admin -c "CREATE ROLE \"$user\" LOGIN CREATEDB"
  fi
  if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    psql_admin -c "CREATE DATABASE \"$db\" OWNER \"$user\""
  fi
  echo "$url"
}

stop() {
  if running; then
    as_owner "$(bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    echo "pg: stopped" >&2
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$url" ;;
  status)
    if running; then
      echo "pg: running, $url" >&2
    else
      echo "pg: not running" >&2
      exit 3
    fi
    ;;
  *)
    echo "usage: build-scripts/pg.sh start|stop|url|status" >&2
    exit 2
    ;;
esac
