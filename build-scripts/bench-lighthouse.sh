#!/usr/bin/env bash
# Lighthouse on the signed-in web app, mobile profile (JSON lines
# {"bench":"lighthouse","metric":"<page>.<category>","value":N,"unit":"score"}):
# the worker's list, the visit form, an item page and the grid head's
# dashboard, each for performance, accessibility, best-practices and seo,
# against weige-server --demo on loopback in Debian's chromium (CHROME_PATH,
# default /usr/bin/chromium). WEIGE_LIGHTHOUSE_OUT=<dir> keeps the reports.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/build-scripts/lib.sh"
cd "$root"
weige_web_ready
CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}" node tests/e2e/bench/lighthouse.mjs
