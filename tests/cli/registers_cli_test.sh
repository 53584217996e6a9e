#!/usr/bin/env bash
# weige import / export / template as a user runs them (ctest:
# weige_registers_cli_test). $1: the weige binary.
source "$(dirname "$0")/lib.sh"
now=1795000000000

"$weige" demo --db "$tmp/demo.db" >/dev/null || { echo "FAIL demo"; exit 1; }

# Usage: a missing --actor, an unknown kind, a missing database: exit 2, no file made.
"$weige" import --db "$tmp/demo.db" --kind households "$tmp/x.csv" >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ]
check "import without --actor: usage" $?
"$weige" export --db "$tmp/none.db" --actor p-admin --kind items --format csv --out "$tmp/i.csv" \
  >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && [ ! -e "$tmp/none.db" ] && [ ! -e "$tmp/i.csv" ]
check "export of a missing database: usage, nothing created" $?
"$weige" export --kind frobs --db "$tmp/demo.db" --actor p-admin --format csv --out "$tmp/i.csv" \
  >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ]
check "export of an unknown kind: usage" $?

# Every export, flags in any order.
for kind in regions buildings households people items visits reports figures; do
  for format in csv xlsx; do
    "$weige" export --out "$tmp/$kind.$format" --format "$format" --kind "$kind" \
      --now "$now" --actor p-admin --db "$tmp/demo.db" >"$tmp/out" 2>&1; rc=$?
    [ "$rc" -eq 0 ] && [ -s "$tmp/$kind.$format" ]
    check "export $kind $format" $?
  done
done
head -c 3 "$tmp/households.csv" | od -An -tx1 | grep -q "ef bb bf"
check "CSV starts with a UTF-8 BOM" $?
[ "$(wc -l <"$tmp/households.csv")" -eq 3001 ]
check "households CSV: header + 3,000 rows" $?
"$weige" export --db "$tmp/demo.db" --actor p-admin --kind visits --format csv --out "$tmp/v1.csv" \
  --region s1c1g1 --from 2026-11-01 --to 2026-11-30 >/dev/null; rc=$?
[ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/v1.csv")" -lt "$(wc -l <"$tmp/visits.csv")" ] &&
  ! grep -q ',"s2' "$tmp/v1.csv"
check "export --region --from --to narrows the rows" $?

# Round trip: an unchanged export re-imports with no error and no change.
for kind in regions buildings households people; do
  for format in csv xlsx; do
    "$weige" import --db "$tmp/demo.db" --actor p-admin --kind "$kind" "$tmp/$kind.$format" \
      >"$tmp/out" 2>/dev/null; rc=$?
    [ "$rc" -eq 0 ] && grep -q " 0 行有误 refused, 0 行" "$tmp/out"
    check "re-import of the $kind $format export changes nothing" $?
  done
done
"$weige" export --db "$tmp/demo.db" --actor p-admin --kind households --format csv \
  --out "$tmp/households2.csv" --now "$now" >/dev/null
cmp -s "$tmp/households.csv" "$tmp/households2.csv"
check "the households export is the same after the re-imports" $?

# Into an empty store: the registers in order, then the same export.
"$weige" init --db "$tmp/new.db" --admin p-admin --name 管理员 >/dev/null
for kind in regions buildings households; do
  "$weige" import --db "$tmp/new.db" --actor p-admin --kind "$kind" "$tmp/$kind.csv" \
    >"$tmp/out" 2>/dev/null; rc=$?
  [ "$rc" -eq 0 ] && grep -q "已导入 Imported" "$tmp/out"
  check "import $kind into an empty store" $?
done
"$weige" export --db "$tmp/new.db" --actor p-admin --kind households --format csv \
  --out "$tmp/households3.csv" >/dev/null
cmp -s "$tmp/households.csv" "$tmp/households3.csv"
check "the new store's households export equals the demo's" $?

# A GB18030 file (what Chinese Excel writes) with one bad row: dry run lists
# it and writes nothing; the import refuses the file (exit 1) unless
# --apply-valid; --errors writes the errors CSV.
{
  echo "户编号,楼栋,单元,楼层,门牌号,户主,人数,电话,出租,流动人口,标签"
  echo "gb-1,b-s1c1g1m1-1,1单元,1,199,张三,2,13800000000,是,否,"
  echo "gb-2,b-nowhere,1单元,1,198,李四,1,,否,是,"
} | iconv -f UTF-8 -t GB18030 >"$tmp/gb.csv"
sum=$(sha256sum "$tmp/new.db" | cut -d' ' -f1)
"$weige" import --dry-run --kind households --actor p-admin --db "$tmp/new.db" "$tmp/gb.csv" \
  --errors "$tmp/errors.csv" >"$tmp/out" 2>/dev/null; rc=$?
[ "$rc" -eq 1 ] && grep -q "gb18030" "$tmp/out" && grep -q "第 3 行.*building.not_found" "$tmp/out" &&
  grep -q "building.not_found" "$tmp/errors.csv" && [ "$(sha256sum "$tmp/new.db" | cut -d' ' -f1)" = "$sum" ]
check "GB18030 dry run: the bad row listed, exit 1, nothing written" $?
"$weige" import --db "$tmp/new.db" --actor p-admin --kind households "$tmp/gb.csv" >"$tmp/out" 2>/dev/null; rc=$?
[ "$rc" -eq 1 ] && grep -q "未写入 Nothing written" "$tmp/out"
check "a refused row: nothing written without --apply-valid" $?
"$weige" import --db "$tmp/new.db" --actor p-admin --kind households "$tmp/gb.csv" --apply-valid \
  >"$tmp/out" 2>/dev/null; rc=$?
"$weige" export --db "$tmp/new.db" --actor p-admin --kind households --format csv --out "$tmp/q.csv" >/dev/null
[ "$rc" -eq 1 ] && grep -q "已导入 Imported" "$tmp/out" && grep -q '"gb-1",.*"张三"' "$tmp/q.csv" &&
  ! grep -q '"gb-2"' "$tmp/q.csv"
check "--apply-valid writes the valid row (in Chinese, from GB18030)" $?

# A file that is no register: exit 1 with the file's error.
printf '\xff\xfe\x00\x00' >"$tmp/bad.csv"
"$weige" import --db "$tmp/new.db" --actor p-admin --kind people "$tmp/bad.csv" >"$tmp/out" 2>/dev/null; rc=$?
[ "$rc" -eq 1 ] && grep -q "import.encoding" "$tmp/out"
check "a file in no known encoding: import.encoding, exit 1" $?

# A scoped administrator (a street's) imports nothing outside its street.
admin_s1=$(grep -o '^"p-a-s1"' "$tmp/people.csv" | head -1)
[ -n "$admin_s1" ]
check "the demo has a street administrator" $?
"$weige" import --db "$tmp/demo.db" --actor p-a-s1 --kind buildings "$tmp/buildings.csv" --dry-run \
  >"$tmp/out" 2>/dev/null; rc=$?
other=$(grep -c '^"[^"]*","s2' "$tmp/buildings.csv")
[ "$rc" -eq 1 ] && [ "$other" -gt 0 ] && grep -q " $other 行有误 refused" "$tmp/out" &&
  [ "$(grep -c "permission.denied" "$tmp/out")" -eq "$other" ]
check "a street administrator is refused the other street's buildings" $?

# Templates: every kind, both formats; each is an empty import file.
for kind in regions buildings households people; do
  for format in csv xlsx; do
    "$weige" template --kind "$kind" --format "$format" --out "$tmp/t-$kind.$format" >/dev/null; rc=$?
    "$weige" import --db "$tmp/new.db" --actor p-admin --kind "$kind" "$tmp/t-$kind.$format" --dry-run \
      >"$tmp/out" 2>/dev/null; rc2=$?
    [ "$rc" -eq 0 ] && [ "$rc2" -eq 0 ] && grep -q " 0 行 rows" "$tmp/out"
    check "template $kind $format" $?
  done
done

# The demo's sample import files: a newcomer imports them in order into the
# demo district (dry run clean, then applied); again, they change nothing.
"$weige" samples --out "$tmp/samples" >"$tmp/out"; rc=$?
[ "$rc" -eq 0 ] && [ -s "$tmp/samples/说明-README.txt" ]
check "weige samples writes the files and their README" $?
gb="$tmp/samples/2-住户-households-1号楼-GB18030.csv"
! head -c 3 "$gb" | od -An -tx1 | grep -q "ef bb bf" && ! iconv -f UTF-8 -t UTF-8 "$gb" >/dev/null 2>&1 &&
  iconv -f GB18030 -t UTF-8 "$gb" | grep -q "户编号"
check "the GB18030 sample is GB18030, not UTF-8" $?
while read -r file kind rows; do
  f="$tmp/samples/$file"
  "$weige" import --db "$tmp/demo.db" --actor p-admin --kind "$kind" "$f" --dry-run \
    >"$tmp/out" 2>/dev/null; rc=$?
  [ "$rc" -eq 0 ] && grep -q " 0 行有误 refused, $rows 行将更新" "$tmp/out"
  check "sample $file: dry run, $rows rows to change, none refused" $?
  "$weige" import --db "$tmp/demo.db" --actor p-admin --kind "$kind" "$f" >"$tmp/out" 2>/dev/null; rc=$?
  [ "$rc" -eq 0 ] && grep -q "已导入 Imported: $rows 行" "$tmp/out"
  check "sample $file: imported" $?
  "$weige" import --db "$tmp/demo.db" --actor p-admin --kind "$kind" "$f" >"$tmp/out" 2>/dev/null; rc=$?
  [ "$rc" -eq 0 ] && grep -q " 0 行将更新" "$tmp/out"
  check "sample $file: a second import changes nothing" $?
done <<'LIST'
1-楼栋-buildings.xlsx buildings 2
2-住户-households-1号楼-GB18030.csv households 12
2-住户-households-2号楼.xlsx households 12
3-人员-people-GB18030.csv people 2
4-职能部门-departments.xlsx departments 2
LIST
"$weige" export --db "$tmp/demo.db" --actor p-admin --kind households --format csv --region s1c1g1m1 \
  --out "$tmp/mg.csv" --now "$now" >/dev/null &&
  [ "$(grep -c 'b-s1c1g1m1-x[12]' "$tmp/mg.csv")" -eq 24 ]
check "the sample households are in the micro-grid's register" $?

exit $fail
