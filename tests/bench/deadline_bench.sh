#!/usr/bin/env bash
# Deadline day (issue 11): USERS agency users, each with its own session, save scores and
# upload evidence (tus create + PATCH + attach) in the last LEAD seconds before a real
# self-assessment deadline, and go on for 10 s after it passes, with requests in flight.
# Prints p50/p99/max latency and errors per route, then checks that every acknowledged
# write is kept (committed before the deadline), every later edit or attachment is refused
# with deadline_passed, every file was submitted by the clock with all its drafts sealed,
# and that the data folder passes integrity_check, audit verify and evidence fsck.
#   usage: tests/bench/deadline_bench.sh [users, default 300] [units, default 60] [lead seconds, default 120]
# PARIX=path runs another build of the server. PARIX_BENCH_WRITE_THREADS=N sets
# limits.write_threads.
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
source "$(dirname "$0")/lib.sh"
users=${1:-300}
units=${2:-60}
lead=${3:-120}

deploy/install-deps.sh test
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARIX_TESTS=ON > /dev/null
cmake --build build-bench --target parix parix_deadline_bench > /dev/null
bin=${PARIX:-build-bench/parix}

bench_start
bench_data "$bin"  # the 2024 criteria sets and the secretariat (thuky)
# The units of a province, written straight into the database before the server starts
# (POST /api/v1/units adds them one at a time; here only the data matters, not the route).
{
  echo "BEGIN;"
  for i in $(seq 0 $((units - 1))); do
    printf "INSERT INTO units(code, name, created_at) VALUES ('D%03d', 'Đơn vị %d', 0);\n" "$i" "$i"
  done
  echo "COMMIT;"
} | sqlite3 "$data/parix.db"
cat >> "$data/parix.toml" <<TOML

[limits]
max_connections = 4096
TOML
# PARIX_BENCH_WRITE_THREADS=N: limits.write_threads (the score edits' pool; unset: the
# default; left out then, so that builds older than the setting still start).
if [ -n "${PARIX_BENCH_WRITE_THREADS:-}" ]; then
  echo "write_threads = $PARIX_BENCH_WRITE_THREADS" >> "$data/parix.toml"
fi
port=${PARIX_BENCH_PORT:-$(( 9300 + RANDOM % 100 ))}  # PARIX_BENCH_PORT: a fixed port
bench_serve "$bin" "$port"

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
status=0
build-bench/tests/parix_deadline_bench "$port" "$data" "$users" "$units" "$lead" || status=1
bench_stop
echo "integrity_check: $(sqlite3 "$data/parix.db" 'PRAGMA integrity_check')"
"$bin" audit verify --data "$data" || status=1
"$bin" evidence fsck --data "$data" > "$work/fsck" || status=1
tail -1 "$work/fsck"
exit $status
