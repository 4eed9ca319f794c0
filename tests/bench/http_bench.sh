#!/usr/bin/env bash
# HTTP throughput of parix against nginx serving static files of the same sizes over
# the same TLS, measured in one run on loopback with wrk. Prints requests/s, p50, p99
# and the ratio parix/nginx for GET /healthz and an authenticated GET /api/v1/me.
# Targets (docs/benchmarks.md): /healthz >= 0.6 x nginx, /api/v1/me >= 0.4 x nginx.
#   usage: tests/bench/http_bench.sh [seconds per run, default 10] [connections, default 32]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
duration=${1:-10}
connections=${2:-32}

deploy/install-deps.sh bench
if [ ! -x build/parix ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARIX_TESTS=OFF
  cmake --build build
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
parix_port=$(free_port)
nginx_port=$(free_port)
password=bench-password-2024

PARIX_ADMIN_PASSWORD=$password build/parix init --data "$work/data" > /dev/null
cat > "$work/data/parix.toml" <<TOML
data_dir = "."
[listen]
port = $parix_port
[log]
level = "warn"
access_file = "logs/access.log"
[limits]
worker_threads = ${PARIX_BENCH_WORKERS:-0}
TOML
build/parix serve --data "$work/data" > "$work/parix.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -sk "https://127.0.0.1:$parix_port/healthz" > /dev/null && break; sleep 0.2; done

token=$(curl -sk "https://127.0.0.1:$parix_port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
mkdir -p "$work/www"
curl -sk "https://127.0.0.1:$parix_port/healthz" > "$work/www/healthz.json"
curl -sk "https://127.0.0.1:$parix_port/api/v1/me" -H "Authorization: Bearer $token" > "$work/www/me.json"

# nginx with the same certificate and the same TLS settings as parix (server/tls.cpp).
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
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $work/data/tls/server.crt;
    ssl_certificate_key $work/data/tls/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ecdh_curve X25519:prime256v1:secp384r1;
    ssl_prefer_server_ciphers on;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
    add_header Strict-Transport-Security "max-age=63072000" always;
    add_header X-Content-Type-Options nosniff always;
    root $work/www;
  }
}
NGINX
mkdir -p "$work/tmp"
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 50); do curl -sk "https://127.0.0.1:$nginx_port/healthz.json" > /dev/null && break; sleep 0.2; done

# Prints "requests/s p50_ms p99_ms" for one wrk run.
measure() {
  local out
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$@")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
  p50=$(awk '$1 == "50%" {print $2}' <<< "$out")
  p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); wrk -t2 -c$connections -d${duration}s"
printf '%-26s %12s %9s %9s %8s\n' "target" "requests/s" "p50 ms" "p99 ms" "ratio"
report() {
  local name=$1 parix=$2 nginx=$3 target=$4
  read -r prps pp50 pp99 <<< "$parix"
  read -r nrps np50 np99 <<< "$nginx"
  local ratio
  ratio=$(awk -v a="$prps" -v b="$nrps" 'BEGIN { printf "%.2f", a / b }')
  printf '%-26s %12s %9s %9s\n' "nginx static ($name)" "$nrps" "$np50" "$np99"
  printf '%-26s %12s %9s %9s %8s  (target >= %s)\n' "parix $name" "$prps" "$pp50" "$pp99" "$ratio" "$target"
}
n_health=$(measure "https://127.0.0.1:$nginx_port/healthz.json")
p_health=$(measure "https://127.0.0.1:$parix_port/healthz")
report "/healthz" "$p_health" "$n_health" 0.6
n_me=$(measure "https://127.0.0.1:$nginx_port/me.json")
p_me=$(measure -H "Authorization: Bearer $token" "https://127.0.0.1:$parix_port/api/v1/me")
report "/api/v1/me" "$p_me" "$n_me" 0.4
errors=$(grep -c ' status=[45]' "$work/data/logs/access.log" || true)
echo "parix 4xx/5xx responses during the run: $errors"
