# Shared by the CLI tests (source it): $weige from $1, a temp folder $tmp
# removed on exit, and check NAME STATUS, which prints ok/FAIL and sets $fail.
set -uo pipefail
weige="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # name, condition result
  if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi
}
