#!/usr/bin/env bash
# Installs the Debian 12 packages parix needs to build, test and benchmark.
# Idempotent: does nothing when everything is already there.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-program-options1.81-dev
  libssl-dev openssl libsqlite3-dev sqlite3 libarchive-dev libargon2-dev libutf8proc-dev
  libspdlog-dev libfmt-dev libtomlplusplus-dev zlib1g-dev
)
# The web UI is built with Node (npm from the nodejs package of the configured apt
# source) and tested in Debian's chromium.
web_packages=(nodejs)
test_packages=(libgtest-dev libgmock-dev googletest testssl.sh curl ca-certificates clang-format
               python3 python3-openpyxl xlsx2csv unzip clang-14 libfuzzer-14-dev chromium fonts-noto-core
               "${web_packages[@]}")
bench_packages=(wrk nginx-light)

wanted=("${build_packages[@]}")
case "${1:-build}" in
  build) ;;
  web) wanted+=("${web_packages[@]}") ;;
  test) wanted+=("${test_packages[@]}") ;;
  bench) wanted+=("${test_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: $0 [build|web|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
wants_node=false
printf '%s\n' "${wanted[@]}" | grep -qx nodejs && wants_node=true
# Debian's own nodejs package comes without npm (a NodeSource-style nodejs has it).
if $wants_node && [ ${#missing[@]} -eq 0 ] && ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
if $wants_node && ! command -v npm >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends npm
fi
