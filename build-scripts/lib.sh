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

# weige_native_configure: the one native tree, build/native (core, CLI, sync
# server, tests, benchmarks), Release, with the server's Debian packages. The
# server's own scripts and the JS suites build their targets in it too, so the
# core and sqlite3.c are compiled once. build/server is kept as a link to it
# for the paths older scripts and tests name.
weige_native_configure() {
  WEIGE_SETUP_EXTRA="${WEIGE_SETUP_EXTRA:-} libmicrohttpd-dev libcpp-httplib-dev libsodium-dev sqlite3" \
    bash "$root/build-scripts/setup.sh" >&2
  cmake -S "$root" -B "$root/build/native" -DCMAKE_BUILD_TYPE=Release \
    -DWEIGE_BUILD_TESTS=ON -DWEIGE_BUILD_SERVER=ON ${WEIGE_CMAKE_ARGS:-} >/dev/null
  if [ ! -L "$root/build/server" ]; then
    rm -rf "$root/build/server"
    ln -s native "$root/build/server"
  fi
}

# The ctest suites of the server tree (core/sync and the real server on
# loopback): test-server.sh runs them; test.sh's first ctest leaves them out.
weige_server_suites='^(ScopeTest|ChangeLogTest|PushTest|AuthTest|ExpiryTest|RateLimitTest|ServerToolTest|SyncServerTest|StaticTest|BadInputTest|PermissionMatrixTest)\.'

# weige_server_build TARGET...: builds the named targets in the native tree
# (weige_native_configure); exports WEIGE_SERVER, the server binary's path.
weige_server_build() {
  weige_native_configure
  cmake --build "$root/build/native" -j "${WEIGE_JOBS:-2}" --target "$@" >&2
  export WEIGE_SERVER="$root/build/native/server/weige-server"
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
# (libclang-rt-N-dev of the same major version), for the sanitized tree.
weige_clang() {
  weige_apt clang
  weige_apt "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
}

# weige_asan_build [TARGET...]: the one sanitized tree, build/asan: clang -O1
# with AddressSanitizer + UndefinedBehaviorSanitizer (no recovery) and
# libFuzzer's coverage instrumentation, holding both the native test suites
# (test-asan.sh) and the libFuzzer targets (fuzz.sh), so one compile serves
# both. clang at -O1: gcc RelWithDebInfo took ~25 min for sqlite3.c alone under
# the sanitizers on the loaded 2-core machine, and -O1 keeps ASan's reports
# exact. The SQLite amalgamation itself is built plain (WEIGE_SQLITE_FLAGS).
# Builds the named targets, or everything.
weige_asan_build() {
  bash "$root/build-scripts/setup.sh" >&2
  weige_clang
  local san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
  san="$san -fno-omit-frame-pointer -O1 -g1"
  CC=clang CXX=clang++ cmake -S "$root" -B "$root/build/asan" -DCMAKE_BUILD_TYPE=None \
    -DWEIGE_BUILD_TESTS=ON -DWEIGE_BUILD_FUZZ=ON "-DWEIGE_SQLITE_FLAGS=-fno-sanitize=all" \
    "-DCMAKE_C_FLAGS=$san" "-DCMAKE_CXX_FLAGS=$san" \
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" ${WEIGE_CMAKE_ARGS:-} >/dev/null
  if [ $# -gt 0 ]; then
    cmake --build "$root/build/asan" -j "${WEIGE_JOBS:-2}" --target "$@" >&2
  else
    cmake --build "$root/build/asan" -j "${WEIGE_JOBS:-2}" >&2
  fi
}
