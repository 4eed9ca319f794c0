#!/usr/bin/env bash
# The web UI's budget (issue 13), in headless Chromium against a Release parix with the
# demo data on a fresh folder: first load ≤ 200 KB of JS+CSS gzipped; the 165-node
# district tree with a full file rendered in < 200 ms (performance marks); a 200 MB
# upload through the browser at ≥ 0.5 × curl's rate for the same file in the same run.
# Figures go to docs/benchmarks.md by hand.
#   environment: PARIX (binary, default build/parix), PORT (9400), SIZE_MB (200; 0: no upload)
set -euo pipefail
parix=${PARIX:-build/parix}
port=${PORT:-9400}
size_mb=${SIZE_MB:-200}
# shellcheck source=tests/bench/lib.sh
source "$(dirname "$0")/lib.sh"
password=$bench_password
bench_start /tmp/parix-web-bench.XXXXXX

tests/web/build_ui.sh >/dev/null
bench_data "$parix"
printf '\n[web]\nroot = "%s"\n[evidence]\nmax_leaf_total = 2147483648\n' "$root/web/dist" >> "$data/parix.toml"
bench_serve "$parix" "$port"
url="https://127.0.0.1:$port"

cd web
if [ "$size_mb" = 0 ]; then  # first load and tree only
  PARIX_DEMO_PASSWORD=$password node bench/ui_bench.mjs "$url" "$root/web/dist"
  exit
fi
cd "$root"

# The same big PDF for curl and for the browser.
big="$work/tai-lieu-200mb.pdf"
python3 - "$big" "$size_mb" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
with open(path, 'wb') as f:
    f.write(b'%PDF-1.4\n')
    line = b'%' + b'0123456789abcdef' * 4 + b'\n'
    block = line * (1024 * 1024 // len(line))
    for _ in range(mb):
        f.write(block)
    f.write(b'\ntrailer << >>\n%%EOF\n')
PY
sync

token=$(bench_login "$url" htg.canbo)
t0=$(date +%s.%N)
sha=$(sha256sum "$big" | cut -d' ' -f1)
t1=$(date +%s.%N)
length=$(stat -c %s "$big")
meta="filename $(printf 'curl.pdf' | base64 -w0),sha256 $(printf '%s' "$sha" | base64 -w0)"
location=$(curl -sk -D - -o /dev/null -X POST "$url/api/v1/uploads" -H "Authorization: Bearer $token" \
  -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $length" -H "Upload-Metadata: $meta" |
  tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
t2=$(date +%s.%N)
curl -sk -o /dev/null -X PATCH "$url$location" -H "Authorization: Bearer $token" -H 'Tus-Resumable: 1.0.0' \
  -H 'Upload-Offset: 0' -H 'Content-Type: application/offset+octet-stream' --data-binary @"$big"
t3=$(date +%s.%N)
curl_seconds=$(python3 -c "print($t3 - $t2)")
hash_seconds=$(python3 -c "print($t1 - $t0)")

cd web
PARIX_DEMO_PASSWORD=$password node bench/ui_bench.mjs "$url" "$root/web/dist" "$big" "$curl_seconds" "$hash_seconds"
