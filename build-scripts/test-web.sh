#!/usr/bin/env bash
# The web app's end-to-end suite (tests/e2e): builds the app (build-web.sh)
# and weige-server (build/server, as test-server.sh configures it), installs
# Debian's chromium and a CJK font when missing, then runs Jest with
# playwright-core driving headless Chromium against real servers on loopback.
# Screenshots go to test-out/screenshots/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs="${WEIGE_JOBS:-2}"

bash "$root/build-scripts/build-web.sh"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -z "${WEIGE_SERVER:-}" ]; then
  WEIGE_SETUP_EXTRA="${WEIGE_SETUP_EXTRA:-} libcpp-httplib-dev libsodium-dev" \
    bash "$root/build-scripts/setup.sh" >/dev/null
  cmake -S "$root" -B "$root/build/server" -DCMAKE_BUILD_TYPE=Release \
    -DWEIGE_BUILD_TESTS=ON -DWEIGE_BUILD_SERVER=ON ${WEIGE_CMAKE_ARGS:-} >/dev/null
  cmake --build "$root/build/server" -j "$jobs" --target weige-server
  export WEIGE_SERVER="$root/build/server/server/weige-server"
fi

mkdir -p test-out/screenshots
node --experimental-vm-modules node_modules/jest/bin/jest.js \
  --config tests/e2e/jest.config.js "$@"
echo "test-web: screenshots in $root/test-out/screenshots/"
