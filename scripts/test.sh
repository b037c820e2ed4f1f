#!/usr/bin/env bash
# `npm test`: everything a reviewer wants green, with the wall time of each step.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh

timings=()
results=.jest-results
rm -rf "$results" && mkdir -p "$results"
export LIFEBOAT_JEST_RESULTS="$results"
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
step "jest unit" npx --no-install jest --selectProjects unit --ci --json --outputFile="$results/unit.json"
step "jest integration (moto)" npx --no-install jest --selectProjects integration --ci --json --outputFile="$results/integration.json"
step "jest stepfunctions (moto)" npx --no-install jest --selectProjects stepfunctions --ci --json --outputFile="$results/stepfunctions.json" --passWithNoTests
step "package (osls, cfn-lint, asl)" bash scripts/check-package.sh

echo
echo "All checks passed. Wall time per step:"
printf '  %s\n' "${timings[@]}"
# One closing line over every jest project (unit, integration, stepfunctions, security).
node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0;
  for (const f of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(`${process.argv[1]}/${f}`, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
' "$results"
