#!/usr/bin/env bash
# Fetches the SQLite 3.53.2 amalgamation that ships inside the npm tarball
# better-sqlite3@12.11.1 into third_party/sqlite (not committed), checking its
# sha256. Idempotent: does nothing when the checked files are already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/third_party/sqlite"
want_c=60d2f39a3726cd6b9021da6f4e868608d66fbb6528a9f513dc8ffcc640493422
want_h=9e69a1353a4288450b0d5239ede11fc7f1f4c8e5eb07491fc8317eacb5b7de7e
check() {
  [ -f "$dest/sqlite3.c" ] && [ -f "$dest/sqlite3.h" ] &&
    echo "$want_c  $dest/sqlite3.c" | sha256sum -c --status &&
    echo "$want_h  $dest/sqlite3.h" | sha256sum -c --status
}
if check; then exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent better-sqlite3@12.11.1 >/dev/null)
tar -xzf "$tmp/better-sqlite3-12.11.1.tgz" -C "$tmp" package/deps/sqlite3
mkdir -p "$dest"
cp "$tmp/package/deps/sqlite3/sqlite3.c" "$tmp/package/deps/sqlite3/sqlite3.h" "$dest/"
if ! check; then
  echo "fetch-sqlite: sha256 mismatch for the SQLite amalgamation" >&2
  rm -f "$dest/sqlite3.c" "$dest/sqlite3.h"
  exit 1
fi
echo "fetch-sqlite: SQLite 3.53.2 amalgamation in $dest"
