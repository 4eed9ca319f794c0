#!/usr/bin/env bash
# One 1 GiB tus upload with curl against a fresh Release server, printing MB/s and the
# server's CPU time (user/sys, clock ticks of 10 ms). For profiling the upload path:
#   NET=1 (network threads), PERF=1 (perf record -g the server into /tmp/perf.data),
#   STRACE=1 (strace -c the server into /tmp/strace.out).
# Run tests/bench/evidence_bench.sh once first (it builds build/parix); PARIX=path runs
# another build of the server (for A/B comparisons in the same hour).
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
source "$(dirname "$0")/lib.sh"
bin=${PARIX:-build/parix}
bench_start
bench_data "$bin"
printf '\n[limits]\nnetwork_threads = %s\n\n[evidence]\nmax_file_size = 1200000000\nmax_leaf_total = 1200000000\n' \
  "${NET:-0}" >> "$data/parix.toml"
port=${PARIX_BENCH_PORT:-$(( 20000 + RANDOM % 20000 ))}  # PARIX_BENCH_PORT: a fixed port
bench_serve "$bin" "$port"
base=https://127.0.0.1:$port
token=$(bench_login "$base" stp.canbo)
f=${FILE:-/tmp/parix-bench-1g.pdf}
[ -f "$f" ] || { printf '%%PDF-1.7\n'; head -c $(( 1024 * 1048576 - 9 )) /dev/urandom; } > "$f"
sha=$(openssl dgst -sha256 -r "$f" | cut -d' ' -f1)
size=$(stat -c %s "$f")
meta="filename $(printf big.pdf | base64 -w0),sha256 $(printf %s "$sha" | base64 -w0)"
loc=$(curl -sk -D - -o /dev/null "$base/api/v1/uploads" -X POST -H "Authorization: Bearer $token" \
  -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $size" -H "Upload-Metadata: $meta" |
  tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
# The floor in the same run: hashing the same file alone (from the page cache, like the upload).
cat "$f" > /dev/null
d0=$(date +%s.%N); openssl dgst -sha256 "$f" > /dev/null; d1=$(date +%s.%N)
read -r _ _ _ _ _ _ _ _ _ _ _ _ _ u0 s0 _ < "/proc/$server/stat"
if [ -n "${PERF:-}" ]; then perf record -g -p "$server" -o /tmp/perf.data 2> /dev/null & pf=$!; sleep 0.5; fi
if [ -n "${STRACE:-}" ]; then strace -c -f -p "$server" -o /tmp/strace.out & st=$!; sleep 0.5; fi
read -r _ cu0 cn0 cs0 ci0 cw0 cq0 cx0 st0 _ < /proc/stat
t0=$(date +%s.%N)
/usr/bin/time -f "curl cpu: user %U s, sys %S s" curl -sk -o /dev/null -w "HTTP %{http_code}\n" \
  "$base$loc" -X PATCH -T "$f" -H "Authorization: Bearer $token" -H 'Tus-Resumable: 1.0.0' \
  -H 'Content-Type: application/offset+octet-stream' -H 'Upload-Offset: 0' -H 'Expect:'
t1=$(date +%s.%N)
read -r _ cu1 cn1 cs1 ci1 cw1 cq1 cx1 st1 _ < /proc/stat
read -r _ _ _ _ _ _ _ _ _ _ _ _ _ u1 s1 _ < "/proc/$server/stat"
if [ -n "${STRACE:-}" ]; then kill -INT "$st"; wait "$st" || true; fi
if [ -n "${PERF:-}" ]; then kill -INT "$pf"; wait "$pf" || true; fi
awk -v a="$t0" -v b="$t1" -v c="$d0" -v d="$d1" -v sz="$size" 'BEGIN {
  printf "%.1f MB/s in %.2f s; openssl dgst -sha256 %.1f MB/s; ratio %.2f\n", sz / 1e6 / (b - a), b - a,
    sz / 1e6 / (d - c), (d - c) / (b - a) }'
echo "server cpu: user $((u1 - u0)) ticks, sys $((s1 - s0)) ticks"
busy=$(( (cu1 - cu0) + (cn1 - cn0) + (cs1 - cs0) + (cq1 - cq0) + (cx1 - cx0) ))
idle=$(( ci1 - ci0 + cw1 - cw0 ))
steal=$(( st1 - st0 ))
all=$(( busy + idle + steal ))
echo "machine during the upload: $(( 100 * idle / all ))% idle, $(( 100 * steal / all ))% stolen by the host (all cores)"
