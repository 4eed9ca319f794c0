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
# ThreadSanitizer, in a second build (TSan cannot share a binary with ASan), over the
# suites with threads of their own: storage (the single writer, group commit, the syncer,
# readers), evidence (uploads written by the writer threads while the next piece is
# hashed) and parix_server_tsan_tests, the server tests that work the server's threads
# hardest (connections on the network threads, streamed bodies on the worker pool, the
# writer, the Argon2id hasher pool, the deadline sweep; the list and why in
# tests/CMakeLists.txt). A report stops the run (halt_on_error) and fails the suite; there
# are no suppressions.
# Only for the whole suite; PARIX_TSAN=0 skips it. setarch -R: gcc 12's TSan runtime
# cannot map its shadow memory under some kernels' address-space randomisation.
if [ $# -eq 0 ] && [ "${PARIX_TSAN:-1}" != 0 ]; then
  tsan=${PARIX_TSAN_BUILD:-build-tsan}
  tsan_start=$SECONDS
  cmake -S . -B "$tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARIX_SANITIZE=thread
  cmake --build "$tsan" --target parix_storage_tests parix_evidence_tests parix_server_tsan_tests
  tsan_built=$SECONDS
  no_aslr=(setarch "$(uname -m)" -R)
  "${no_aslr[@]}" true 2>/dev/null || no_aslr=()  # a sandbox may refuse personality(2)
  tsan_run() {
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
      "${no_aslr[@]}" "$tsan/tests/$1" --gtest_brief=1 "${@:2}"
  }
  tsan_run parix_storage_tests
  tsan_run parix_evidence_tests
  # Left out: the ZIP bomb test inflates archives on one thread, in our instrumented code
  # (105 s under TSan on two busy cores, a quarter of the rest's 394 s); the ASan suite and
  # fuzz_zip_inspect cover it.
  tsan_run parix_server_tsan_tests "--gtest_filter=-evidence.zip_slip_and_zip_bombs_*"
  echo "tests/run.sh: ThreadSanitizer build took $((tsan_built - tsan_start)) s," \
    "its tests $((SECONDS - tsan_built)) s"
fi
