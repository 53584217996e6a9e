#!/usr/bin/env bash
# Runs the Jest suites of the wasm module (tests/wasm): builds the module if
# it is missing or older than its sources, installs the npm packages (npm ci)
# when node_modules is missing or the lock changed, installs Debian's chromium
# for the browser suite when missing, then runs Jest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

newest_src=$(find core bindings CMakeLists.txt -type f -newer offline/dist/weige.wasm 2>/dev/null | head -1 || true)
if [ ! -s offline/dist/weige.wasm ] || [ ! -s offline/dist/wechat/weige.wasm ] || [ -n "$newest_src" ]; then
  bash "$root/build-scripts/build-wasm.sh"
fi

stamp=node_modules/.weige-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

if ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

node --experimental-vm-modules node_modules/jest/bin/jest.js \
  --config tests/wasm/jest.config.js "$@"
