#!/usr/bin/env bash
# HTTP throughput of parix against nginx serving static files of the same sizes over
# the same TLS, measured in one run on loopback with wrk. Prints requests/s, p50, p99
# and the ratio parix/nginx for GET /healthz and an authenticated GET /api/v1/me.
# Targets (docs/benchmarks.md): /healthz >= 0.6 x nginx, /api/v1/me >= 0.4 x nginx.
# Each pair is measured in alternating runs (nginx, parix, nginx, parix, ...) and the
# medians are reported, so that a burst of other load on the machine hits both sides.
#   usage: tests/bench/http_bench.sh [seconds per run, default 10] [connections, default 32]
#                                    [runs per target, default 3]
#   PARIX_BENCH_WORKERS=N sets limits.worker_threads (default 0: two per core, at least 4);
#   PARIX_BENCH_NETWORK=N sets limits.network_threads (default 0: one per core);
#   PARIX_BENCH_PORT=P serves parix on port P and nginx on P+1 (default: free ports);
#   PARIX=path runs another build of the server (for A/B comparisons in the same hour).
# Needs wrk and nginx-light (deploy/install-deps.sh bench installs them). Builds
# Release into build/ when build/parix is missing. Stops everything it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
duration=${1:-10}
connections=${2:-32}
rounds=${3:-3}
threads=2

deploy/install-deps.sh bench
bin=${PARIX:-build/parix}
if [ -z "${PARIX:-}" ] && [ ! -x build/parix ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARIX_TESTS=OFF
  cmake --build build
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nobody listens on (bash only: a refused connection means free).
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; then
      echo "$p"
      return
    fi
  done
  echo "no free port found" >&2
  exit 1
}
wait_for() {
  for _ in $(seq 100); do
    curl -sfk -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "nothing answers at $1" >&2
  exit 1
}

password=bench-password-2024
PARIX_ADMIN_PASSWORD=$password "$bin" init --data "$work/data" > /dev/null
cat > "$work/data/parix.toml" <<TOML
data_dir = "."
[log]
level = "warn"
access_file = "logs/access.log"
[limits]
worker_threads = ${PARIX_BENCH_WORKERS:-0}
network_threads = ${PARIX_BENCH_NETWORK:-0}
TOML
# Port 0: the kernel picks a free one; parix prints where it serves.
"$bin" serve --data "$work/data" --port "${PARIX_BENCH_PORT:-0}" > "$work/parix.out" 2>&1 &
pids+=($!)
parix_port=""
for _ in $(seq 100); do
  parix_port=$(sed -n 's|.*serving at https://[^:]*:\([0-9]*\)/.*|\1|p' "$work/parix.out")
  [ -n "$parix_port" ] && break
  sleep 0.1
done
[ -n "$parix_port" ] || { cat "$work/parix.out" >&2; exit 1; }
parix=https://127.0.0.1:$parix_port
wait_for "$parix/healthz"

token=$(curl -sk "$parix/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "login failed" >&2; exit 1; }

# Static files with the very bodies parix sends, so both servers write the same bytes.
mkdir -p "$work/www" "$work/tmp"
curl -sfk "$parix/healthz" > "$work/www/healthz.json"
curl -sfk "$parix/api/v1/me" -H "Authorization: Bearer $token" > "$work/www/me.json"
# nginx workers run as "nobody" when started by root: they must reach the files (mktemp
# -d makes 0700 folders; without this every nginx answer would be a fast 403).
chmod 0755 "$work" "$work/www"
chmod 0644 "$work/www/"*.json

# nginx with the same certificate and the same TLS settings as parix (server/tls.cpp:
# TLS 1.2-1.3, Mozilla intermediate TLS 1.2 suites in server order, X25519/P-256/P-384,
# no session tickets) and the same security headers.
nginx_port=${PARIX_BENCH_PORT:+$((PARIX_BENCH_PORT + 1))}
nginx_port=${nginx_port:-$(free_port)}
nginx=https://127.0.0.1:$nginx_port
cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $work/data/tls/server.crt;
    ssl_certificate_key $work/data/tls/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ecdh_curve X25519:prime256v1:secp384r1;
    ssl_prefer_server_ciphers on;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305;
    ssl_session_tickets off;
    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
    add_header X-Content-Type-Options nosniff always;
    add_header Cache-Control no-store always;
    root $work/www;
  }
}
NGINX
nginx -c "$work/nginx.conf" -e "$work/nginx-error.log" -g 'daemon off;' &
pids+=($!)
wait_for "$nginx/healthz.json"

# One wrk run, in this shell (not a $(...) subshell, so that an interrupt stops it at
# once); sets result="requests/s p50_ms p99_ms errors" (errors: non-2xx + socket errors).
measure() {
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@" > "$work/wrk.out"
  local rps p50 p99 non2xx sock
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.out")
  sock=$(awk '/Socket errors/ { n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i; print n }' "$work/wrk.out")
  result="$rps $(to_ms "$p50") $(to_ms "$p99") $((${non2xx:-0} + ${sock:-0}))"
}
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
                         else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
# Measures nginx and parix alternately, rounds times each; sets nginx_result and
# parix_result to the median of each column ("rps p50 p99") and the sum of errors.
pair() {
  local nginx_url=$1 parix_url=$2 auth=$3 i n=() p=()
  for i in $(seq "$rounds"); do
    measure "$nginx_url"
    n+=("$result")
    if [ -n "$auth" ]; then measure -H "$auth" "$parix_url"; else measure "$parix_url"; fi
    p+=("$result")
  done
  nginx_result=$(printf '%s\n' "${n[@]}" | medians)
  parix_result=$(printf '%s\n' "${p[@]}" | medians)
}
medians() {
  awk '{ for (c = 1; c <= 4; c++) v[c, NR] = $c }
       END { for (c = 1; c <= 3; c++) { for (i = 1; i <= NR; i++) a[i] = v[c, i]; m = median(a, NR);
                                        printf "%.2f ", m }
             e = 0; for (i = 1; i <= NR; i++) e += v[4, i]; print e }
       function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                                            if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
                                          return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }'
}
report() {
  local name=$1 parix_r=$2 nginx_r=$3 target=$4 prps pp50 pp99 perr nrps np50 np99 nerr ratio verdict
  read -r prps pp50 pp99 perr <<< "$parix_r"
  read -r nrps np50 np99 nerr <<< "$nginx_r"
  ratio=$(awk -v a="$prps" -v b="$nrps" 'BEGIN { printf "%.2f", a / b }')
  verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r >= t) ? "met" : "MISSED" }')
  printf '%-28s %11s %8s %8s %7s\n' "nginx static ($name)" "$nrps" "$np50" "$np99" "$nerr"
  printf '%-28s %11s %8s %8s %7s %7s  target >= %s: %s\n' "parix $name" "$prps" "$pp50" "$pp99" \
    "$perr" "$ratio" "$target" "$verdict"
}

echo "date: $(date -u '+%F %H:%M UTC'); parix $("$bin" version | cut -d' ' -f2), $(nginx -v 2>&1 | cut -d' ' -f3)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "parix limits: worker_threads=${PARIX_BENCH_WORKERS:-0} network_threads=${PARIX_BENCH_NETWORK:-0} (0: default)"
echo "wrk -t$threads -c$connections -d${duration}s --latency, $rounds alternating runs per target, medians; body sizes: healthz $(wc -c < "$work/www/healthz.json") B, me $(wc -c < "$work/www/me.json") B"
printf '%-28s %11s %8s %8s %7s %7s\n' "target" "requests/s" "p50 ms" "p99 ms" "errors" "ratio"
pair "$nginx/healthz.json" "$parix/healthz" ""
report "/healthz" "$parix_result" "$nginx_result" 0.6
pair "$nginx/me.json" "$parix/api/v1/me" "Authorization: Bearer $token"
report "/api/v1/me" "$parix_result" "$nginx_result" 0.4
