#!/usr/bin/env bash
# Builds the WebAssembly module into offline/dist/: the web variant (ES module
# for browser, Worker and Node) and the WeChat variant (CommonJS, in
# offline/dist/wechat), both linked from one compile in build/wasm. Idempotent: installs Debian's
# emscripten and nlohmann-json3-dev only when missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="${WEIGE_JOBS:-2}"

missing=()
for p in emscripten nlohmann-json3-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
bash "$root/build-scripts/fetch-sqlite.sh"

# emcc needs Node's modules found, or at -O1+ it silently writes no .js.
export NODE_PATH=/usr/share/nodejs
# -Oz with LTO: 737,785 bytes (340,105 gzip) against 754,077 (347,256) without.
# Never -I/usr/include under emcc: nlohmann/json gets a folder of its own.
inc="$root/build/wasm-include"
if [ ! -f "$inc/nlohmann/json.hpp" ] || ! diff -rq /usr/include/nlohmann "$inc/nlohmann" >/dev/null; then
  rm -rf "$inc/nlohmann"
  mkdir -p "$inc"
  cp -r /usr/include/nlohmann "$inc/nlohmann"
fi

build_variants() {
  local dir="$root/build/wasm"
  emcmake cmake -S "$root" -B "$dir" -DWEIGE_BUILD_WASM=ON -DWEIGE_BUILD_TESTS=OFF \
    -DWEIGE_JSON_INCLUDE="$inc" \
    -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DCMAKE_C_FLAGS_MINSIZEREL="-Oz -DNDEBUG -flto" \
    -DCMAKE_CXX_FLAGS_MINSIZEREL="-Oz -DNDEBUG -flto" \
    -DCMAKE_EXE_LINKER_FLAGS_MINSIZEREL="-Oz -flto" >/dev/null
  cmake --build "$dir" --target weige_wasm weige_wasm_wechat -j "$jobs"
}
build_variants
# emcc's own wasm-opt -Oz runs once; run to a fixed point it takes 3,067
# bytes more (gzip -9 2,054, brotli 1,457: 816,408 -> 813,341 raw). Only the
# features emcc emitted (sign-ext, mutable globals), so no newer opcode
# appears that an older WebView lacks.
for w in "$root/offline/dist/weige.wasm" "$root/offline/dist/wechat/weige.wasm"; do
  wasm-opt "$w" -Oz --converge --enable-sign-ext --enable-mutable-globals -o "$w.opt"
  mv "$w.opt" "$w"
done
# The WeChat glue is CommonJS inside an ES-module package.
printf '{"type": "commonjs"}\n' > "$root/offline/dist/wechat/package.json"
for f in "$root/offline/dist/weige.js" "$root/offline/dist/weige.wasm" \
         "$root/offline/dist/wechat/weige.js" "$root/offline/dist/wechat/weige.wasm"; do
  [ -s "$f" ] || { echo "build-wasm: $f was not written" >&2; exit 1; }
  echo "build-wasm: $f $(stat -c %s "$f") bytes, gzip $(gzip -9c "$f" | wc -c)"
done
