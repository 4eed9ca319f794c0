#!/usr/bin/env bash
# The ctest entry of the web UI: the five Playwright journeys (web/tests/*.spec.ts) in
# Debian's chromium, each against its own `parix serve` (the binary given) with the demo
# data. Full-page screenshots of every screen land in the folder given (under the build
# folder), for a person to look at.
#   usage: run_browser_tests.sh PARIX_BINARY SCREENSHOT_DIR [playwright args…]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=$1
shots=$2
shift 2
cd "$root/web"
if [ ! -f dist/index.html ] || [ ! -d node_modules/@playwright/test ]; then
  "$root/tests/web/build_ui.sh"
fi
rm -rf "$shots"
mkdir -p "$shots"
export PARIX_BINARY="$binary" PARIX_SCREENSHOTS="$shots" PARIX_WEB_RESULTS="$shots/results"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The server under test is an ASan build: its leak report at exit is not this test's subject.
export ASAN_OPTIONS=detect_leaks=0
exec npx playwright test "$@"
