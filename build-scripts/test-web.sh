#!/usr/bin/env bash
# The web app's end-to-end suite (tests/e2e): builds the app (build-web.sh)
# and weige-server (build/native, weige_server_build in lib.sh), installs
# Debian's chromium and a CJK font when missing, then runs Jest with
# playwright-core driving headless Chromium against real servers on loopback.
# Screenshots go to test-out/screenshots/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
cd "$root"

bash "$root/build-scripts/build-web.sh"

weige_chromium

[ -n "${WEIGE_SERVER:-}" ] || weige_server_build weige-server

mkdir -p test-out/screenshots
weige_jest tests/e2e/jest.config.js "$@"
echo "test-web: screenshots in $root/test-out/screenshots/"
