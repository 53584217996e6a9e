#!/usr/bin/env bash
# Crash testing at field scale, as figures: the device SIGKILL test
# (tests/wasm/crash.test.js) with ${WEIGE_CRASH_ROUNDS:-1000} kills during
# dispatch, as many during sync apply (DeviceCrashTest, native), and the
# power-loss test (tests/wasm/power_loss.test.js) with
# ${WEIGE_POWER_LOSS_ROUNDS:-300} cuts. stdout: JSON lines
#   {"bench":"crash","metric":"<test>.<figure>","value":N,"unit":"count"}
# (kills or cuts, integrity failures, lost acknowledged commands, half-applied
# ones), also appended to ${WEIGE_BENCH_OUT:-bench-out/crash.jsonl}. Exits 1
# when a test failed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
cd "$root"
weige_wasm
weige_npm_ci
out="${WEIGE_BENCH_OUT:-$root/bench-out/crash.jsonl}"
mkdir -p "$(dirname "$out")"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
WEIGE_CRASH_REPORT="$report" WEIGE_CRASH_ROUNDS="${WEIGE_CRASH_ROUNDS:-1000}" \
  WEIGE_POWER_LOSS_ROUNDS="${WEIGE_POWER_LOSS_ROUNDS:-300}" \
  weige_jest tests/wasm/jest.config.js tests/wasm/crash.test.js tests/wasm/power_loss.test.js >&2 || status=1
# The device's sync apply and dispatch, SIGKILLed in a forked child (native).
bash "$root/build-scripts/build-native.sh" >&2
WEIGE_CRASH_REPORT="$report" WEIGE_DEVICE_CRASH_ROUNDS="${WEIGE_CRASH_ROUNDS:-1000}" \
  "$root/build/native/tests/core/sync/weige_device_sync_test" \
  --gtest_filter='DeviceCrashTest.*' >&2 || status=1
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
  for (const l of lines) {
    const { test, ...figures } = JSON.parse(l);
    for (const [k, v] of Object.entries(figures)) {
      console.log(JSON.stringify({ bench: "crash", metric: `${test}.${k}`, value: v, unit: "count" }));
    }
  }' "$report" | tee -a "$out"
exit $status
