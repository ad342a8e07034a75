#!/usr/bin/env bash
# The web app's API types from the gateway's merged OpenAPI document, built offline.
#   gen_api.sh          write web/src/api/openapi.json and schema.d.ts (commit both)
#   gen_api.sh --check  regenerate into a temporary folder; fail when the committed ones differ
#                       (a changed API must come with regenerated types, which the type check
#                       then holds the pages to)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=web/src/api
if [[ ${1:-} == --check ]]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
uv run --frozen python web/scripts/export_openapi.py "$out/openapi.json"
web/node_modules/.bin/openapi-typescript "$out/openapi.json" -o "$out/schema.d.ts" --silent
if [[ ${1:-} == --check ]]; then
  status=0
  for file in openapi.json schema.d.ts; do
    if ! diff -q "web/src/api/$file" "$out/$file" >/dev/null; then
      echo "web/src/api/$file is stale: the API changed; run 'npm --prefix web run gen:api' and commit"
      diff -u "web/src/api/$file" "$out/$file" | head -40
      status=1
    fi
  done
  exit $status
fi
