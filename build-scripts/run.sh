#!/usr/bin/env bash
# Builds Weige and runs the main job. Until the sync server exists, that is:
# build the demo district into build/demo.db and print its logins and
# dashboard figures.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/build-scripts/build-native.sh" >/dev/null
db="$root/build/demo.db"
rm -f "$db" "$db-wal" "$db-shm"
"$root/build/native/weige" demo --db "$db"
echo
echo "数据库 Database: $db"
echo "试试 Try: $root/build/native/weige query --db $db worker.households_due '{\"actor\":\"<worker id>\",\"microgrid_id\":\"<id>\",\"cycle\":\"<cycle>\"}'"
