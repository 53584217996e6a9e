# Shared steps of the build, test and bench scripts; source it after setting
# `root`. Every step is idempotent and skips what is already there; progress
# goes to stderr so bench scripts keep stdout for their JSON lines.

# weige_apt PKG...: installs the Debian packages that are missing (one
# apt-get update first, only when something is missing).
weige_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "setup: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# weige_npm_ci: the root package.json's packages, by `npm ci`, again only when
# package-lock.json changed since the last install.
weige_npm_ci() {
  local stamp="$root/node_modules/.weige-lock.sha256" want
  want=$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)
  if [ ! -d "$root/node_modules" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    (cd "$root" && npm ci --no-audit --no-fund >&2)
    echo "$want" >"$stamp"
  fi
}

# weige_wasm: both wasm builds into offline/dist, when missing or older than
# their sources.
weige_wasm() {
  local newer
  newer=$(cd "$root" && find core bindings CMakeLists.txt -type f \
            -newer offline/dist/weige.wasm 2>/dev/null | head -1 || true)
  if [ ! -s "$root/offline/dist/weige.wasm" ] || [ ! -s "$root/offline/dist/wechat/weige.wasm" ] ||
     [ -n "$newer" ]; then
    bash "$root/build-scripts/build-wasm.sh" >&2
  fi
}

# weige_chromium: Debian's chromium (and a CJK font, so screenshots show Chinese).
weige_chromium() {
  weige_apt chromium fonts-wqy-microhei
}

# weige_web_ready: what a browser bench needs: the web app in build/web,
# weige-server (unless WEIGE_SERVER names one) and Debian's chromium.
weige_web_ready() {
  bash "$root/build-scripts/build-web.sh" >&2
  [ -n "${WEIGE_SERVER:-}" ] || weige_server_build weige-server
  weige_chromium
}

# weige_server_build TARGET...: the server tree in build/server (core, server,
# tests), building the named targets; exports WEIGE_SERVER, the binary's path.
weige_server_build() {
  WEIGE_SETUP_EXTRA="${WEIGE_SETUP_EXTRA:-} libmicrohttpd-dev libcpp-httplib-dev libsodium-dev sqlite3" \
    bash "$root/build-scripts/setup.sh" >&2
  cmake -S "$root" -B "$root/build/server" -DCMAKE_BUILD_TYPE=Release \
    -DWEIGE_BUILD_TESTS=ON -DWEIGE_BUILD_SERVER=ON ${WEIGE_CMAKE_ARGS:-} >/dev/null
  cmake --build "$root/build/server" -j "${WEIGE_JOBS:-2}" --target "$@" >&2
  export WEIGE_SERVER="$root/build/server/server/weige-server"
}

# weige_jest CONFIG [ARGS...]: runs Jest (ES modules) with one config. A run
# that leaves a handle open (a server or browser after a failed test) is ended
# when the tests are done, so CI never waits on it; --detectOpenHandles finds
# such leaks when debugging.
weige_jest() {
  local config="$1"
  shift
  (cd "$root" && node --experimental-vm-modules node_modules/jest/bin/jest.js \
    --config "$config" --forceExit "$@")
}

# weige_clang: Debian's clang with its sanitizer and libFuzzer runtimes
# (libclang-rt-N-dev of the same major version), for the ASan and fuzz trees.
weige_clang() {
  weige_apt clang
  weige_apt "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
}
