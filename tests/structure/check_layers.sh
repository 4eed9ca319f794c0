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
if ((status == 0)); then echo "module layers ok: ${layers[*]}"; fi
exit $status
