#!/usr/bin/env bash
# Evidence upload benchmark (issue 4): one 1 GiB file uploaded over TLS on loopback in
# one tus PATCH, and 32 concurrent uploads of 20 MB, against the floor of the same run:
# `openssl dgst -sha256` of the same file (the server must at least hash every byte).
# The server's RSS is sampled every 50 ms throughout.
#   usage: tests/bench/evidence_bench.sh [size MiB, default 1024] [concurrent, default 32] [each MB, default 20]
# PARIX=path runs another build of the server (for A/B comparisons in the same hour).
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
source "$(dirname "$0")/lib.sh"
size_mib=${1:-1024}
concurrent=${2:-32}
each_mb=${3:-20}

deploy/install-deps.sh test
bin=${PARIX:-build/parix}
if [ -z "${PARIX:-}" ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARIX_TESTS=OFF > /dev/null
  cmake --build build --target parix > /dev/null
fi

bench_start
bench_data "$bin"
cat >> "$data/parix.toml" <<TOML

[evidence]
max_file_size = $(( (size_mib + 16) * 1048576 ))
max_leaf_total = $(( (size_mib + 16) * 1048576 ))
TOML
# PARIX_BENCH_PORT pins the port (e.g. to an engineer's own range on a shared machine).
port=${PARIX_BENCH_PORT:-$(( 20000 + RANDOM % 20000 ))}
bench_serve "$bin" "$port"
base="https://127.0.0.1:$port"
token=$(bench_login "$base" stp.canbo)

# The test files: a PDF header and random bytes (incompressible, like scans).
make_file() {  # path MiB
  { printf '%%PDF-1.7\n'; head -c $(( $2 * 1048576 - 9 )) /dev/urandom; } > "$1"
}
big="$work/big.pdf"
make_file "$big" "$size_mib"
small="$work/small.pdf"
{ printf '%%PDF-1.7\n'; head -c $(( each_mb * 1000000 - 9 )) /dev/urandom; } > "$small"
# The new files' pages go to disk now, not while the uploads write theirs (a gigabyte of
# writeback during the upload cost it up to a third of its speed).
sync

rss_log="$work/rss"
( while kill -0 "$server" 2>/dev/null; do
    awk '/VmRSS/ { print $2 }' "/proc/$server/status" 2>/dev/null; sleep 0.05
  done ) > "$rss_log" &
sampler=$!
rss_before=$(awk '/VmRSS/ { print $2 }' "/proc/$server/status")

now() { date +%s.%N; }
# One tus upload of a file with curl: create, then one PATCH streamed from disk (-T).
upload() {  # file name sha → prints the final HTTP status and the upload id
  local f=$1 name=$2 sz sha meta loc
  sz=$(stat -c %s "$f"); sha=$3
  meta="filename $(printf %s "$name" | base64 -w0),sha256 $(printf %s "$sha" | base64 -w0)"
  loc=$(curl -sk -D - -o /dev/null "$base/api/v1/uploads" -X POST -H "Authorization: Bearer $token" \
    -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $sz" -H "Upload-Metadata: $meta" |
    tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  curl -sk -o /dev/null -w "%{http_code} ${loc##*/}\n" "$base$loc" -X PATCH -T "$f" \
    -H "Authorization: Bearer $token" -H 'Tus-Resumable: 1.0.0' \
    -H 'Content-Type: application/offset+octet-stream' -H 'Upload-Offset: 0' -H 'Expect:'
}

# Floor: hashing alone, same file, same run (from the page cache, like the upload).
cat "$big" > /dev/null
t0=$(now); big_sha=$(openssl dgst -sha256 -r "$big" | cut -d' ' -f1); t1=$(now)
dgst=$(awk -v s="$size_mib" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", s * 1.048576 / (b - a) }')

t0=$(now); read -r status big_id < <(upload "$big" "Bản quét 1 GiB.pdf" "$big_sha"); t1=$(now)
[ "$status" = 204 ] || { echo "single upload failed: HTTP $status" >&2; exit 1; }
single=$(awk -v s="$size_mib" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", s * 1.048576 / (b - a) }')
rss_after_single=$(awk '/VmRSS/ { print $2 }' "/proc/$server/status")

small_sha=$(openssl dgst -sha256 -r "$small" | cut -d' ' -f1)
t0=$(now)
for i in $(seq "$concurrent"); do upload "$small" "Tài liệu $i.pdf" "$small_sha" > "$work/status.$i" & done
wait $(jobs -p | grep -v "^$sampler\$" | grep -v "^$server\$") 2>/dev/null || true
t1=$(now)
bad=$(cat "$work"/status.* | grep -vc '^204 ' || true)
many=$(awk -v n="$concurrent" -v m="$each_mb" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n * m / (b - a) }')
kill "$sampler" 2>/dev/null || true
rss_peak=$(sort -n "$rss_log" | tail -1)

# Sealing: the 1 GiB file attached to a leaf of STP's file, then submitted (confirming
# the leaves left without a self score). The archive is built, hashed and fsynced before
# the submission's transaction, which records and signs it.
assessment=$(sqlite3 "$data/parix.db" \
  "SELECT a.id FROM assessments a JOIN units u ON u.id = a.unit_id WHERE u.code = 'STP'")
curl -sk -o /dev/null "$base/api/v1/assessments/$assessment/leaves/1.1.1/evidence" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "{\"upload_id\":\"$big_id\"}"
head_token=$(bench_login "$base" stp.giamdoc)
# Meanwhile another unit's file is read every 0.2 s (a read of a file is a write
# transaction: it fires due deadlines), to see whether the writer stays free.
other=$(sqlite3 "$data/parix.db" \
  "SELECT a.id FROM assessments a JOIN units u ON u.id = a.unit_id WHERE u.code = 'HTG'")
htg_token=$(bench_login "$base" htg.canbo)
( for _ in $(seq 60); do
    curl -sk -o /dev/null -w '%{time_total}\n' "$base/api/v1/assessments/$other" \
      -H "Authorization: Bearer $htg_token"
    sleep 0.2
  done ) > "$work/probe" &
probe=$!
sleep 0.5
t0=$(now)
seal_status=$(curl -sk -o /dev/null -w '%{http_code}' "$base/api/v1/assessments/$assessment/events" \
  -H "Authorization: Bearer $head_token" -H 'Content-Type: application/json' -d '{"event":"submit","confirm_missing_self_scores":true}')
t1=$(now)
kill "$probe" 2>/dev/null || true
seal=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
probe_max=$(sort -n "$work/probe" | tail -1)
# The seal reads, hashes and writes the stored payload once: its speed against the floor.
sealing=$(awk -v s="$size_mib" -v t="$seal" 'BEGIN { printf "%.1f", s * 1.048576 / t }')

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "openssl dgst -sha256, ${size_mib} MiB:          $dgst MB/s"
echo "parix, one ${size_mib} MiB upload over TLS:     $single MB/s   ratio $(awk -v a="$single" -v b="$dgst" 'BEGIN { printf "%.2f", a / b }') (target >= 0.5)"
echo "parix, $concurrent concurrent ${each_mb} MB uploads:      $many MB/s total   ratio $(awk -v a="$many" -v b="$dgst" 'BEGIN { printf "%.2f", a / b }'); failed: $bad"
echo "submission sealing the ${size_mib} MiB file: HTTP $seal_status in $seal s; another file read meanwhile every 0.2 s: slowest ${probe_max} s"
echo "sealing speed: $sealing MB/s   ratio $(awk -v a="$sealing" -v b="$dgst" 'BEGIN { printf "%.2f", a / b }') (target >= 0.5)"
if [ "$seal_status" != 200 ]; then
  echo "the submission was refused (HTTP $seal_status): the sealing figure above means nothing" >&2
  exit 1
fi
echo "server RSS: before $(( rss_before / 1024 )) MiB, after the single upload $(( rss_after_single / 1024 )) MiB, peak $(( rss_peak / 1024 )) MiB"
