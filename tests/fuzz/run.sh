#!/usr/bin/env bash
# Fuzzes parix's parsers with libFuzzer: builds the clang configuration (clang-14,
# -fsanitize=fuzzer + AddressSanitizer + UndefinedBehaviorSanitizer) into build-fuzz/
# and runs each target for SECONDS, starting from its seeds in tests/fuzz/corpus/NAME/.
#   usage: tests/fuzz/run.sh TARGET|all [SECONDS, default 60]
# New interesting inputs go to build-fuzz/fuzz-corpus/NAME/ (not the repository); a crash
# is written to build-fuzz/fuzz-artifacts/ and the script fails: fix the defect, then
# copy the input into tests/fuzz/corpus/NAME/ as regression-<what>, so that
# tests/run.sh replays it from then on. PARIX_FUZZ_JOBS runs that many targets at once.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
which=${1:-all}
seconds=${2:-60}

deploy/install-deps.sh test
build=${PARIX_FUZZ_BUILD:-build-fuzz}
if [ "$which" = all ]; then
  targets=$(ls tests/fuzz/targets/*.cpp | xargs -n1 basename | sed 's/\.cpp$//')
else
  [ -f "tests/fuzz/targets/$which.cpp" ] || { echo "no target tests/fuzz/targets/$which.cpp" >&2; exit 2; }
  targets=$which
fi

CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DPARIX_FUZZ=ON -DPARIX_WERROR=OFF > /dev/null
# shellcheck disable=SC2086
cmake --build "$build" --target $(printf 'fuzz_%s ' $targets)

mkdir -p "$build/fuzz-artifacts"
summary="$build/fuzz-summary.txt"
: > "$summary"
status=0
fuzz_one() {  # name
  local name=$1 log="$build/fuzz-logs/$1.log"
  mkdir -p "$build/fuzz-corpus/$name" "$build/fuzz-logs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2560 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$name-" \
    "$build/fuzz-corpus/$name" "tests/fuzz/corpus/$name" > "$log" 2>&1
  local rc=$?
  local runs cov
  runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ $rc -eq 0 ]; then
    printf '%-14s ok     %10s executions  coverage %s edges  %s s\n' "$name" "${runs:-?}" "${cov:-?}" "$seconds" >> "$summary"
  else
    printf '%-14s FAILED (exit %s): see %s and %s\n' "$name" "$rc" "$log" "$build/fuzz-artifacts/" >> "$summary"
    grep -m1 -A12 'ERROR:\|runtime error\|fuzz harness\|deadly signal' "$log" >&2 || tail -20 "$log" >&2
  fi
  return $rc
}
jobs=${PARIX_FUZZ_JOBS:-1}
pids=()
for t in $targets; do
  fuzz_one "$t" & pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then wait "${pids[0]}" || status=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
cat "$summary"
exit $status
