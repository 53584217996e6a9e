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
# WEIGE_STORM_DEVICES=N runs the storm on the first N micro-grids only;
# WEIGE_STORM_CONCURRENCY=C sets the client connections (default 32).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/native"
source "$root/build-scripts/lib.sh"
weige_server_build weige weige-server weige_reconnect_storm
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
"$tool" storm --db "$build/storm/storm.db" --devices "${WEIGE_STORM_DEVICES:-0}" \
  --concurrency "${WEIGE_STORM_CONCURRENCY:-32}"
