#!/usr/bin/env bash
# The store owns its database: outside core/store, the layers above it
# (core/sync, server, bindings, tools) see no database handle and no SQL.
# Fails, listing the lines, when a file there
#   - includes sqlite3.h or core/store/db.h, names sqlite3_* / store::Db /
#     DbOf / Stmt, or includes a core/store header that (through other
#     core/store headers) includes db.h or sqlite3.h;
#   - has SQL in a string literal (SELECT, INSERT INTO, UPDATE .. SET,
#     DELETE FROM, PRAGMA, BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE,
#     CREATE/DROP TABLE|INDEX|TRIGGER, ... FROM <table>).
# Usage: store_owns_db_test.sh [source root]   (default: this checkout)
set -uo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root" || exit 2
dirs=(core/sync server bindings tools)
for d in "${dirs[@]}"; do
  [[ -d $d ]] || { echo "store_owns_db_test: no $d under $root" >&2; exit 2; }
done
mapfile -t files < <(find "${dirs[@]}" -type f \( -name '*.cc' -o -name '*.h' -o -name '*.c' \
  -o -name '*.js' \) | sort)
bad=0
report() {  # report <what> <grep output>
  [[ -z $2 ]] && return
  echo "$1:"
  echo "$2" | sed 's/^/  /'
  bad=1
}

report "a database handle outside core/store" "$(grep -nE \
  '#include\s*[<"](sqlite3\.h|core/store/db\.h)[>"]|\bsqlite3_[a-z_0-9]+|\bstore::(Db|Stmt|DbOf)\b|\b(DbOf|ExecSql)\(|->db\(\)' \
  "${files[@]}")"

# Public core/store headers must not pull db.h or sqlite3.h in.
declare -A seen=()
leaks() {  # leaks <core/store header>: prints the chain to db.h/sqlite3.h, if any
  local h=$1
  [[ -n ${seen[$h]:-} ]] && return
  seen[$h]=1
  [[ -f $h ]] || return
  grep -qE '#include\s*[<"](sqlite3\.h|core/store/db\.h)[>"]' "$h" && echo "$h"
  local inc
  for inc in $(grep -oE '#include "core/store/[a-z_]+\.h"' "$h" | grep -oE 'core/store/[a-z_]+\.h'); do
    local sub
    sub="$(leaks "$inc")"
    [[ -n $sub ]] && echo "$h -> $sub" && return
  done
}
included="$(grep -ohE '#include "core/store/[a-z_]+\.h"' "${files[@]}" | grep -oE 'core/store/[a-z_]+\.h' | sort -u)"
leaked=""
for h in $included; do
  seen=()
  chain="$(leaks "$h")"
  [[ -n $chain ]] && leaked+="$chain"$'\n'
done
report "core/store headers used outside it that include db.h or sqlite3.h" "${leaked%$'\n'}"

# SQL in string literals (case-sensitive keywords, as the store writes them).
sql='"[^"]*(\b(SELECT|INSERT (OR [A-Z]+ )?INTO|DELETE FROM|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|VACUUM|ATTACH)\b|\bUPDATE [a-z_]+ SET\b|\b(CREATE|DROP|ALTER) (TABLE|INDEX|TRIGGER|VIEW)\b)'
report "SQL text outside core/store" "$(grep -nE "$sql" "${files[@]}")"

if (( bad )); then
  echo "store_owns_db_test: FAILED (move the SQL into core/store, behind a Store call)"
  exit 1
fi
echo "store_owns_db_test: ok (${#files[@]} files in ${dirs[*]})"
