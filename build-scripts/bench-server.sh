#!/usr/bin/env bash
# Server benchmarks against the real weige-server on loopback; stdout is one
# JSON object per line {"bench","metric","value","unit"}, progress on stderr.
#
#   reconnect_storm  one device per micro-grid of the seed's full-scale
#                    district (8,381), each with a token and 20 pending
#                    commands, pushing and pulling its scope at once.
#   first_sync       a new worker device pulling its micro-grid from 0 (the
#                    demo district: 75 households, 3 months of history).
#   first_sync_year  the same on micro-grids of 100 households with a year
#                    of history (generated fresh each run, seconds).
#   device_overhead  visit.record on a device database: change-log triggers
#                    present but off (a device) vs. dropped vs. recording.
#
# The full-scale district is generated once (weige demo --full-scale) into
# build/native/storm/base.db and copied to storm.db, whose change log is
# recorded on first use (minutes); both are reused (delete to regenerate).
#   push_rate        the storm's pushes alone (WEIGE_PUSH_DEVICES devices,
#                    default 2,000, × 20 commands): accepted commands/s.
#
# Then the same on PostgreSQL, in the same run, the bench names ending _pg:
# first_sync_year_pg on a copy of the year's database (weige load, fresh each
# run), and reconnect_storm_pg and push_rate_pg through HAProxy in front of
# two weige-server processes (build-scripts/fleet.mjs, WEIGE_FLEET_DEMO=0) on
# the full-scale district, copied once from base.db into the schema
# bench_storm by `weige load` (COPY, then the change log's backfill: minutes)
# and reused (DROP SCHEMA bench_storm CASCADE to reload). The cluster is
# build-scripts/pg.sh's (WEIGE_PG_PORT, WEIGE_PG_DIR), started and stopped
# here unless it was running. WEIGE_BENCH_PG=0 skips PostgreSQL.
#
# WEIGE_STORM_DEVICES=N runs the storm on the first N micro-grids only;
# WEIGE_STORM_CONCURRENCY=C sets the client connections (default 32).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/native"
source "$root/build-scripts/lib.sh"
weige_server_build weige weige-server weige_reconnect_storm
devices="${WEIGE_STORM_DEVICES:-0}"
concurrency="${WEIGE_STORM_CONCURRENCY:-32}"
push_devices="${WEIGE_PUSH_DEVICES:-2000}"
tool="$build/tests/sync/weige_reconnect_storm"
mkdir -p "$build/storm"

# The demo district (small), fresh each run.
demo="$build/storm/demo.db"
rm -f "$demo" "$demo-wal" "$demo-shm"
"$build/weige" demo --db "$demo" >/dev/null
"$tool" device-overhead --db "$demo"
"$tool" first-sync --db "$demo"
year="$build/storm/year.db"
rm -f "$year" "$year-wal" "$year-shm"
"$tool" first-sync --db "$year" --year 1

# The full-scale district.
if [ ! -f "$build/storm/storm.db" ]; then
  if [ ! -f "$build/storm/base.db" ]; then
    echo "bench-server: generating the full-scale district (about a minute)" >&2
    "$build/weige" demo --db "$build/storm/base.db.tmp" --full-scale >/dev/null
    mv "$build/storm/base.db.tmp" "$build/storm/base.db"
  fi
  cp "$build/storm/base.db" "$build/storm/storm.db.tmp"
  mv "$build/storm/storm.db.tmp" "$build/storm/storm.db"
  echo "bench-server: recording the change log of the full-scale district (minutes)" >&2
fi
"$tool" storm --db "$build/storm/storm.db" --devices "$devices" --concurrency "$concurrency"
"$tool" push-rate --db "$build/storm/storm.db" --devices "$push_devices" --concurrency "$concurrency"

[ "${WEIGE_BENCH_PG:-1}" != 0 ] || exit 0
# PostgreSQL.
weige_apt haproxy postgresql-client
was_running=0
bash "$root/build-scripts/pg.sh" status 2>/dev/null && was_running=1
url=$(bash "$root/build-scripts/pg.sh" start)
fleet=""
stop_all() {
  if [ -n "$fleet" ]; then
    kill -TERM "$fleet" 2>/dev/null || true
    wait "$fleet" 2>/dev/null || true
  fi
  if [ "$was_running" = 0 ] && [ "${WEIGE_PG_KEEP:-0}" != 1 ]; then
    bash "$root/build-scripts/pg.sh" stop
  fi
}
trap stop_all EXIT
in_schema() { echo "$url?options=-c%20search_path%3D$1"; }
pg() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -tA -v ON_ERROR_STOP=1 -d "$url" "$@"; }

# The year of history, copied fresh from the SQLite run's database.
pg -c "DROP SCHEMA IF EXISTS bench_year CASCADE" -c "CREATE SCHEMA bench_year"
"$build/weige" load --from "$year" --db "$(in_schema bench_year)" 2>/dev/null
"$tool" first-sync --db "$(in_schema bench_year)" --year 1 --label pg

# The full-scale district, loaded once (the schema's comment marks a load
# that finished).
if [ "$(pg -c "SELECT obj_description('bench_storm'::regnamespace)" 2>/dev/null)" != loaded ]; then
  echo "bench-server: loading the full-scale district into PostgreSQL (minutes)" >&2
  pg -c "DROP SCHEMA IF EXISTS bench_storm CASCADE" -c "CREATE SCHEMA bench_storm"
  "$build/weige" load --from "$build/storm/base.db" --db "$(in_schema bench_storm)" >&2
  pg -c "COMMENT ON SCHEMA bench_storm IS 'loaded'"
fi
# Two servers behind HAProxy on it.
mkdir -p "$build/storm/fleet"
fleet_out="$build/storm/fleet/out.txt"
: >"$fleet_out"
WEIGE_FLEET_PG_URL="$url" WEIGE_FLEET_SCHEMA=bench_storm WEIGE_FLEET_DEMO=0 \
  WEIGE_FLEET_SERVERS=2 WEIGE_FLEET_THREADS="$concurrency" WEIGE_SERVER_BIN="$WEIGE_SERVER" \
  node "$root/build-scripts/fleet.mjs" >"$fleet_out" 2>&1 &
fleet=$!
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$fleet_out")
  [ -z "$port" ] && kill -0 "$fleet" 2>/dev/null || break
  sleep 0.5
done
if [ -z "$port" ]; then
  echo "bench-server: the fleet did not start:" >&2
  cat "$fleet_out" >&2
  exit 1
fi
"$tool" storm --db "$(in_schema bench_storm)" --port "$port" --label pg --devices "$devices" \
  --concurrency "$concurrency"
"$tool" push-rate --db "$(in_schema bench_storm)" --port "$port" --label pg \
  --devices "$push_devices" --concurrency "$concurrency"
