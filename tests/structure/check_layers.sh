#!/usr/bin/env bash
# Fails when a module includes a header of a module above it. The modules, lowest
# first, as docs/architecture.md draws them: storage ← auth ← workflow ← evidence ←
# server. A module may include its own headers and those of modules below it; none
# includes tests/. Run by ctest (module_layers); usage: check_layers.sh [REPO_ROOT].
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
layers=(storage auth workflow evidence server)
status=0
for i in "${!layers[@]}"; do
  module=${layers[$i]}
  [[ -d $root/$module ]] || continue
  forbidden=(tests)
  for ((j = i + 1; j < ${#layers[@]}; j++)); do forbidden+=("${layers[$j]}"); done
  pattern="^[[:space:]]*#[[:space:]]*include[[:space:]]*\"($(IFS='|'; echo "${forbidden[*]}"))/"
  while IFS= read -r hit; do
    echo "layer violation: $module may not include a module above it: ${hit#"$root"/}"
    status=1
  done < <(grep -rnE "$pattern" "$root/$module" --include='*.hpp' --include='*.cpp' \
             --include='*.h' --include='*.inc' --include='*.in' || true)
done
# evidence/formats/ is what `parix verify` needs: no database, no appraisal, none of the
# rest of evidence/. Of storage/ it may use the hashing, encoding, key and blob headers.
if [[ -d $root/evidence/formats ]]; then
  pattern='^[[:space:]]*#[[:space:]]*include[[:space:]]*"(auth/|workflow/|server/|tests/|evidence/[a-z_]+\.hpp|storage/(database|connection|sqlite_[a-z_]*|[a-z_]*_records|audit_[a-z_]*|backup|migrations|csv)\.hpp)'
  while IFS= read -r hit; do
    echo "layer violation: evidence/formats may include only itself and storage's hashing, encoding, key and blob headers: ${hit#"$root"/}"
    status=1
  done < <(grep -rnE "$pattern" "$root/evidence/formats" --include='*.hpp' --include='*.cpp' || true)
fi
# Each module's test suite links only its module (tests/CMakeLists.txt): its files include
# no header of a module above it, and of tests/support only the module-free helpers.
for i in "${!layers[@]}"; do
  module=${layers[$i]}
  [[ $module != server && -d $root/tests/$module ]] || continue
  forbidden=()
  for ((j = i + 1; j < ${#layers[@]}; j++)); do forbidden+=("${layers[$j]}/"); done
  pattern="^[[:space:]]*#[[:space:]]*include[[:space:]]*\"($(IFS='|'; echo "${forbidden[*]}")|tests/support/(https_client|test_server|campaign_support|evidence_support|workload))"
  while IFS= read -r hit; do
    echo "layer violation: the $module tests link only parix_$module: ${hit#"$root"/}"
    status=1
  done < <(grep -rnE "$pattern" "$root/tests/$module" --include='*.hpp' --include='*.cpp' || true)
done
if ((status == 0)); then echo "module layers ok: ${layers[*]}, evidence/formats"; fi
exit $status
