#!/usr/bin/env bash
# The one test command: installs what is missing, builds the test configuration
# (warnings as errors, AddressSanitizer + UndefinedBehaviorSanitizer) and runs every test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

deploy/install-deps.sh test

# The web UI: npm ci (as locked) and its build, which the server's static-file tests and
# the browser journeys (a ctest entry) use.
tests/web/build_ui.sh

build=${PARIX_TEST_BUILD:-build-test}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPARIX_WERROR=ON -DPARIX_SANITIZE=ON
cmake --build "$build"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$build" --output-on-failure --timeout 900 -j "${PARIX_TEST_JOBS:-2}" "$@"
