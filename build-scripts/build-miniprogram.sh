#!/usr/bin/env bash
# Assembles the WeChat mini-program into build/miniprogram/, a folder WeChat
# DevTools opens as it is (project.config.json at its root):
#   web/miniprogram/*              pages, components, lib (CommonJS)
#   vendor/weige.js                the WeChat glue (offline/dist/wechat, CommonJS,
#                                  -sDYNAMIC_EXECUTION=0)
#   vendor/weige.wasm.br           the wasm, brotli-compressed (WXWebAssembly
#                                  loads .wasm.br from base library 2.14.0)
#   vendor/weige-offline.js        offline/src's runtime, wechat host and sync
#                                  client + SHA-256, bundled by esbuild to CommonJS
#   weui/weui.wxss                 weui-wxss from npm
# Fails when the main package passes 2 MB (2,097,152 bytes). Needs
# offline/dist/wechat (build-scripts/build-wasm.sh) and node_modules (npm ci).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/web/miniprogram"
out="${WEIGE_MINIPROGRAM_OUT:-$root/build/miniprogram}"
glue="$root/offline/dist/wechat/weige.js"
wasm="$root/offline/dist/wechat/weige.wasm"
for f in "$glue" "$wasm"; do
  [ -s "$f" ] || { echo "build-miniprogram: $f is missing (run build-scripts/build-wasm.sh)" >&2; exit 1; }
done
[ -x "$root/node_modules/.bin/esbuild" ] || { echo "build-miniprogram: run npm ci first" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/vendor" "$out/weui"
# The sources, less the bundle's entry. (package.json only tells Node, under
# the root's "type": "module", that these files are CommonJS.)
cp -a "$src/." "$out/"
rm -rf "$out/vendor-src"
cp "$glue" "$out/vendor/weige.js"
cp "$root/node_modules/weui-wxss/dist/style/weui.wxss" "$out/weui/weui.wxss"

entry="$src/vendor-src/offline-entry.mjs"
extra=""
if [ -f "$root/offline/src/sync-client.js" ]; then
  extra="export * from '../../../offline/src/sync-client.js';"
fi
tmp_entry="$src/vendor-src/.entry.mjs"
trap 'rm -f "$tmp_entry"' EXIT
{ cat "$entry"; echo "$extra"; } > "$tmp_entry"
# ES2017: async/await stay, class private fields are lowered (older iOS
# JavaScriptCore in WeChat lacks them).
"$root/node_modules/.bin/esbuild" "$tmp_entry" --bundle --format=cjs --platform=neutral \
  --target=es2017 --main-fields=module,main --legal-comments=inline --log-level=warning \
  --outfile="$out/vendor/weige-offline.js"

node -e '
const fs = require("fs"), zlib = require("zlib");
const [wasm, dest] = process.argv.slice(1);
const br = zlib.brotliCompressSync(fs.readFileSync(wasm), { params: {
  [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
  [zlib.constants.BROTLI_PARAM_SIZE_HINT]: fs.statSync(wasm).size } });
fs.writeFileSync(dest, br);
' "$wasm" "$out/vendor/weige.wasm.br"

# The main package is everything outside the sub-packages' roots (app.json
# subPackages); each sub-package has the same 2 MB limit of its own.
limit=2097152
roots=$(node -e 'const a = require(process.argv[1]); for (const p of a.subPackages || a.subpackages || []) console.log(p.root);' "$out/app.json")
prune=()
for r in $roots; do prune+=(-path "$out/$r" -prune -o); done
bytes=$(find "$out" "${prune[@]}" -type f ! -name project.private.config.json -printf '%s\n' | awk '{s+=$1} END {print s+0}')
echo "build-miniprogram: $out: main package $bytes bytes (limit $limit); wasm.br $(stat -c %s "$out/vendor/weige.wasm.br") of $(stat -c %s "$wasm")"
if [ "$bytes" -gt "$limit" ]; then
  echo "build-miniprogram: the main package is over 2 MB" >&2
  exit 1
fi
for r in $roots; do
  sub_bytes=$(find "$out/$r" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  echo "build-miniprogram: sub-package $r: $sub_bytes bytes (limit $limit)"
  if [ "$sub_bytes" -gt "$limit" ]; then
    echo "build-miniprogram: sub-package $r is over 2 MB" >&2
    exit 1
  fi
done
