#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs every test suite that
# exists: GoogleTest (ctest) on the native core, then the wasm/JS suites.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
start=$(date +%s)
timings=()
# step NAME COMMAND...: runs one step and notes its wall time.
step() {
  local name="$1" t0
  shift
  echo "== $name"
  t0=$(date +%s)
  "$@"
  timings+=("$name $(( $(date +%s) - t0 )) s")
}
step build-native.sh bash "$root/build-scripts/build-native.sh"
# The server's suites run in test-server.sh.
step "native tests (ctest)" ctest --test-dir "$root/build/native" --output-on-failure \
  -j "${WEIGE_JOBS:-$(nproc)}" -E "$weige_server_suites"
# Each layer's suite, in dependency order, when it exists.
for suite in test-wasm.sh test-server.sh test-pg.sh test-sync-js.sh test-fleet.sh test-web.sh test-miniprogram.sh; do
  if [ -f "$root/build-scripts/$suite" ]; then
    step "$suite" bash "$root/build-scripts/$suite"
  fi
done
step "native tests under ASan+UBSan (test-asan.sh)" bash "$root/build-scripts/test-asan.sh"
step "fuzz.sh: each libFuzzer target for ${WEIGE_FUZZ_SECONDS:-60} s, two at a time" \
  bash "$root/build-scripts/fuzz.sh" "${WEIGE_FUZZ_SECONDS:-60}"
printf 'test.sh: %s\n' "${timings[@]}"
echo "test.sh: all suites passed in $(( $(date +%s) - start )) s"
