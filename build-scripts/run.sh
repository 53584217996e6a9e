#!/usr/bin/env bash
# Builds Weige and runs the main job: weige-server on the demo district, at
# http://127.0.0.1:8080 (WEIGE_LISTEN overrides), serving the web app (built
# into build/web), and printing the demo logins with their
# passwords. The database is build/demo-server.db (WEIGE_DB overrides); it is
# built on the first run and reused after. Ctrl-C (SIGINT) or SIGTERM stops
# the server cleanly. Sample import files (XLSX and GB18030 CSV) for the
# demo district are written to build/demo-samples/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
WEIGE_JOBS="${WEIGE_JOBS:-$(nproc)}" weige_server_build weige-server weige >/dev/null
# The web app (builds the wasm module and installs npm packages if missing).
bash "$root/build-scripts/build-web.sh" "$root/build/web" >&2
db="${WEIGE_DB:-$root/build/demo-server.db}"
listen="${WEIGE_LISTEN:-127.0.0.1:8080}"
# Sample register files a newcomer imports through the console (两栋新楼、住户、楼栋长).
"$root/build/native/weige" samples --out "$root/build/demo-samples"
echo "数据库 Database: $db"
echo "地址 Address: http://$listen   (API under /api/v1, GET /healthz)"
exec "$root/build/native/server/weige-server" --db "$db" --demo --listen "$listen" --static "$root/build/web"
