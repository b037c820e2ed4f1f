#!/usr/bin/env bash
# Packages the service offline with osls (dummy credentials, nothing fetched from AWS), lints the
# generated CloudFormation and the DR-region forwarder template with cfn-lint, and validates every
# state machine definition.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> asl-validator stepfunctions/*.asl.yml"
shopt -s nullglob
definitions=(stepfunctions/*.asl.yml)
for def in "${definitions[@]}"; do
  npx --no-install asl-validator --silent --yaml-path "$def" >/dev/null || {
    echo "invalid state machine definition: $def" >&2
    npx --no-install asl-validator --yaml-path "$def" >&2 || true
    exit 1
  }
done
echo "    ${#definitions[@]} definitions valid"

osls() {
  AWS_ACCESS_KEY_ID=packaging AWS_SECRET_ACCESS_KEY=packaging AWS_SDK_LOAD_CONFIG=0 \
    SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off \
    npx --no-install osls "$@" --stage "${LIFEBOAT_STAGE:-dev}"
}

echo "==> osls print --param configFile=... (the given site config is the one read and packaged)"
fixtures=tests/fixtures/config
printed=$(osls print --param="configFile=$fixtures/shop.yml")
grep -q "LIFEBOAT_CONFIG: $fixtures/shop.yml" <<<"$printed" && grep -q -- "- shop-5xx" <<<"$printed" || {
  echo "osls did not derive the alarm rule from --param configFile=$fixtures/shop.yml" >&2
  exit 1
}
status=0
errors=$(osls print --param="configFile=$fixtures/bad-region-no-port.yml" 2>&1 >/dev/null) || status=$?
expected='  - sites[0](blog).regions.primary: an AWS region such as us-east-1 ("us-east-9" is not one)
  - sites[0](blog).run.containerPort: required (expected number)'
if [[ $status -ne 2 || $(tail -n +2 <<<"$errors") != "$expected" ]]; then
  echo "a bad site config should fail packaging with exit 2 and its field errors alone; got exit $status:" >&2
  echo "$errors" >&2
  exit 1
fi
echo "    param honoured; a bad config fails with its field errors alone"

echo "==> osls package (offline)"
rm -rf .serverless
osls package >/dev/null
template=.serverless/cloudformation-template-update-stack.json
echo "    $(ls .serverless/*.zip | wc -l) function bundles, template $(wc -c <"$template") bytes"

echo "==> cfn-lint $template"
# W3005: the framework adds DependsOn to each function's own role, which a GetAtt already implies.
cfn-lint --ignore-checks W3005 -- "$template"
echo "    cfn-lint clean"

# Deployed by hand in each DR region (README, Deploy); tests/security/dr-forwarder.test.ts checks it against $template.
forwarder=config/dr-region-forwarder.yml
echo "==> cfn-lint $forwarder"
cfn-lint -- "$forwarder"
echo "    cfn-lint clean"

echo "==> security checks over $template (jest project: security)"
npx --no-install jest --selectProjects security --ci --silent \
  ${LIFEBOAT_JEST_RESULTS:+--json --outputFile="$LIFEBOAT_JEST_RESULTS/security.json"}
