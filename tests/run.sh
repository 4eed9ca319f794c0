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
# A short bounded libFuzzer run of every target (tests/fuzz/run.sh: the clang build, then
# PARIX_FUZZ_SECONDS per target, default 10; 0 skips it), only for the whole suite. It is a
# second build of the libraries with clang (about a quarter of an hour on two cores without
# a compiler cache); the corpora themselves are replayed by ctest above (fuzz.NAME).
if [ $# -eq 0 ] && [ "${PARIX_FUZZ_SECONDS:-10}" != 0 ]; then
  fuzz_start=$SECONDS
  tests/fuzz/run.sh all "${PARIX_FUZZ_SECONDS:-10}"
  echo "tests/run.sh: the libFuzzer build and bounded run took $((SECONDS - fuzz_start)) s"
fi
# ThreadSanitizer over the suites with the most threads of their own (storage: the single
# writer, group commit, readers; evidence: uploads written by the writer threads while
# the next piece is hashed), in a second build (TSan cannot share a binary with ASan).
# Only for the whole suite; PARIX_TSAN=0 skips it. setarch -R: gcc 12's TSan runtime
# cannot map its shadow memory under some kernels' address-space randomisation.
if [ $# -eq 0 ] && [ "${PARIX_TSAN:-1}" != 0 ]; then
  tsan=${PARIX_TSAN_BUILD:-build-tsan}
  tsan_start=$SECONDS
  cmake -S . -B "$tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARIX_SANITIZE=thread
  cmake --build "$tsan" --target parix_storage_tests parix_evidence_tests
  no_aslr=(setarch "$(uname -m)" -R)
  "${no_aslr[@]}" true 2>/dev/null || no_aslr=()  # a sandbox may refuse personality(2)
  for suite in parix_storage_tests parix_evidence_tests; do
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
      "${no_aslr[@]}" "$tsan/tests/$suite" --gtest_brief=1
  done
  echo "tests/run.sh: ThreadSanitizer build and run took $((SECONDS - tsan_start)) s"
fi
