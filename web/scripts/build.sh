#!/usr/bin/env bash
# Builds web/dist when it is missing or older than its sources (`make run` calls this, so a
# fresh machine needs nothing else); installs the locked dependencies when they are missing.
#   build.sh          build when stale
#   build.sh --force  always build (the test run: a failed build is a failure)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "npm is missing: install Node.js 20 and npm to build the web app" >&2
  exit 1
fi
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
stale=${1:-}
if [[ ! -f dist/index.html ]] ||
  [[ -n $(find src public index.html package-lock.json vite.config.ts tsconfig.json \
    -newer dist/index.html -print -quit 2>/dev/null) ]]; then
  stale=--force
fi
if [[ $stale == --force ]]; then
  echo "building the web app (web/dist)"
  npx vite build --logLevel warn
fi
