#!/usr/bin/env bash
# Register import and export at the seed's full scale (build-scripts/bench.sh
# runs it with the others). stdout: one JSON object per line, {"bench":
# "registers", "metric", "value", "unit"}; build output and progress go to
# stderr. Wall time and peak memory come from /usr/bin/time (the whole
# `weige` process: opening the store included).
#
#   import   the full-scale district's 628,578 households, exported to CSV,
#            into a store holding only its regions and buildings (all or
#            nothing, as `weige import` runs it); then the same file again
#            (changes nothing); the check alone (--dry-run); and the valid
#            rows in committed batches (--apply-valid)
#   export   households and visits, CSV and XLSX, of the whole district; and
#            households of one street, to show memory stays flat as rows grow
#
# The full-scale district is generated once (weige demo --full-scale, ~3 min)
# into build/bench-registers/fullscale.db; delete it to regenerate.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/bench-registers"
jobs="${WEIGE_JOBS:-2}"
bash "$root/build-scripts/setup.sh" >&2
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DWEIGE_BUILD_TESTS=OFF \
  ${WEIGE_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" --target weige -j "$jobs" >&2
weige="$build/weige"
work="$build/run"
mkdir -p "$work"
now=1795000000000

if [ ! -s "$build/fullscale.db" ]; then
  echo "bench-registers: generating the full-scale district (minutes)" >&2
  rm -f "$build/fullscale.db.tmp"*
  "$weige" demo --db "$build/fullscale.db.tmp" --full-scale >/dev/null
  mv "$build/fullscale.db.tmp" "$build/fullscale.db"
fi
db="$build/fullscale.db"

emit() { # metric value unit
  printf '{"bench":"registers","metric":"%s","value":%s,"unit":"%s"}\n' "$1" "$2" "$3"
}
# timed NAME ROWS CMD...: runs CMD under /usr/bin/time, emits wall time,
# rows/s and peak memory.
timed() {
  local name="$1" rows="$2"
  shift 2
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>/dev/null || {
    echo "bench-registers: $name failed:" >&2
    cat "$work/out" >&2
    return 1
  }
  local wall kb
  read -r wall kb <"$work/time"
  emit "${name}_wall_s" "$wall" "s"
  emit "${name}_rows_per_s" "$(awk -v r="$rows" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? r / w : 0) }')" "rows/s"
  emit "${name}_peak_mb" "$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')" "MB"
}
rows_of() { # CSV file -> data rows
  echo $(($(wc -l <"$1") - 1))
}

# Exports of the whole district (and of one street, for memory).
for kind in households visits; do
  "$weige" export --db "$db" --actor p-admin --kind "$kind" --format csv --out "$work/$kind.count.csv" \
    --now "$now" >/dev/null
  n=$(rows_of "$work/$kind.count.csv")
  for format in csv xlsx; do
    out="$work/$kind.$format"
    timed "export_${kind}_${format}" "$n" \
      "$weige" export --db "$db" --actor p-admin --kind "$kind" --format "$format" --out "$out" --now "$now"
  done
done
emit "export_households_rows" "$(rows_of "$work/households.count.csv")" "rows"
emit "export_visits_rows" "$(rows_of "$work/visits.count.csv")" "rows"
"$weige" export --db "$db" --actor p-admin --kind households --format csv --region s1 \
  --out "$work/street.csv" --now "$now" >/dev/null
timed "export_households_csv_one_street" "$(rows_of "$work/street.csv")" \
  "$weige" export --db "$db" --actor p-admin --kind households --format csv --region s1 \
  --out "$work/street.csv" --now "$now"

# Import into a store holding only the district's regions and buildings.
rm -f "$work/import.db"*
"$weige" init --db "$work/import.db" --admin p-admin --name 管理员 >/dev/null
for kind in regions buildings; do
  "$weige" export --db "$db" --actor p-admin --kind "$kind" --format csv --out "$work/$kind.csv" >/dev/null
  "$weige" import --db "$work/import.db" --actor p-admin --kind "$kind" "$work/$kind.csv" >/dev/null 2>&1
done
n=$(rows_of "$work/households.csv")
timed "import_households_csv" "$n" \
  "$weige" import --db "$work/import.db" --actor p-admin --kind households "$work/households.csv"
grep -q "已导入 Imported: $n 行" "$work/out" || { echo "bench-registers: import incomplete" >&2; exit 1; }
timed "reimport_households_csv_unchanged" "$n" \
  "$weige" import --db "$work/import.db" --actor p-admin --kind households "$work/households.csv"
grep -q " 0 行将更新" "$work/out" || { echo "bench-registers: the re-import changed rows" >&2; exit 1; }
# One pass (--apply-valid: what the console runs after a clean dry run) into
# a fresh store.
rm -f "$work/import1.db"*
"$weige" init --db "$work/import1.db" --admin p-admin --name 管理员 >/dev/null
for kind in regions buildings; do
  "$weige" import --db "$work/import1.db" --actor p-admin --kind "$kind" "$work/$kind.csv" >/dev/null 2>&1
done
# The check alone (--dry-run, rolled back): the old default ran it before
# an apply pass (97 s in all); the default is now one pass in one
# transaction (import_households_csv).
timed "import_households_csv_dry_run" "$n" \
  "$weige" import --db "$work/import1.db" --actor p-admin --kind households --dry-run "$work/households.csv"
timed "import_households_csv_one_pass" "$n" \
  "$weige" import --db "$work/import1.db" --actor p-admin --kind households --apply-valid "$work/households.csv"
rm -f "$work/import1.db"*
# The rebuilt store exports the same households, byte for byte.
"$weige" export --db "$work/import.db" --actor p-admin --kind households --format csv \
  --out "$work/households.again.csv" --now "$now" >/dev/null
cmp -s "$work/households.csv" "$work/households.again.csv" && same=1 || same=0
emit "import_round_trip_identical" "$same" "bool"
