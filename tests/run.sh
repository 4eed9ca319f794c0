#!/usr/bin/env bash
# The one test command: installs what is missing, builds the test configuration
# (warnings as errors, AddressSanitizer + UndefinedBehaviorSanitizer) and runs every test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

deploy/install-deps.sh test

build=${PARIX_TEST_BUILD:-build-test}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPARIX_WERROR=ON -DPARIX_SANITIZE=ON
cmake --build "$build"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$build" --output-on-failure --timeout 900 -j "${PARIX_TEST_JOBS:-2}" "$@"
# A short bounded libFuzzer run of every target (tests/fuzz/run.sh), only for the whole
# suite: PARIX_FUZZ_SECONDS per target (default 10; 0 skips it). The corpora themselves
# are replayed by ctest above (fuzz.NAME) in every run.
if [ $# -eq 0 ] && [ "${PARIX_FUZZ_SECONDS:-10}" != 0 ]; then
  tests/fuzz/run.sh all "${PARIX_FUZZ_SECONDS:-10}"
fi
