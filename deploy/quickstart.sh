#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running parix with demo data:
# installs packages, builds Release, prepares the data folder (TLS certificate,
# signing key, database, demo users) and serves https://127.0.0.1:${PARIX_PORT:-8443}.
# Safe to run again: nothing that exists is recreated.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

port=${PARIX_PORT:-8443}
data=${PARIX_DATA:-var}
password=${PARIX_DEMO_PASSWORD:-ChiSoCCHC-2024}

deploy/install-deps.sh build
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARIX_TESTS=OFF
cmake --build build

PARIX_ADMIN_PASSWORD="$password" build/parix init --data "$data"
PARIX_DEMO_PASSWORD="$password" build/parix demo --data "$data"

cat <<INFO

parix is starting at https://127.0.0.1:${port}/  (self-signed certificate: curl -k)
Every demo account's password: \$PARIX_DEMO_PASSWORD (now: ${password})
Try:  curl -k https://127.0.0.1:${port}/api/v1/auth/login -H 'Content-Type: application/json' \\
        -d '{"username":"admin","password":"${password}"}'
Stop with Ctrl-C (graceful).

INFO
exec build/parix serve --data "$data" --port "$port"
