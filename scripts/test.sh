#!/usr/bin/env bash
# The whole test suite, as root on a fresh Debian 12 machine: dependencies, type check, unit
# tests, then a real lab of compile nodes for the lab tests. Prints one closing line
# "tests: N passed, N failed" and exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prepare.sh
npm run --silent typecheck

reports=$(mktemp -d)
trap 'lab/lab down >/dev/null 2>&1 || true; rm -rf "$reports"' EXIT
status=0
npx vitest run --project unit --reporter=default --reporter=json --outputFile="$reports/unit.json" || status=$?
lab/lab up 3
npx vitest run --project lab --reporter=default --reporter=json --outputFile="$reports/lab.json" || status=$?
node scripts/summarize-tests.mjs "$reports"/*.json
exit "$status"
