#!/usr/bin/env bash
# Builds the web app (web/) into build/web: installs the npm packages when
# node_modules is missing or the lock changed, builds the wasm module when it
# is missing or older than its sources, then bundles with esbuild.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

stamp=node_modules/.weige-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

newest_src=$(find core bindings CMakeLists.txt -type f -newer offline/dist/weige.wasm 2>/dev/null | head -1 || true)
if [ ! -s offline/dist/weige.wasm ] || [ -n "$newest_src" ]; then
  bash "$root/build-scripts/build-wasm.sh"
fi

node web/build.mjs "${1:-$root/build/web}"
