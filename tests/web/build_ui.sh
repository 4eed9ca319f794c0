#!/usr/bin/env bash
# Installs the UI's npm packages exactly as locked (npm ci) when they changed, and
# builds web/ into web/dist (type check, Vite, .br/.gz twins). Used by tests/run.sh and
# deploy/quickstart.sh. No browser is downloaded: the tests use Debian's chromium.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root/web"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# npm ci only when the lockfile is newer than the installed tree (it wipes node_modules).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
