#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running parix with demo data:
# installs packages, builds Release, prepares the data folder (TLS certificate,
# signing key, database, demo users) and serves https://127.0.0.1:${PARIX_PORT:-8443}.
# Safe to run again: nothing that exists is recreated (init and demo only add what is
# missing; the build is incremental).
#   environment: PARIX_PORT (8443), PARIX_DATA (var, relative to the repository),
#                PARIX_DEMO_PASSWORD (ChiSoCCHC-2024; also the admin's password)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

port=${PARIX_PORT:-8443}
data=${PARIX_DATA:-var}
password=${PARIX_DEMO_PASSWORD:-ChiSoCCHC-2024}

deploy/install-deps.sh build
deploy/install-deps.sh web
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPARIX_TESTS=OFF
cmake --build build
# The web UI (web/ → web/dist), served by parix at / ([web] root, default web/dist).
tests/web/build_ui.sh

PARIX_ADMIN_PASSWORD="$password" build/parix init --data "$data"
PARIX_DEMO_PASSWORD="$password" build/parix demo --data "$data"

cat <<INFO

parix is starting at https://127.0.0.1:${port}/  (self-signed certificate: use curl -k)
Open https://127.0.0.1:${port}/ in a browser (accept the certificate) and sign in as stp.canbo.
Demo accounts: the list above; every password is \$PARIX_DEMO_PASSWORD (now: ${password}).
Try:
  token=\$(curl -sk https://127.0.0.1:${port}/api/v1/auth/login -H 'Content-Type: application/json' \\
    -d '{"username":"admin","password":"${password}"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
  curl -sk https://127.0.0.1:${port}/api/v1/me -H "Authorization: Bearer \$token"
Stop with Ctrl-C (graceful: requests in flight finish). Logs: ${data}/logs/.

INFO
# exec: the server replaces this shell, so Ctrl-C (SIGINT) reaches it directly.
exec build/parix serve --data "$data" --port "$port"
