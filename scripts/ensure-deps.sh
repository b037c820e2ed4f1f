#!/usr/bin/env bash
# Installs the exact locked dependencies when node_modules is missing or older than the lock file,
# and checks the tools the tests need that npm does not provide.
set -euo pipefail
cd "$(dirname "$0")/.."

need_node="20.19.0"
have_node="$(node -p 'process.versions.node')"
if [ "$(printf '%s\n%s\n' "$need_node" "$have_node" | sort -V | head -1)" != "$need_node" ]; then
  echo "lifeboat needs Node >= $need_node (found $have_node)" >&2
  exit 1
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (node_modules missing or older than package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi

for tool in moto_server cfn-lint; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool is not installed: run \`pip install 'moto[server]' cfn-lint\` (Python 3.11), then try again" >&2
    exit 1
  fi
done
