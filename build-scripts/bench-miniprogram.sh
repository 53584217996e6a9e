#!/usr/bin/env bash
# The mini-program's size, as JSON lines {"bench","metric","value","unit"}:
# the assembled main package (build/miniprogram, what WeChat DevTools
# uploads before its own compilation) against WeChat's 2 MB limit, and its
# largest parts. Assembles first (build-miniprogram.sh); builds the WeChat
# wasm only when offline/dist/wechat is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -s offline/dist/wechat/weige.js ] || [ ! -s offline/dist/wechat/weige.wasm ]; then
  bash "$root/build-scripts/build-wasm.sh" >&2
fi
[ -d node_modules ] || npm ci --no-audit --no-fund >&2
bash "$root/build-scripts/build-miniprogram.sh" >&2
out="$root/build/miniprogram"
limit=2097152
total=$(find "$out" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
line() {  # metric value unit
  printf '{"bench":"miniprogram","metric":"%s","value":%s,"unit":"%s"}\n' "$1" "$2" "$3"
}
line main_package_bytes "$total" bytes
line main_package_limit_bytes "$limit" bytes
line main_package_share_of_limit "$(awk -v t="$total" -v l="$limit" 'BEGIN {printf "%.3f", t / l}')" ratio
line wasm_br_bytes "$(stat -c %s "$out/vendor/weige.wasm.br")" bytes
line wasm_uncompressed_bytes "$(stat -c %s "$root/offline/dist/wechat/weige.wasm")" bytes
line glue_js_bytes "$(stat -c %s "$out/vendor/weige.js")" bytes
line offline_bundle_js_bytes "$(stat -c %s "$out/vendor/weige-offline.js")" bytes
line weui_wxss_bytes "$(stat -c %s "$out/weui/weui.wxss")" bytes
line pages_and_lib_bytes "$(find "$out" -type f ! -path "$out/vendor/*" ! -path "$out/weui/*" -printf '%s\n' | awk '{s+=$1} END {print s}')" bytes
