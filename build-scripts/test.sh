#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs every test suite that
# exists: GoogleTest (ctest) on the native core, then the wasm/JS suites.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
start=$(date +%s)
bash "$root/build-scripts/build-native.sh"
echo "== native tests (ctest)"
ctest --test-dir "$root/build/native" --output-on-failure -j "${WEIGE_JOBS:-$(nproc)}"
# Each layer's suite, in dependency order, when it exists.
for suite in test-wasm.sh test-server.sh test-sync-js.sh test-web.sh test-miniprogram.sh; do
  if [ -f "$root/build-scripts/$suite" ]; then
    echo "== $suite"
    bash "$root/build-scripts/$suite"
  fi
done
echo "== native tests under ASan+UBSan (test-asan.sh)"
bash "$root/build-scripts/test-asan.sh"
echo "== fuzz.sh: each libFuzzer target for ${WEIGE_FUZZ_SECONDS:-60} s, two at a time"
bash "$root/build-scripts/fuzz.sh" "${WEIGE_FUZZ_SECONDS:-60}"
echo "test.sh: all suites passed in $(( $(date +%s) - start )) s"
