#!/usr/bin/env bash
# Instruction counts of visit.record (issue 14): wall time on this shared
# machine is noisy, the count of instructions a command is not. Runs
# weige_bench's visit bench under `valgrind --tool=callgrind`, collecting only
# the first run's commands (one transaction each, file-backed WAL; the bench
# toggles collection around them), and prints
#   {"bench":"visit.record","metric":"instructions_per_command","value":N,"unit":"Ir"}
# The callgrind profile stays in build/bench/callgrind.visit.out
# (callgrind_annotate it). Extra arguments go to weige_bench.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
weige_apt valgrind
weige_server_build weige_bench
mkdir -p "$root/build/bench"
cd "$root"
commands=1000
out="$root/build/bench/callgrind.visit.out"
valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out" \
  "$root/build/native/weige_bench" --dir "$root/build/bench" --only visit --runs 1 \
  --commands "$commands" "$@" 2>/dev/null | grep '"commands_per_s_median"\|wal_' >&2 || true
total=$(sed -n 's/^summary: *//p' "$out" | cut -d' ' -f1)
[ -n "$total" ] || { echo "bench-callgrind: no summary in $out" >&2; exit 1; }
echo "{\"bench\":\"visit.record\",\"metric\":\"instructions_per_command\",\"value\":$((total / commands)),\"unit\":\"Ir\"}"
