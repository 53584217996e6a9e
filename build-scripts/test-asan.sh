#!/usr/bin/env bash
# The native test suite (the GoogleTest suites ctest runs in build/native)
# once more under AddressSanitizer + UndefinedBehaviorSanitizer, in
# build/asan (weige_asan_build in lib.sh): any report fails the run (-fno-sanitize-recover=all; leaks
# included). ctest arguments pass through (e.g. -R store).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
weige_asan_build
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$root/build/asan" --output-on-failure -j "${WEIGE_JOBS:-2}" "$@"
