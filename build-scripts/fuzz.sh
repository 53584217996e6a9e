#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang with
# -fsanitize=fuzzer,address,undefined) in build/asan, replays the kept
# regression inputs (tests/fuzz/regress/<target>/), then runs each target for
# the given seconds, two at a time, from its seed corpus (made from the demo
# world by the target itself) and the corpus earlier runs left in
# build/fuzz/corpus. stdout: per target, JSON lines
#   {"bench":"fuzz","metric":"<target>.execs|.coverage|.crashes","value":N,"unit":...}
# Exits 1 if a regression input or a run crashed (the input is in
# build/fuzz/crashes/<target>/; keep it in tests/fuzz/regress/<target>/ once
# fixed).
#
#   build-scripts/fuzz.sh [seconds]    (default ${WEIGE_FUZZ_SECONDS:-60})
#   WEIGE_FUZZ_TARGETS="execute push"  only those targets
#   WEIGE_FUZZ_JOBS=2                  targets run at a time
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
seconds="${1:-${WEIGE_FUZZ_SECONDS:-60}}"
targets=(${WEIGE_FUZZ_TARGETS:-execute query device_apply push host_vfs})
jobs="${WEIGE_FUZZ_JOBS:-2}"

# The sanitized tree test-asan.sh also uses (weige_asan_build in lib.sh):
# one compile for both; here only the fuzz targets are built.
build="$root/build/asan"
weige_asan_build "${targets[@]/%/_fuzz}"
state="$root/build/fuzz"
mkdir -p "$state"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=0

# The kept regression inputs: each runs once, and must not crash.
for t in "${targets[@]}"; do
  shopt -s nullglob
  inputs=("$root/tests/fuzz/regress/$t"/*)
  shopt -u nullglob
  [ ${#inputs[@]} -gt 0 ] || continue
  if "$build/tests/fuzz/${t}_fuzz" "${inputs[@]}" >"$state/regress-$t.log" 2>&1; then
    echo "fuzz: $t: ${#inputs[@]} regression inputs pass" >&2
  else
    echo "fuzz: $t: a regression input fails (build/fuzz/regress-$t.log):" >&2
    tail -30 "$state/regress-$t.log" >&2
    failed=1
  fi
done

run_one() {
  local t="$1" bin="$build/tests/fuzz/${1}_fuzz"
  local seeds="$state/seeds/$t" corpus="$state/corpus/$t" crashes="$state/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  [ -d "$seeds" ] || WEIGE_FUZZ_SEEDS="$seeds" "$bin" >/dev/null 2>&1
  local before
  before=$(find "$crashes" -type f | wc -l)
  "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=1536 -print_final_stats=1 \
    -dict="$root/tests/fuzz/weige.dict" -artifact_prefix="$crashes/" \
    "$corpus" "$seeds" >"$state/$t.log" 2>&1 || true
  local after execs cov
  after=$(find "$crashes" -type f | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$state/$t.log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$state/$t.log" | tail -1 | cut -d' ' -f2)
  printf '{"bench":"fuzz","metric":"%s.execs","value":%s,"unit":"count","seconds":%s}\n' "$t" "${execs:-0}" "$seconds"
  printf '{"bench":"fuzz","metric":"%s.coverage","value":%s,"unit":"edges"}\n' "$t" "${cov:-0}"
  printf '{"bench":"fuzz","metric":"%s.crashes","value":%s,"unit":"count"}\n' "$t" "$((after - before))"
  if [ "$after" -gt "$before" ]; then
    echo "fuzz: $t crashed; input in $crashes, log build/fuzz/$t.log:" >&2
    grep -A12 -m1 -E 'ERROR|runtime error|==[0-9]+==|deadly signal' "$state/$t.log" >&2 || tail -20 "$state/$t.log" >&2
    return 1
  fi
}

# Two at a time; a run that crashed leaves build/fuzz/failed-<target>.
rm -f "$state"/failed-*
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  (run_one "$t" || touch "$state/failed-$t") &
done
wait
ls "$state"/failed-* >/dev/null 2>&1 && failed=1
exit $failed
