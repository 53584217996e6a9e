#!/usr/bin/env bash
# The native test suite (the GoogleTest suites ctest runs in build/native)
# once more under AddressSanitizer + UndefinedBehaviorSanitizer, in
# build/asan: any report fails the run (-fno-sanitize-recover=all; leaks
# included). ctest arguments pass through (e.g. -R store).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
bash "$root/build-scripts/setup.sh" >&2
weige_clang
# clang at -O1: the whole tree (sqlite3.c included) builds in a fraction of
# gcc's -O2 -g time under the sanitizers (gcc RelWithDebInfo took ~25 min for
# sqlite3.c alone on the loaded 2-core machine), and -O1 keeps ASan's reports
# exact.
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g1"
CC=clang CXX=clang++ cmake -S "$root" -B "$root/build/asan" -DCMAKE_BUILD_TYPE=None \
  -DWEIGE_BUILD_TESTS=ON "-DCMAKE_C_FLAGS=$san" "-DCMAKE_CXX_FLAGS=$san" \
  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" ${WEIGE_CMAKE_ARGS:-} >/dev/null
cmake --build "$root/build/asan" -j "${WEIGE_JOBS:-2}" >&2
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$root/build/asan" --output-on-failure -j "${WEIGE_JOBS:-2}" "$@"
