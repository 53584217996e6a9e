#!/usr/bin/env bash
# The mini-program's suites (tests/miniprogram): installs the npm packages
# when node_modules is missing or the lock changed (npm ci), builds the
# WeChat wasm only when offline/dist/wechat is missing, builds weige-server
# when it is missing (the reconnect suite runs the real one), assembles
# build/miniprogram, then runs Jest (pages through miniprogram-simulate, the
# runtime on the wx stand-in, offline-then-reconnect through weige-server).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs="${WEIGE_JOBS:-2}"

stamp=node_modules/.weige-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

if [ ! -s offline/dist/wechat/weige.js ] || [ ! -s offline/dist/wechat/weige.wasm ]; then
  bash "$root/build-scripts/build-wasm.sh"
fi

server="${WEIGE_SERVER:-$root/build/server/server/weige-server}"
if [ ! -x "$server" ]; then
  WEIGE_SETUP_EXTRA="${WEIGE_SETUP_EXTRA:-} libcpp-httplib-dev libsodium-dev" \
    bash "$root/build-scripts/setup.sh"
  cmake -S "$root" -B "$root/build/server" -DWEIGE_BUILD_SERVER=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build/server" -j "$jobs" --target weige-server
fi

bash "$root/build-scripts/build-miniprogram.sh"

node --experimental-vm-modules node_modules/jest/bin/jest.js \
  --config tests/miniprogram/jest.config.js "$@"
