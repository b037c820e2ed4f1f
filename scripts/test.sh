#!/usr/bin/env bash
# `npm test`: everything a reviewer wants green, with the wall time of each step.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh

timings=()
step() {
  local name="$1"
  shift
  local started=$SECONDS
  echo "==> $name"
  "$@"
  timings+=("$(printf '%-28s %4ss' "$name" $((SECONDS - started)))")
}

step "typecheck (tsc)" npx --no-install tsc --noEmit
step "lint (biome)" npx --no-install biome ci --colors=off --reporter=summary .
step "jest unit" npx --no-install jest --selectProjects unit --ci
step "jest integration (moto)" npx --no-install jest --selectProjects integration --ci
step "jest stepfunctions (moto)" npx --no-install jest --selectProjects stepfunctions --ci --passWithNoTests
step "package (osls, cfn-lint, asl)" bash scripts/check-package.sh

echo
echo "All checks passed. Wall time per step:"
printf '  %s\n' "${timings[@]}"
