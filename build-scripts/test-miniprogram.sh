#!/usr/bin/env bash
# The mini-program's suites (tests/miniprogram): installs the npm packages
# when node_modules is missing or the lock changed (npm ci), builds the
# WeChat wasm only when offline/dist/wechat is missing, builds weige-server
# when it is missing (the reconnect suite runs the real one), assembles
# build/miniprogram, then runs Jest (pages through miniprogram-simulate, the
# runtime on the wx stand-in, offline-then-reconnect through weige-server).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
cd "$root"

weige_npm_ci

if [ ! -s offline/dist/wechat/weige.js ] || [ ! -s offline/dist/wechat/weige.wasm ]; then
  bash "$root/build-scripts/build-wasm.sh"
fi

[ -n "${WEIGE_SERVER:-}" ] || weige_server_build weige-server

bash "$root/build-scripts/build-miniprogram.sh"

weige_jest tests/miniprogram/jest.config.js "$@"
