# shellcheck shell=bash
# Shared by the benchmark scripts (sourced, not run): a fresh data folder with the demo
# data, parix serving it in the background, and sign-ins. bench_start makes $work (a
# temporary folder) and arranges that the server is stopped and $work removed when the
# script exits; bench_data sets $data, bench_serve sets $server. Sourcing it moves to the
# repository's root ($root), where the scripts' relative paths start.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 1
bench_password=ChiSoCCHC-2024

# bench_start [mktemp template]: call once, before the others.
# shellcheck disable=SC2120  # the template is optional
bench_start() {
  work=$(mktemp -d ${1:+"$1"})
  server=""
  trap bench_cleanup EXIT
}

bench_cleanup() {
  bench_stop
  rm -rf "$work"
}

# bench_data BIN: $work/data made by `parix init` and `parix demo` (the 2024 criteria sets,
# the province's seven units, the demo users), every password $bench_password.
bench_data() {
  data="$work/data"
  PARIX_ADMIN_PASSWORD=$bench_password "$1" init --data "$data" > /dev/null
  PARIX_DEMO_PASSWORD=$bench_password "$1" demo --data "$data" > /dev/null
}

# bench_serve BIN PORT: BIN serving $data on PORT in the background ($server), its output
# in $work/serve.log; returns once it serves (exits the script if it does not start).
bench_serve() {
  "$1" serve --data "$data" --port "$2" > "$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do
    grep -q "serving at" "$work/serve.log" && return 0
    sleep 0.1
  done
  echo "parix did not start serving within 10 s:" >&2
  tail -5 "$work/serve.log" >&2
  exit 1
}

# bench_stop: stops the server (SIGTERM) and waits for it; nothing when none runs.
bench_stop() {
  if [ -n "${server:-}" ]; then
    kill "$server" 2> /dev/null || true
    wait "$server" 2> /dev/null || true
    server=""
  fi
}

# bench_login BASE USER: prints a session token of USER (password $bench_password).
bench_login() {
  curl -sk "$1/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"$bench_password\"}" |
    sed 's/.*"token":"\([^"]*\)".*/\1/'
}
