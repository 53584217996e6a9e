#!/usr/bin/env bash
# The weige CLI as a user runs it (ctest: weige_cli_test). $1: the weige binary.
source "$(dirname "$0")/lib.sh"

# An unknown verb prints the usage and exits 2 without creating --db.
"$weige" frobnicate --db "$tmp/new.db" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "usage:" "$tmp/err" && [ ! -e "$tmp/new.db" ]
check "unknown verb: usage, exit 2, no file" $?
# So does init without --admin/--name.
"$weige" init --db "$tmp/new.db" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" -eq 2 ] && [ ! -e "$tmp/new.db" ]
check "init without admin: usage, exit 2, no file" $?

"$weige" init --db "$tmp/w.db" --admin admin --name Admin >"$tmp/out"; rc=$?
[ "$rc" -eq 0 ]
check "init" $?

# A NUL byte after a valid command: json.malformed, nothing stored.
cmd='{"id":"c1","type":"department.upsert","actor":"admin","at":1,"payload":{"id":"dp","name":"Dept","kind":"property"}}'
printf '%s\0 GARBAGE\n' "$cmd" | "$weige" exec --db "$tmp/w.db" >"$tmp/out"; rc=$?
[ "$rc" -eq 1 ] && grep -q '"reason":"json.malformed"' "$tmp/out"
check "exec: NUL byte -> json.malformed" $?
"$weige" pending --db "$tmp/w.db" >"$tmp/out"
! grep -q '"c1"' "$tmp/out"
check "exec: nothing stored after the NUL line" $?
# The same command without the NUL is accepted.
printf '%s\n' "$cmd" | "$weige" exec --db "$tmp/w.db" >"$tmp/out"; rc=$?
[ "$rc" -eq 0 ] && grep -q '"ok":true' "$tmp/out"
check "exec: the clean command" $?

exit $fail
