#!/usr/bin/env bash
# `npm test`: everything a reviewer wants green. Every step runs even after one fails, and the
# summary (wall time and result of each step, the test counts, the failed steps) is always printed;
# the exit status is non-zero when any step failed.
set -euo pipefail

results=.jest-results
step_lines=()
failed_steps=()

# Colour codes are noise in a log file or CI output: jest (through jest-worker and chalk), osls and
# the rest honour FORCE_COLOR=0 / NO_COLOR; biome takes --colors=off below.
if [[ ! -t 1 ]]; then
  export FORCE_COLOR=0 NO_COLOR=1
fi

# Runs one step, recording its wall time and exit status instead of stopping the run.
step() {
  local name="$1"
  shift
  local started=$SECONDS status=0
  echo "==> $name"
  "$@" || status=$?
  local took=$((SECONDS - started))
  if [[ $status -eq 0 ]]; then
    step_lines+=("$(printf '%-30s %5ss  ok' "$name" "$took")")
  else
    echo "<== $name FAILED (exit $status)"
    step_lines+=("$(printf '%-30s %5ss  FAILED (exit %s)' "$name" "$took" "$status")")
    failed_steps+=("$name")
  fi
}

# Prints the summary and returns non-zero when a step failed.
summary() {
  echo
  if [[ ${#failed_steps[@]} -eq 0 ]]; then
    echo "All checks passed. Wall time per step:"
  else
    echo "${#failed_steps[@]} step(s) failed. Wall time per step:"
  fi
  printf '  %s\n' "${step_lines[@]}"
  # One line over every jest project that wrote its results (unit, integration, stepfunctions, security).
  node -e '
    const fs = require("node:fs");
    const dir = process.argv[1];
    let passed = 0, failed = 0;
    const unreadable = [];
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
      try {
        const r = JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
        passed += r.numPassedTests;
        failed += r.numFailedTests;
      } catch {
        unreadable.push(f);
      }
    }
    const note = unreadable.length > 0 ? ` (unreadable results: ${unreadable.join(", ")})` : "";
    console.log(`tests: ${passed} passed, ${failed} failed${note}`);
  ' "$results"
  if [[ ${#failed_steps[@]} -gt 0 ]]; then
    local joined
    joined=$(printf ', %s' "${failed_steps[@]}")
    echo "failed: ${joined:2}"
    return 1
  fi
}

main() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  bash scripts/ensure-deps.sh
  rm -rf "$results" && mkdir -p "$results"
  export LIFEBOAT_JEST_RESULTS="$results"

  step "typecheck (tsc)" npx --no-install tsc --noEmit
  step "lint (biome)" npx --no-install biome ci --colors=off --reporter=summary .
  step "jest unit" npx --no-install jest --selectProjects unit --ci --json --outputFile="$results/unit.json"
  step "jest integration (moto)" npx --no-install jest --selectProjects integration --ci --json --outputFile="$results/integration.json"
  step "jest stepfunctions (moto)" npx --no-install jest --selectProjects stepfunctions --ci --json --outputFile="$results/stepfunctions.json"
  step "package (osls, cfn-lint, asl)" bash scripts/check-package.sh
  summary
}

# Sourced (tests/unit/scripts/test-sh.test.ts) it only defines step and summary.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main
fi
